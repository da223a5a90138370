"""The window's compile dialog offers the DOCX manuscript: chosen there, it writes a Shunn manuscript."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from PySide6.QtWidgets import QFileDialog, QInputDialog

from reyna_desktop.export.samples import make_sample_book
from reyna_desktop.gui import workers
from reyna_desktop.gui.main_window import FORMATS


def test_compile_dialog_writes_a_manuscript_docx(qtbot, private_dirs: Path, tmp_path: Path, monkeypatch) -> None:
    from reyna_desktop.gui.app import build_window

    window = build_window(private_dirs, sample=False)
    qtbot.addWidget(window)
    window.show()
    try:
        book = make_sample_book(window.store)
        out = tmp_path / "manuscript.docx"
        offered: list[list[str]] = []

        def choose(parent, title, label, items, *args):  # the user picks the manuscript entry
            offered.append(list(items))
            return "docx-manuscript", True

        monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
        window.compile_bucket(book)
        qtbot.waitUntil(out.exists, timeout=30000)
        workers.wait_idle()
        assert offered == [FORMATS] and "docx" in FORMATS
        doc = Document(str(out))
        assert doc.paragraphs[-1].text == "END"
        assert doc.styles["Normal"].font.name == "Times New Roman"
    finally:
        window.close()
        workers.wait_idle()
        window.store.close()
