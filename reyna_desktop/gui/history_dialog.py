"""A blob's version history: the list, a side-by-side diff with the current text, restore."""

from __future__ import annotations

import difflib
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill


def side_by_side(old: str, new: str, old_label: str, new_label: str) -> str:
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        old.splitlines(), new.splitlines(), html.escape(old_label), html.escape(new_label), context=False)
    return "<style>td{padding:0 4px} .diff_add{background:#c8f0c8;color:#000} " \
           ".diff_chg{background:#f5eaa0;color:#000}" \
           " .diff_sub{background:#f5c0c0;color:#000}</style>" + table


def load_history(store, blob_id: str) -> tuple[list[Any], str]:
    return store.blobs.history(blob_id), store.blobs.text(blob_id)


class HistoryDialog(QDialog):
    restored = Signal(object)

    def __init__(self, store, blob_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Version history"))
        self.store = store
        self.blob_id = blob_id
        self.current = ""
        self.versions = QListWidget()
        self.versions.setAccessibleName(self.tr("Versions"))
        self.versions.currentItemChanged.connect(self._selected)
        self.diff = QTextBrowser()
        self.diff.setAccessibleName(self.tr("Difference with the current text"))
        self.restore_button = QPushButton(self.tr("Restore this version"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        self.note = QLabel("")
        split = QSplitter()
        split.addWidget(self.versions)
        split.addWidget(self.diff)
        split.setSizes([220, 700])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(1000, 600)
        self.reload()

    def reload(self) -> None:
        workers.submit(load_history, self.store, self.blob_id, on_done=self._loaded,
                       on_error=lambda exc: self.note.setText(str(exc)))

    def _loaded(self, result: tuple[list[Any], str]) -> None:
        versions, self.current = result
        self.versions.clear()
        for v in versions:
            label = f"v{v.version}  {v.created_at[:19].replace('T', ' ')}  {v.word_count:,} words"
            if v.note:
                label += f"  ({v.note})"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, v.version)
            self.versions.addItem(item)
        if self.versions.count():
            self.versions.setCurrentRow(min(1, self.versions.count() - 1))

    def _selected(self, item: QListWidgetItem | None) -> None:
        self.restore_button.setEnabled(item is not None and self.versions.row(item) > 0)
        if item is None:
            return
        version = int(item.data(Qt.ItemDataRole.UserRole))
        workers.submit(self.store.blobs.text, self.blob_id, version,
                       on_done=lambda text: self._show_diff(version, text))

    def _show_diff(self, version: int, text: str) -> None:
        self.diff.setHtml(side_by_side(text, self.current, f"Version {version}", "Current"))

    def selected_version(self) -> int | None:
        item = self.versions.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def restore_selected(self) -> None:
        version = self.selected_version()
        if version is None:
            return
        workers.submit(self.store.blobs.restore_version, self.blob_id, version, on_done=self._restored,
                       on_error=lambda exc: self.note.setText(str(exc)))

    def _restored(self, blob: Any) -> None:
        self.note.setText(fill(self.tr("Restored as version %1; the text before it stays in the history."),
                              blob.version))
        self.restored.emit(blob)
        self.reload()
