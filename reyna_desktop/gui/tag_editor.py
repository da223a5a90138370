"""Tags… on a bucket or a blob: comma-separated tags, the one being typed completed from the
tags already used anywhere in the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from reyna_desktop.gui import workers


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class TagLine(QLineEdit):
    """A line of comma-separated tags whose completer works on the last one."""

    def __init__(self, known: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = known
        self.model = QStringListModel(known, self)
        completer = QCompleter(self.model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setWidget(self)
        completer.activated.connect(self.complete_with)
        self.completer_ = completer
        self.textEdited.connect(self._edited)

    def current_word(self) -> str:
        return self.text().split(",")[-1].strip()

    def _edited(self, _text: str) -> None:
        word = self.current_word()
        taken = set(split_tags(self.text())[:-1])
        self.model.setStringList([t for t in self.known if t not in taken])
        if word:
            self.completer_.setCompletionPrefix(word)
            self.completer_.complete()
        elif (popup := self.completer_.popup()) is not None:
            popup.hide()

    def complete_with(self, tag: str) -> None:
        head = self.text().rsplit(",", 1)[0] if "," in self.text() else ""
        self.setText((head + ", " if head else "") + tag + ", ")


class TagDialog(QDialog):
    saved = Signal(object)  # the updated bucket or blob

    def __init__(self, store, kind: str, item: Any, known: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.kind = kind
        self.item = item
        name = item.name if kind == "bucket" else (item.title or item.id)
        self.setWindowTitle(self.tr("Tags of %1").replace("%1", name))
        self.line = TagLine(known)
        self.line.setText(", ".join(item.tags))
        self.line.setPlaceholderText(self.tr("comma-separated, e.g. draft, act-1"))
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Tags:")))
        layout.addWidget(self.line)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(420, 140)

    def save(self) -> None:
        tags = split_tags(self.line.text())
        update = self.store.buckets.update if self.kind == "bucket" else self.store.blobs.update
        workers.submit(update, self.item.id, tags=tags, on_done=self._saved,
                       on_error=lambda exc: self.error.setText(str(exc)))

    def _saved(self, item: Any) -> None:
        self.saved.emit(item)
        self.accept()
