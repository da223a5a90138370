"""The ChordPro editor: the chart's source with highlighting beside a live preview laid out as
in the songbook (title, artist, key and capo, chords above their syllables, the chorus set in),
transpose up and down, capo; Save makes a new version of the blob. No spell check here: chord
names and directives are not words."""

from __future__ import annotations

import html
import importlib
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers

if TYPE_CHECKING:
    from types import ModuleType

CHORD_COLOR = "#c0392b"


def chordpro() -> ModuleType:
    """The ChordPro parser (reyna_desktop.export.chordpro). Importing it loads the whole export
    package (Typst, EbookLib, python-docx: about 0.4 s), so the window does that on a worker thread
    when a chart is first opened (EditorArea's describe_blob), never on the UI thread at start."""
    return importlib.import_module("reyna_desktop.export.chordpro")


class ChordProHighlighter(QSyntaxHighlighter):
    """Directives, [chords] and # comments in the source."""

    RULES = ((re.compile(r"^\s*\{[^}]*\}\s*$"), "#2f6fb0", True), (re.compile(r"\[[^\]\n]{1,16}\]"), CHORD_COLOR, True),
             (re.compile(r"^#.*$"), "#888888", False))

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats = []
        for pattern, color, bold in self.RULES:
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            self.formats.append((pattern, fmt))

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self.formats:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)


def preview_html(song: Any) -> str:
    """The song as the songbook sets it, in HTML a QTextBrowser renders (chords in a line above)."""
    out = [f"<h2 style='margin-bottom:0'>{html.escape(song.title or 'Untitled')}</h2>"]
    byline = " · ".join(x for x in (song.subtitle, song.artist) if x)
    if byline:
        out.append(f"<p style='margin-top:2px'><i>{html.escape(byline)}</i></p>")
    facts = []
    if song.key:
        facts.append(f"Key {html.escape(song.key)}")
    if song.capo:
        shapes = chordpro().transpose_chord(song.key, -song.capo) if song.key else ""
        facts.append(f"Capo {song.capo}" + (f" (play {html.escape(shapes)} shapes)" if shapes else ""))
    if facts:
        out.append(f"<p><small>{' · '.join(facts)}</small></p>")
    for block in song.blocks:
        indent = "    " if block.kind in ("chorus", "chorus-recall") else ""
        if block.kind == "comment":
            out.append(f"<p><i>{html.escape(block.lines[0][0].text if block.lines else '')}</i></p>")
            continue
        if block.kind == "chorus-recall":
            out.append(f"<p><b>{html.escape(block.label or 'Chorus')}</b></p>")
            continue
        if block.label or block.kind in ("chorus", "bridge"):
            out.append(f"<p style='margin-bottom:0'><b>{html.escape(block.label or block.kind.title())}</b></p>")
        lines = []
        for segments in block.lines:
            if block.kind == "tab":
                lines.append(html.escape(segments[0].text if segments else ""))
                continue
            chords, words = "", ""
            for segment in segments:
                if segment.chord:
                    chords = chords.ljust(len(words)) + segment.chord + " "
                words += segment.text
            if chords.strip():
                lines.append(f"<span style='color:{CHORD_COLOR};font-weight:bold'>"
                             f"{html.escape(indent + chords.rstrip())}</span>")
            lines.append(html.escape(indent + words))
        out.append(f"<pre style='margin-top:0'>{chr(10).join(lines)}</pre>")
    return "\n".join(out)


class ChordProEditor(QWidget):
    saved = Signal(object)  # the blob, after a save made a version
    error = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.blob_id: str | None = None
        self._saved_source = ""
        self.source = QPlainTextEdit()
        self.source.setAccessibleName(self.tr("ChordPro source"))
        self.source.setFont(QFont("monospace"))
        self.highlighter = ChordProHighlighter(self.source.document())
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(self.tr("Lyrics with chords"))
        self.down = QPushButton(self.tr("Transpose ♭"))
        self.down.setToolTip(self.tr("Every chord and the key a semitone down"))
        self.up = QPushButton(self.tr("Transpose ♯"))
        self.up.setToolTip(self.tr("Every chord and the key a semitone up"))
        self.capo = QSpinBox(minimum=0, maximum=12, prefix=self.tr("Capo "))
        self.save_button = QPushButton(self.tr("Save"))
        self.status = QLabel("")
        bar = QHBoxLayout()
        for widget in (self.down, self.up, self.capo):
            bar.addWidget(widget)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.save_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.source)
        split.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.update_preview)
        self.source.textChanged.connect(self._changed)
        self.down.clicked.connect(lambda: self.transpose(-1))
        self.up.clicked.connect(lambda: self.transpose(1))
        self.capo.valueChanged.connect(self.set_capo)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self.source).activated.connect(self.save)

    def show_blob(self, blob_id: str, source: str) -> None:
        self.blob_id = blob_id
        self._saved_source = source
        self.source.setPlainText(source)
        self.update_preview()
        self.status.setText("")

    def update_preview(self) -> None:
        song = chordpro().parse(self.source.toPlainText())
        self.preview.setHtml(preview_html(song))
        self.capo.blockSignals(True)
        self.capo.setValue(song.capo or 0)
        self.capo.blockSignals(False)

    def _changed(self) -> None:
        self._timer.start()
        self.status.setText(self.tr("Edited") if self.source.toPlainText() != self._saved_source else "")

    def _replace_text(self, text: str) -> None:
        """Set the source as one undoable edit."""
        cursor = self.source.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)

    def transpose(self, steps: int) -> None:
        self._replace_text(chordpro().transpose_source(self.source.toPlainText(), steps))

    def set_capo(self, capo: int) -> None:
        self._replace_text(chordpro().set_capo(self.source.toPlainText(), capo))

    def save(self) -> None:
        if self.blob_id is None:
            return
        source, blob_id = self.source.toPlainText(), self.blob_id

        def store_it() -> object:
            data = self.store.blobs.data(blob_id)
            return self.store.blobs.update(blob_id, {**data, "source": source}, note="edited in the ChordPro editor")

        workers.submit(store_it, on_done=lambda blob: self._stored(source, blob),
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _stored(self, source: str, blob: object) -> None:
        self._saved_source = source
        self.status.setText(self.tr("Saved as version %1").replace("%1", str(getattr(blob, "version", ""))))
        self.saved.emit(blob)
