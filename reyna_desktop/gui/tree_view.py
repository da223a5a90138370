"""The bucket tree widget: selection opens things, drag and drop moves them, a context menu acts on them."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QInputDialog,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.processor_names import processor_labels
from reyna_desktop.gui.tree_data import Row
from reyna_desktop.gui.tree_model import BucketTreeModel, ProgressRole, RowRole

log = logging.getLogger(__name__)
CHILD_TYPES = {"book": "part", "part": "chapter", "album": "track", "tracks": "track", "songbook": "song",
               "conversation": "thread", "research": "note", "chapter": "scene"}


class ProgressDelegate(QStyledItemDelegate):
    """Words column: a thin progress bar toward target_words behind the count."""

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        progress = index.data(ProgressRole)
        if progress is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(progress * 1000)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole))
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state
        bar.palette = option.palette
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class BucketTreeView(QTreeView):
    open_bucket = Signal(str)
    open_blob = Signal(str)
    compile_requested = Signal(str)
    properties_requested = Signal(str)
    conversation_requested = Signal(str, str)  # bucket id, its name: "New conversation about this…"
    link_requested = Signal(str)  # bucket id: choose a folder to link
    tags_requested = Signal(str, str)  # "bucket" or "blob", its id
    unlink_requested = Signal(str)
    process_requested = Signal(str, str, str)  # processor id, blob or bucket id, the action's label
    message = Signal(str)

    def __init__(self, model: BucketTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = model.store
        self.linked_buckets: set[str] = set()  # kept up to date by the window's FolderLinks
        self.setModel(model)
        self.setObjectName("bucketTree")
        self.setAccessibleName(self.tr("Buckets"))
        self.setUniformRowHeights(True)
        self.setHeaderHidden(False)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.header().resizeSection(1, 104)
        self.setItemDelegateForColumn(1, ProgressDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.selectionModel().currentChanged.connect(self._current_changed)
        self.activated.connect(self._current_changed)
        model.error.connect(self.message)
        delete = QAction(self.tr("Delete to trash"), self)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.trash_selected)
        self.addAction(delete)

    @property
    def tree_model(self) -> BucketTreeModel:
        model = self.model()
        assert isinstance(model, BucketTreeModel)
        return model

    def current_row(self) -> Row | None:
        index = self.currentIndex()
        return index.data(RowRole) if index.isValid() else None

    def current_bucket_id(self) -> str | None:
        row = self.current_row()
        if row is None:
            return None
        return row.id if row.kind == "bucket" else row.bucket_id

    def _current_changed(self, index: QModelIndex, _previous: Any = None) -> None:
        row = index.data(RowRole) if index.isValid() else None
        if row is None:
            return
        if row.kind == "bucket":
            self.open_bucket.emit(row.id)
        else:
            self.open_blob.emit(row.id)

    def select_bucket(self, bucket_id: str) -> bool:
        index = self.tree_model.index_for_bucket(bucket_id)
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)
        return index.isValid()

    # -- context menu ---------------------------------------------------------------------

    def _menu(self, pos: Any) -> None:
        self.build_menu(self.indexAt(pos)).exec(self.viewport().mapToGlobal(pos))

    def build_menu(self, index: QModelIndex) -> QMenu:
        row: Row | None = index.data(RowRole) if index.isValid() else None
        menu = QMenu(self)
        templates = menu.addMenu(self.tr("New from template"))
        parent_id = row.id if row is not None and row.kind == "bucket" else None
        try:
            names = sorted(self.store.templates.all().items())
        except Exception as exc:
            names = []
            self.message.emit(f"Templates could not be read: {exc}")
        for name, template in names:
            make = partial(self.new_from_template, name, template.label, parent_id)
            templates.addAction(template.label or name, make)
        if row is not None and row.kind == "bucket":
            menu.addAction(self.tr("New child…"), lambda: self.new_child(row))
            menu.addAction(self.tr("Rename"), lambda: self.edit(index.siblingAtColumn(0)))
            menu.addAction(self.tr("Delete to trash"), self.trash_selected)
        menu.addAction(self.tr("Restore from trash…"), self.restore_dialog)
        if row is not None:
            menu.addAction(self.tr("Tags…"), lambda: self.tags_requested.emit(row.kind, row.id))
            process = menu.addMenu(self.tr("Process with"))
            for processor_id, label in processor_labels():
                process.addAction(label, partial(self.process_requested.emit, processor_id, row.id, label))
        if row is not None and row.kind == "bucket":
            menu.addAction(self.tr("New conversation about this…"),
                           lambda: self.conversation_requested.emit(row.id, row.name))
            if row.id in self.linked_buckets:
                menu.addAction(self.tr("Unlink folder"), lambda: self.unlink_requested.emit(row.id))
            else:
                menu.addAction(self.tr("Link a folder…"), lambda: self.link_requested.emit(row.id))
            menu.addAction(self.tr("Compile…"), lambda: self.compile_requested.emit(row.id))
            menu.addAction(self.tr("Properties…"), lambda: self.properties_requested.emit(row.id))
        return menu

    def new_from_template(self, template: str, label: str, parent_id: str | None) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New from template"), self.tr("Name:"),
                                        text=label or template.title())
        if ok and name.strip():
            self.create_from_template(template, name.strip(), parent_id)

    def create_from_template(self, template: str, name: str, parent_id: str | None) -> None:
        workers.submit(self.store.templates.instantiate, template, name, parent_id=parent_id,
                       on_done=lambda b: self._select_later(b.id), on_error=lambda e: self.message.emit(str(e)))

    def new_child(self, row: Row) -> None:
        kind = CHILD_TYPES.get(row.type, "folder")
        name, ok = QInputDialog.getText(self, self.tr("New child"), fill(self.tr("Name of the new %1:"), kind),
                                        text=fill(self.tr("New %1"), kind))
        if ok and name.strip():
            workers.submit(self.store.buckets.create, name.strip(), kind, parent_id=row.id,
                           on_done=lambda b: self._select_later(b.id), on_error=lambda e: self.message.emit(str(e)))

    def _select_later(self, bucket_id: str) -> None:
        def attempt(_parent: Any = None) -> None:
            if self.select_bucket(bucket_id):
                self.tree_model.loaded.disconnect(attempt)

        self.tree_model.loaded.connect(attempt)

    def trash_selected(self) -> None:
        ids = [i.data(RowRole).id for i in self.selectionModel().selectedRows(0)
               if i.data(RowRole) is not None and i.data(RowRole).kind == "bucket"]
        if ids:
            workers.submit(lambda: [self.store.buckets.trash(b) for b in ids],
                           on_done=lambda _r: self.message.emit(f"Moved {len(ids)} to the trash (Restore from trash… "
                                                               "brings it back)"),
                           on_error=lambda e: self.message.emit(str(e)))

    def restore_dialog(self) -> None:
        workers.submit(self.store.buckets.trashed, on_done=self._choose_restore)

    def _choose_restore(self, trashed: list[Any]) -> None:
        if not trashed:
            self.message.emit(self.tr("The trash is empty."))
            return
        labels = [f"{b.name} ({b.type}, deleted {b.deleted_at[:16].replace('T', ' ')})" for b in trashed]
        label, ok = QInputDialog.getItem(self, self.tr("Restore from trash"), self.tr("Bucket:"), labels, 0, False)
        if ok:
            bucket = trashed[labels.index(label)]
            workers.submit(self.store.buckets.restore, bucket.id, on_error=lambda e: self.message.emit(str(e)))
