"""Search as you type over the whole store, with snippets; Enter opens the result."""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from reyna_desktop.gui import workers

_MARK = re.compile(r"\x02(.*?)\x03", re.S)


def to_html(snippet: str) -> str:
    return _MARK.sub(r"<b>\1</b>", html.escape(snippet))


class SearchPanel(QWidget):
    open_blob = Signal(str)
    open_bucket = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.query = QLineEdit(placeholderText=self.tr("Search everything…"), clearButtonEnabled=True)
        self.query.setAccessibleName(self.tr("Search"))
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setWordWrap(True)
        self.note = QLabel("")
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.run_search)
        self._serial = 0
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self._open_first)
        self.results.itemActivated.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.note)

    def focus(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def run_search(self) -> None:
        text = self.query.text().strip()
        self._serial += 1
        serial = self._serial
        if not text:
            self.results.clear()
            self.note.setText("")
            return
        workers.submit(self.store.search, text, limit=50, marks=("\x02", "\x03"),
                       on_done=lambda hits: self._show(serial, hits), on_error=lambda exc: self.note.setText(str(exc)))

    def _show(self, serial: int, hits: list[Any]) -> None:
        if serial != self._serial:
            return
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, (hit.kind, hit.id, hit.bucket_ids))
            item.setToolTip(hit.snippet.replace("\x02", "").replace("\x03", ""))
            item.setText(f"{hit.title}\n{item.toolTip()[:160]}")
            kind = hit.schema_id or hit.bucket_type
            label = QLabel(f"<b>{html.escape(hit.title or '(untitled)')}</b> <small>({kind})"
                           f"</small><br>{to_html(hit.snippet)}")
            label.setWordWrap(True)
            label.setContentsMargins(4, 2, 4, 2)
            item.setSizeHint(label.sizeHint())
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
            item.setText("")
        self.note.setText(f"{len(hits)} results" if hits else "Nothing found")

    def _open_first(self) -> None:
        self._timer.stop()
        if self.results.count():
            self._open(self.results.currentItem() or self.results.item(0))
        else:
            self.run_search()

    def _open(self, item: QListWidgetItem) -> None:
        kind, ident, _buckets = item.data(Qt.ItemDataRole.UserRole)
        if kind == "blob":
            self.open_blob.emit(ident)
        else:
            self.open_bucket.emit(ident)
