"""Small form helpers: a field with its error message beside it."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


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
    """Qt's %1, %2… placeholders of a translated string filled in (a Python str has no .arg())."""
    for number, value in reversed(list(enumerate(values, 1))):  # %10 before %1
        template = template.replace(f"%{number}", str(value))
    return template
