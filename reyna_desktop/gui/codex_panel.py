"""The Codex dock: a book's entries, where the selected one appears, and who is in which chapter.

It follows the bucket opened in the tree (its book; an entry bucket selects that entry), reads
the store off the UI thread, and reloads when the mention index or the book's buckets change.
Clicking a chapter in the "Appears in" list or a cell of the grid opens that chapter.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.replace_dialog import ReplaceDialog
from reyna_desktop.store.codex import CODEX_KINDS, INDEX_EVENT, Appearances, Entry, Grid, book_id_of

IdRole = Qt.ItemDataRole.UserRole


def load_book(store: Any, book_id: str) -> tuple[str, list[Entry], Grid]:
    return store.buckets.get(book_id).name, store.codex.entries(book_id), store.codex.grid(book_id)


class CodexPanel(QWidget):
    open_bucket = Signal(str)

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.book_id: str | None = None
        self.entry_id: str | None = None
        self.title = QLabel(self.tr("Open a book to see its codex"))
        self.entries = QListWidget()
        self.entries.setAccessibleName(self.tr("Codex entries"))
        self.entries.currentItemChanged.connect(self._entry_chosen)
        self.appears_label = QLabel("")
        self.appears_label.setWordWrap(True)
        self.appears = QListWidget()
        self.appears.setAccessibleName(self.tr("Appears in"))
        self.appears.itemActivated.connect(self._open_item)
        self.appears.itemClicked.connect(self._open_item)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(self.tr("<b>Appears in</b> (click a chapter to open it)"))
        lower_layout.addWidget(heading)
        lower_layout.addWidget(self.appears_label)
        lower_layout.addWidget(self.appears, 1)
        self.rename_button = QPushButton(self.tr("Rename everywhere…"))
        self.rename_button.clicked.connect(self.rename_dialog)
        self.replace_button = QPushButton(self.tr("Replace in book…"))
        self.replace_button.clicked.connect(self.replace_dialog)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.entries, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.replace_button)
        upper_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        self.grid = QTableWidget()
        self.grid.setAccessibleName(self.tr("Chapters by characters"))
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.cellClicked.connect(self._open_cell)
        self.tabs = QTabWidget()
        self.tabs.addTab(split, self.tr("Entries"))
        self.tabs.addTab(self.grid, self.tr("Chapters × characters"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self._reload = QTimer(self, singleShot=True, interval=250)
        self._reload.timeout.connect(self.refresh)

    # -- following the window ---------------------------------------------------------------

    def follow_bucket(self, bucket_id: str) -> None:
        """Show the codex of the bucket's book; an entry bucket is selected."""
        bucket = self.store.buckets.get(bucket_id)
        book_id = book_id_of(bucket)
        if bucket.type in CODEX_KINDS:
            self.entry_id = bucket.id
        if book_id != self.book_id:
            self.book_id = book_id
            self.refresh()
        elif bucket.id == self.entry_id:
            self._select_entry()

    def on_event(self, event: Any) -> None:
        if self.book_id is None:
            return
        ours = event.topic == INDEX_EVENT and event.payload.get("book_id") == self.book_id
        tree_changed = event.topic.startswith("bucket.") and not event.topic.startswith("bucket.blob")
        if ours or tree_changed:
            self._reload.start()

    def refresh(self) -> None:
        """Reload from the store, off the UI thread (a hidden dock waits until it is shown)."""
        if self.book_id is None or not self.isVisible():
            return
        book_id = self.book_id
        workers.submit(load_book, self.store, book_id, on_done=lambda r: self._book_ready(book_id, *r))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def rename_dialog(self) -> ReplaceDialog | None:
        """Rename the selected entry across its book, with a preview and one-step undo."""
        if self.book_id is None or self.entry_id is None:
            return None
        return self._open_dialog(ReplaceDialog(self.store, self.book_id, self.store.codex.entry(self.entry_id), self))

    def replace_dialog(self) -> ReplaceDialog | None:
        """Replace any text across the book, with a preview and one-step undo."""
        return None if self.book_id is None else self._open_dialog(ReplaceDialog(self.store, self.book_id, None, self))

    def _open_dialog(self, dialog: ReplaceDialog) -> ReplaceDialog:
        dialog.finished.connect(self.refresh)
        dialog.show()
        return dialog

    # -- showing ----------------------------------------------------------------------------

    def _book_ready(self, book_id: str, name: str, entries: list[Entry], grid: Grid) -> None:
        if book_id != self.book_id:
            return
        self.title.setText(fill(self.tr("Codex of “%1”: %n entries", "", len(entries)), name))
        self.entries.blockSignals(True)
        self.entries.clear()
        for entry in entries:
            label = (fill(self.tr("%1  (%2) — also %3"), entry.name, entry.kind, ", ".join(entry.aliases))
                     if entry.aliases else f"{entry.name}  ({entry.kind})")
            item = QListWidgetItem(label)
            item.setData(IdRole, entry.id)
            item.setToolTip(entry.description)
            self.entries.addItem(item)
        self.entries.blockSignals(False)
        self._show_grid(grid)
        if self.entry_id not in {e.id for e in entries}:
            self.entry_id = entries[0].id if entries else None
        self._select_entry()

    def _select_entry(self) -> None:
        for row in range(self.entries.count()):
            if self.entries.item(row).data(IdRole) == self.entry_id:
                self.entries.setCurrentRow(row)
                self._load_appearances()
                return
        self.appears.clear()
        self.appears_label.setText("")

    def _entry_chosen(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if item is not None:
            self.entry_id = item.data(IdRole)
            self._load_appearances()

    def _load_appearances(self) -> None:
        entry_id = self.entry_id
        if entry_id:
            workers.submit(
                self.store.codex.appearances, entry_id, on_done=lambda seen: self._appearances_ready(entry_id, seen)
            )

    def _appearances_ready(self, entry_id: str, seen: Appearances) -> None:
        if entry_id != self.entry_id:
            return
        self.appears.clear()
        if not seen.sections:
            self.appears_label.setText(fill(self.tr("<b>%1</b> is not named in the text yet."), seen.entry.name))
            return
        first, last = seen.first, seen.last
        assert first is not None and last is not None
        self.appears_label.setText(fill(
            self.tr("<b>%1</b> appears in %n chapters, %2 mentions. First: %3. Last: %4.", "", len(seen.sections)),
            seen.entry.name, seen.total, first.section_name, last.section_name))
        for section in seen.sections:
            item = QListWidgetItem(f"{section.section_name}  —  {section.mentions}")
            item.setData(IdRole, section.section_id)
            self.appears.addItem(item)

    def _show_grid(self, grid: Grid) -> None:
        self.grid.clear()
        self.grid.setRowCount(len(grid.sections))
        self.grid.setColumnCount(len(grid.entries))
        self.grid.setHorizontalHeaderLabels([e.name for e in grid.entries])
        self.grid.setVerticalHeaderLabels([s.name for s in grid.sections])
        most = max(grid.counts.values(), default=1)
        for row, section in enumerate(grid.sections):
            for column, entry in enumerate(grid.entries):
                count = grid.count(section.id, entry.id)
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(IdRole, section.id)
                if count:
                    shade = QColor(70, 130, 180)
                    shade.setAlpha(60 + int(150 * count / most))
                    item.setBackground(shade)
                item.setToolTip(fill(self.tr("%1 in %2: %3"), entry.name, section.name, count))
                self.grid.setItem(row, column, item)
        self.grid.resizeColumnsToContents()

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_bucket.emit(item.data(IdRole))

    def _open_cell(self, row: int, column: int) -> None:
        item = self.grid.item(row, column)
        if item is not None:
            self.open_bucket.emit(item.data(IdRole))
