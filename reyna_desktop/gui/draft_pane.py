"""The left pane of the blob editor: the original draft, Markdown, saved a moment after typing stops."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from reyna_desktop.gui import workers
from reyna_desktop.gui.counts import blob_language_unit, draft_unit
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.highlighter import MarkdownHighlighter
from reyna_desktop.gui.journal_hook import JournalHook
from reyna_desktop.gui.spell_menu import WritingAids
from reyna_desktop.processors.retrieval import quote_span
from reyna_desktop.store.text import WORDS, word_count
from reyna_desktop.sync.text_merge import merge_text

log = logging.getLogger(__name__)


def save_text(store, blob_id: str, base: str, text: str) -> tuple[object, str]:
    """Off the UI thread: save `text`, typed on top of `base`. When the stored text changed
    meanwhile (a merge from another device, an accepted paragraph), both changes are saved, so
    neither is saved over. Returns the blob and the text saved."""
    with store.transaction():  # the text read and the version written are one step
        stored = store.blobs.text(blob_id)
        saved = text if stored == base else merge_text(base, stored, text)
        return store.blobs.update_text(blob_id, saved), saved


def load_text(store, blob_id: str) -> tuple[object, str, str | None]:
    """The blob, its text, and the unit its book's language implies (None: its text decides)."""
    return store.blobs.get(blob_id), store.blobs.text(blob_id), blob_language_unit(store, blob_id)


