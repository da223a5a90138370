"""Small form helpers: a field with its error message beside it."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

PLACEHOLDER = re.compile(r"%(\d+)")  # Qt's %1…%99


class ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("color: #d03030;")
        self.setWordWrap(True)
        self.setVisible(False)

    def show_error(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))
        self.setAccessibleDescription(message or "")


def with_error(field: QWidget) -> tuple[QWidget, ErrorLabel]:
    """The field and its error label side by side, for a QFormLayout row."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    error = ErrorLabel()
    layout.addWidget(error, 1)
    return box, error


def fill(template: str, *values: object) -> str:
    """Qt's %1, %2… placeholders of a translated string filled in (a Python str has no .arg()).

    One pass over the template, so a value that itself holds "%2" (a chapter called "50%2") stays as it is."""

    def value_of(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return str(values[number - 1]) if 1 <= number <= len(values) else match.group(0)

    return PLACEHOLDER.sub(value_of, template)
