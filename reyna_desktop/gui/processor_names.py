"""The processors the window offers by name (Process with…, Properties' automatic processing)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def processor_labels() -> list[tuple[str, str]]:
    """(processor id, label) in menu order; labels through tr() so they can be translated."""
    translate = QCoreApplication.translate  # named so: lupdate reads a tr(a, b) call as (source, comment)
    return [("text-expansion", translate("processors", "Expand text")),
            ("style-analyzer", translate("processors", "Analyse style")),
            ("summarizer", translate("processors", "Summarise")),
            ("pitch-builder", translate("processors", "Build a pitch"))]