class DraftPane(QWidget):
    saved = Signal(object)  # the Blob after a save made a version
    words_changed = Signal(int)
    loaded = Signal(str)
    history_requested = Signal(str)
    error = Signal(str)

    def __init__(self, store, journal: JournalHook | None = None, autosave_ms: int = 800,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.journal = journal
        self.blob_id: str | None = None
        self.blob: Any = None
        self.unit = WORDS  # what `words_changed` counts: "words" or "characters" (gui/counts.py)
        self._language_unit: str | None = None
        self._saved_text = ""
        self._saving = False
        self._loading = False
        self._pending_quote: tuple[str, str] | None = None  # (blob id, quote) to select once loaded
        self.title = QLabel(self.tr("Draft"))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel("")
        self.final_button = QToolButton()
        self.final_button.setText(self.tr("Mark final"))
        self.final_button.setCheckable(True)
        self.final_button.setToolTip(self.tr("Use this text when compiling the book"))
        self.final_button.toggled.connect(self._mark_final)
        self.history_button = QToolButton()
        self.history_button.setText(self.tr("History…"))
        self.history_button.clicked.connect(lambda: self.blob_id and self.history_requested.emit(self.blob_id))
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(self.tr("Draft text"))
        self.editor.setTabChangesFocus(False)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.highlighter = MarkdownHighlighter(self.editor.document())
        self.aids = WritingAids(store, self.editor, self.highlighter)
        self.autosave = QTimer(self, singleShot=True, interval=autosave_ms)
        self.autosave.timeout.connect(self.save)
        self.journal_timer = QTimer(self, singleShot=True, interval=400)
        self.journal_timer.timeout.connect(self._journal_now)
        self.editor.textChanged.connect(self._changed)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        top.addWidget(self.final_button)
        top.addWidget(self.history_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        self.setEnabled(False)

    def apply_font(self, family: str, size: int) -> None:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont) if not family else QFont(family)
        if size:
            font.setPointSize(size)
        self.editor.setFont(font)

    @property
    def text(self) -> str:
        return self.editor.toPlainText()

    @property
    def dirty(self) -> bool:
        return self.blob_id is not None and self.text != self._saved_text

    def open_blob(self, blob_id: str) -> None:
        if blob_id == self.blob_id:
            return
        self.save()
        self.blob_id = blob_id
        self._loading = True
        self.setEnabled(False)
        self.status.setText(self.tr("Loading…"))
        workers.submit(load_text, self.store, blob_id, on_done=lambda r: self._loaded(blob_id, r),
                       on_error=self._failed)

    def reload(self) -> None:
        """Take the stored text when it changed elsewhere (another device, an accepted paragraph);
        edits here not saved yet are merged with it, not lost or saved over it."""
        if self.blob_id is None or self._saving:
            return
        blob_id = self.blob_id
        workers.submit(load_text, self.store, blob_id, on_done=lambda r: self._loaded(blob_id, r, keep_cursor=True),
                       on_error=self._failed)

    def _loaded(self, blob_id: str, result: tuple[object, str, str | None], keep_cursor: bool = False) -> None:
        if blob_id != self.blob_id:
            return
        blob, text, self._language_unit = result
        if keep_cursor and self._saving:
            return  # the save under way merges the stored change (save_text); _saved shows it
        self.unit = draft_unit(self._language_unit, text)
        self.blob = blob
        if keep_cursor and self.dirty:  # typed here and changed elsewhere: both are kept
            self._take_stored(self._saved_text, text)
        else:
            self._saved_text = text
            if blob_id != self.aids.blob_id:
                self.aids.open_blob(blob_id, text)
            self._show_text(text, keep_cursor)
        self._loading = False  # open_blob set it: typing counts from here on
        self.title.setText(getattr(blob, "title", "") or "Draft")
        self.final_button.blockSignals(True)
        self.final_button.setChecked(bool(getattr(blob, "is_final", False)))
        self.final_button.blockSignals(False)
        self.status.setText(fill(self.tr("v%1"), getattr(blob, "version", 1)))
        self.setEnabled(True)
        self.words_changed.emit(word_count(self.text))
        if self._pending_quote and self._pending_quote[0] == blob_id:
            self.select_quote(self._pending_quote[1])
        self.loaded.emit(blob_id)
        if self.dirty:  # a merged text still has to be saved
            self.status.setText(self.tr("Edited"))
            self.autosave.start()

    def _show_text(self, text: str, keep_cursor: bool) -> None:
        """Put `text` in the editor without counting it as typing; the cursor keeps its place in
        the text around it (moved by what was inserted or removed before it)."""
        old = self.editor.toPlainText()
        if text == old:
            return
        position = self.editor.textCursor().position()
        prefix = 0
        while prefix < min(len(old), len(text)) and old[prefix] == text[prefix]:
            prefix += 1
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        if keep_cursor:
            cursor = self.editor.textCursor()
            moved = position + (len(text) - len(old) if position > prefix else 0)
            cursor.setPosition(max(0, min(moved, len(text))))
            self.editor.setTextCursor(cursor)

    def _take_stored(self, base: str, stored: str) -> None:
        """The stored text went from `base` to `stored` while the editor holds unsaved edits of
        `base`: the editor gets both (the same merge sync makes), and stays to be saved."""
        self._saved_text = stored
        self._show_text(merge_text(base, stored, self.editor.toPlainText()), keep_cursor=True)
        self.words_changed.emit(word_count(self.text))
        if self.dirty:
            self.autosave.start()
            self.journal_timer.start()

    def show_quote(self, blob_id: str, quote: str) -> None:
        """Select a chat reply's quoted sentences in this blob (now, or once it has loaded)."""
        self._pending_quote = (blob_id, quote)
        if blob_id == self.blob_id and not self._loading and self.isEnabled():
            self.select_quote(quote)
        self.open_blob(blob_id)

    def select_quote(self, quote: str) -> bool:
        """Select the quote in the text and scroll to it; False when the text no longer has it."""
        self._pending_quote = None
        span = quote_span(self.text, quote)
        if span is None:
            return False
        cursor = self.editor.textCursor()
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        return True

    def clear(self) -> None:
        self.save()
        self.blob_id = None
        self.blob = None
        self._loading = True
        self.editor.clear()
        self._loading = False
        self._saved_text = ""
        self.setEnabled(False)

    def _changed(self) -> None:
        if self._loading or self.blob_id is None:
            return
        text = self.text
        self.unit = draft_unit(self._language_unit, text)  # without a book language, what is typed decides
        self.words_changed.emit(word_count(text))
        if self.dirty:
            self.status.setText(self.tr("Edited"))
            self.autosave.start()
            self.journal_timer.start()

    def _journal_now(self) -> None:
        if self.journal is not None and self.blob_id is not None and self.dirty:
            self.journal.write(self.blob_id, self.text, getattr(self.blob, "version", None))

    def save(self) -> None:
        """Write the text as a new version, off the UI thread; edits made meanwhile save after."""
        self.autosave.stop()
        if not self.dirty or self.blob_id is None:
            return
        if self._saving:
            self.autosave.start()
            return
        self._saving = True
        blob_id, base, text = self.blob_id, self._saved_text, self.text
        self.status.setText(self.tr("Saving…"))
        workers.submit(save_text, self.store, blob_id, base, text,
                       on_done=lambda done: self._saved(blob_id, text, *done),
                       on_error=lambda exc: self._save_failed(blob_id, exc))

    def save_now(self) -> None:
        """Synchronous save for closing the window: the text must be on disk before we go."""
        self.autosave.stop()
        if self.dirty and self.blob_id is not None:
            workers.wait_idle(10000)
            text = self.text
            self._saved(self.blob_id, text, *save_text(self.store, self.blob_id, self._saved_text, text))

    def _saved(self, blob_id: str, text: str, blob: object, saved: str | None = None) -> None:
        """`text` was sent; `saved` is what was stored (`text` with a change made elsewhere merged in)."""
        self._saving = False
        if blob_id == self.blob_id:
            if saved is not None and saved != text:
                self._take_stored(text, saved)
            else:
                self._saved_text = text
            self.blob = blob
        if self.journal is not None and (blob_id != self.blob_id or not self.dirty):
            self.journal.clear(blob_id)
        if blob_id == self.blob_id:
            self.status.setText(f"Saved v{getattr(blob, 'version', '?')}" if not self.dirty else "Edited")
        self.saved.emit(blob)

    def _save_failed(self, blob_id: str, exc: BaseException) -> None:
        self._saving = False
        log.warning("saving %s failed: %s", blob_id, exc)
        self.status.setText(self.tr("Not saved"))
        self.error.emit(f"Could not save: {exc}. Your text is still here and in the recovery journal.")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        self.error.emit(str(exc))

    def _mark_final(self, final: bool) -> None:
        if self.blob_id:
            workers.submit(self.store.blobs.set_final, self.blob_id, final, on_error=self._failed)
