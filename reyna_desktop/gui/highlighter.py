"""Light Markdown highlighting for the draft pane: headings, emphasis, quotes, lists, code, scene
breaks; and misspelt words underlined in red when a spell checker is set."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QApplication


def _format(color: QColor | None = None, bold: bool = False, italic: bool = False, scale: float = 1.0,
            mono: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if color is not None:
        fmt.setForeground(color)
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if scale != 1.0:
        fmt.setProperty(QTextCharFormat.Property.FontSizeAdjustment, 1 if scale < 1.3 else 2)
    if mono:
        fmt.setFontFamilies(["monospace"])
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        palette = QApplication.palette()
        accent = palette.color(QPalette.ColorRole.Link)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        self._rules: list[tuple[re.Pattern[str], QTextCharFormat]] = [
            (re.compile(r"^#{1,2}\s.*$"), _format(accent, bold=True, scale=1.4)),
            (re.compile(r"^#{3,6}\s.*$"), _format(accent, bold=True, scale=1.1)),
            (re.compile(r"^\s*>.*$"), _format(muted, italic=True)),
            (re.compile(r"^\s*([-*+]|\d+[.)])\s"), _format(accent, bold=True)),
            (re.compile(r"^\s*(\*\s*\*\s*\*|-{3,}|_{3,}|#)\s*$"), _format(muted, bold=True)),
            (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _format(bold=True)),
            (re.compile(r"(?<![*_])([*_])(?=\S)(.+?)(?<=\S)\1(?![*_])"), _format(italic=True)),
            (re.compile(r"`[^`]+`"), _format(muted, mono=True)),
            (re.compile(r"\[[^\]]+\]\([^)]+\)"), _format(accent)),
        ]
        self.spell: Any = None  # a reyna_desktop.spelling.SpellChecker, or None for no spell check

    def set_spell_checker(self, checker: Any) -> None:
        self.spell = checker
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self._rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)
        if self.spell is not None:
            for start, end in self.spell.misspelt(text):
                fmt = self.format(start)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
                fmt.setUnderlineColor(QColor("#d32f2f"))
                self.setFormat(start, end - start, fmt)
