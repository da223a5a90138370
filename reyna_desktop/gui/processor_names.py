"""The processors the window offers by name (Process with…, Properties' automatic processing)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def processor_labels() -> list[tuple[str, str]]:
    """(processor id, label) in menu order; labels through tr() so they can be translated."""
    tr = QCoreApplication.translate
    return [("text-expansion", tr("processors", "Expand text")),
            ("style-analyzer", tr("processors", "Analyse style")),
            ("summarizer", tr("processors", "Summarise")),
            ("pitch-builder", tr("processors", "Build a pitch"))]
