"""The draft editor's writing aids: the spell checker for the blob's language (loaded off the UI
thread), suggestions and "Add to the project dictionary" in the context menu, and the text's
direction (a mostly Arabic or Hebrew draft is set right to left)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from reyna_desktop import spelling
from reyna_desktop.gui import workers
from reyna_desktop.gui.highlighter import MarkdownHighlighter

log = logging.getLogger(__name__)


def load_checker(store, blob_id: str) -> tuple[str, Any]:
    """The blob's language and its checker (None when no dictionary is installed for it)."""
    language = spelling.language_of(store, blob_id)
    try:
        return language, spelling.checker_for(store, language)
    except spelling.SpellingUnavailable as exc:
        log.info("%s", exc)
        return language, None


class WritingAids(QObject):
    def __init__(self, store, editor: QPlainTextEdit, highlighter: MarkdownHighlighter) -> None:
        super().__init__(editor)
        self.store = store
        self.editor = editor
        self.highlighter = highlighter
        self.language = spelling.DEFAULT_LANGUAGE
        self.blob_id: str | None = None
        editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        editor.customContextMenuRequested.connect(self._menu)

    def open_blob(self, blob_id: str, text: str) -> None:
        self.blob_id = blob_id
        self.set_direction(text)
        workers.submit(load_checker, self.store, blob_id, on_done=lambda loaded: self._loaded(blob_id, *loaded),
                       on_error=lambda exc: log.warning("spell check unavailable: %s", exc))

    def _loaded(self, blob_id: str, language: str, checker: Any) -> None:
        if blob_id != self.blob_id:
            return
        self.language = language
        self.set_direction(self.editor.toPlainText())
        self.highlighter.set_spell_checker(checker)

    def set_direction(self, text: str) -> None:
        """Right to left for a mostly right-to-left draft (each paragraph still orders its own
        mixed-direction runs by the Unicode bidi rules); left to right otherwise."""
        rtl = spelling.is_right_to_left(text, self.language)
        option = self.editor.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        if option.alignment() != self.editor.document().defaultTextOption().alignment():
            self.editor.document().setDefaultTextOption(option)
        self.editor.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)

    def word_at(self, pos: QPoint) -> QTextCursor:
        cursor = self.editor.cursorForPosition(pos)
        cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        return cursor

    def build_menu(self, pos: QPoint) -> QMenu:
        """Suggestions and "Add to the project dictionary" for a misspelt word, then the usual edit actions."""
        standard = self.editor.createStandardContextMenu(pos)
        checker = self.highlighter.spell
        cursor = self.word_at(pos)
        word = cursor.selectedText()
        if checker is None or not word or checker.is_correct(word):
            return standard
        menu = QMenu(self.editor)
        standard.setParent(menu, standard.windowFlags())  # its actions live as long as the menu
        suggestions = checker.suggest(word)
        for suggestion in suggestions:
            menu.addAction(suggestion, partial(self.replace, QTextCursor(cursor), suggestion))
        if not suggestions:
            menu.addAction(self.tr("No suggestions")).setEnabled(False)
        menu.addAction(self.tr("Add “%1” to the project dictionary").replace("%1", word), partial(self.add_word, word))
        menu.addSeparator()
        menu.addActions(standard.actions())
        return menu

    def replace(self, cursor: QTextCursor, text: str) -> None:
        cursor.insertText(text)  # one undoable edit; the draft saves it like typing

    def add_word(self, word: str) -> None:
        checker = self.highlighter.spell
        if checker is not None:
            workers.submit(checker.add_to_project, word, on_done=lambda _r: self.highlighter.rehighlight())

    def _menu(self, pos: QPoint) -> None:
        self.build_menu(pos).exec(self.editor.viewport().mapToGlobal(pos))
