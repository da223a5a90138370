"""Codex mentions marked in the draft, with a card about the entry when the mouse rests on one.

The marks are extra selections (a dotted underline and a light tint), so they sit on top of
the Markdown highlighter without replacing it. They follow the text a moment after typing
stops, using the book's prebuilt matcher (one pass over the chapter), and are redrawn when
the book's names change.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from reyna_desktop.name_matcher import Mention
from reyna_desktop.store.codex import INDEX_EVENT, Entry, book_id_of

TINT = QColor(70, 130, 180, 40)


def entry_card(entry: Entry, picture_path: str | None = None) -> str:
    """The hover card: name, kind, aliases, short description, fields (HTML for a tooltip)."""
    rows = [f"<b>{html.escape(entry.name)}</b> <i>({entry.kind})</i>"]
    if entry.aliases:
        rows.append("also: " + html.escape(", ".join(entry.aliases)))
    if entry.description:
        rows.append(html.escape(entry.description))
    rows += [f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in entry.fields.items()]
    picture = f'<img src="{html.escape(picture_path)}" width="96" style="float: right">' if picture_path else ""
    return f"<div style='max-width: 320px'>{picture}{'<br>'.join(rows)}</div>"


class MentionMarks(QObject):
    def __init__(self, store: Any, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.editor = editor
        self.book_id: str | None = None
        self.mentions: list[Mention] = []
        self.entries: dict[str, Entry] = {}
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.refresh)
        editor.textChanged.connect(self._timer.start)
        editor.viewport().installEventFilter(self)

    def set_blob(self, blob_id: str) -> None:
        """Follow the book of the blob now in the editor."""
        if self.store.closed:  # a load that finished while the window was closing
            return
        blob = self.store.blobs.get(blob_id)
        bucket_id = blob.primary_bucket_id
        self.book_id = book_id_of(self.store.buckets.get(bucket_id)) if bucket_id else None
        self.refresh()

    def on_event(self, event: Any) -> None:
        if event.topic == INDEX_EVENT and event.payload.get("book_id") == self.book_id:
            self._timer.start()

    def refresh(self) -> None:
        """Find the mentions in the editor's text and mark them (not for a closed window)."""
        if self.book_id is None or not self.editor.isVisible():
            self.mentions, self.entries = [], {}
        else:
            self.entries = {e.id: e for e in self.store.codex.entries(self.book_id)}
            self.mentions = self.store.codex.mentions(self.book_id, self.editor.toPlainText())
        marks = []
        for mention in self.mentions:
            mark = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(mention.start)
            cursor.setPosition(mention.end, QTextCursor.MoveMode.KeepAnchor)
            mark.cursor = cursor
            style = QTextCharFormat()
            style.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            style.setBackground(TINT)
            mark.format = style
            marks.append(mark)
        self.editor.setExtraSelections(marks)

    def mention_at(self, position: int) -> Mention | None:
        return next((m for m in self.mentions if m.start <= position < m.end), None)

    def card_at(self, position: int) -> str | None:
        """The hover card for the mention at a text position, if there is one."""
        mention = self.mention_at(position)
        if mention is None:
            return None
        entry = self.entries[mention.entry_id]
        picture = None
        if entry.picture_blob_id and self.store.blobs.exists(entry.picture_blob_id):
            picture = str(self.store.blobs.content_path(entry.picture_blob_id))
        return entry_card(entry, picture)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.mentions:
            position = self.editor.cursorForPosition(event.pos()).position()  # type: ignore[attr-defined]
            card = self.card_at(position)
            if card is not None:
                QToolTip.showText(event.globalPos(), card, self.editor.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)
