"""The bucket tree as a Qt item model over the store.

Children load lazily and off the UI thread: `fetchMore` asks a worker for one parent's rows and
inserts them when they arrive, so a 2,000-chapter book opens without a stall. Store events
(from this process or another) make the affected parents reload; the reload is applied as a
diff so selection, expansion and scroll position survive.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from reyna_desktop.gui import icons, workers
from reyna_desktop.gui.counts import Units, bucket_units, common_unit, count_text, target_text, unit_title
from reyna_desktop.gui.tree_data import Row, load_children, parent_of, subtree_word_counts
from reyna_desktop.models import Event
from reyna_desktop.store.text import WORDS

log = logging.getLogger(__name__)

MIME = "application/x-reyna-nodes"
URI_LIST = "text/uri-list"  # files and folders dropped from the system file manager
PAGE = 250  # rows per fetchMore: a long chapter list costs the view one page at a time
RowRole = Qt.ItemDataRole.UserRole + 1
ProgressRole = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
_F = Qt.ItemFlag
_ROOT_FLAGS = _F.ItemIsDropEnabled
_BLOB_FLAGS = _F.ItemIsEnabled | _F.ItemIsSelectable | _F.ItemIsDragEnabled | _F.ItemNeverHasChildren
_BUCKET_FLAGS_OTHER = _F.ItemIsEnabled | _F.ItemIsSelectable | _F.ItemIsDragEnabled | _F.ItemIsDropEnabled
_BUCKET_FLAGS = _BUCKET_FLAGS_OTHER | _F.ItemIsEditable


class Node:
    __slots__ = ("children", "loaded", "loading", "parent", "pending", "position", "reload", "row")

    def __init__(self, row: Row | None, parent: Node | None) -> None:
        self.row = row  # None for the invisible root
        self.parent = parent
        self.children: list[Node] = []
        self.pending: list[Row] = []  # fetched but not shown yet: the view asks for them by scrolling
        self.loaded = False
        self.loading = False
        self.reload = False
        self.position = 0

    @property
    def bucket_id(self) -> str | None:
        return self.row.id if self.row is not None and self.row.kind == "bucket" else None

    def renumber(self) -> None:
        for i, child in enumerate(self.children):
            child.position = i


class BucketTreeModel(QAbstractItemModel):
    error = Signal(str)
    loaded = Signal(object)  # the bucket id (None: the top level) whose rows just arrived
    files_dropped = Signal(str, object)  # bucket id, local paths dropped from the file manager

    def __init__(self, store, events: QObject | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.root = Node(None, None)
        self._buckets: dict[str, Node] = {}
        self._words: dict[str, int] = {}
        self._units: dict[str, str] = {}  # bucket id -> "words" | "characters" (gui/counts.py)
        # Units cost a pass over every bucket: worked out again only after a bucket changed, or
        # after a text changed where a book without a language is judged by its text.
        self._units_stale = True
        self._units_judged = False
        self._pending: set[str | None] = set()
        self._refresh_timer = QTimer(self, singleShot=True, interval=60)
        self._refresh_timer.timeout.connect(self._flush_refresh)
        self._count_timer = QTimer(self, singleShot=True, interval=700)
        self._count_timer.timeout.connect(self.refresh_word_counts)
        self._counting = False
        if events is not None:
            events.event.connect(self.on_event)  # type: ignore[attr-defined]
        self._load(self.root)
        self.refresh_word_counts()

    # -- structure ------------------------------------------------------------------------

    def node(self, index: Index) -> Node:
        if not index.isValid():
            return self.root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def index_of(self, node: Node, column: int = 0) -> QModelIndex:
        if node is self.root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.position, column, node)

    def fetch_all(self, index: Index) -> None:
        """Show every fetched child now (for selecting a row far down a long list)."""
        node = self.node(index)
        if node.pending:
            rows, node.pending = node.pending, []
            self._append(node, rows)

    def index_for_bucket(self, bucket_id: str) -> QModelIndex:
        node = self._buckets.get(bucket_id)
        return self.index_of(node) if node else QModelIndex()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if 0 <= row < len(node.children) and 0 <= column < 2:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        return self.index_of(self.node(index).parent or self.root)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self.node(parent)
        if node is self.root:
            return True
        if node.row is None or node.row.kind != "bucket":
            return False
        return bool(node.children) if node.loaded else node.row.child_count > 0

    def canFetchMore(self, parent: Index) -> bool:
        node = self.node(parent)
        if node.loaded:
            return bool(node.pending)
        return not node.loading and (node.bucket_id is not None or node is self.root)

    def fetchMore(self, parent: Index) -> None:
        node = self.node(parent)
        if node.loaded and node.pending:
            rows, node.pending = node.pending[:PAGE], node.pending[PAGE:]
            self._append(node, rows)
        elif not node.loaded and not node.loading:
            self._load(node)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            # The count column says its unit; "Count" when books in different units sit side by side.
            unit = common_unit(self._units.values()) if self._units else WORDS
            return self.tr("Name") if section == 0 else unit_title(unit)
        return None

    # -- data -----------------------------------------------------------------------------

    def words(self, row: Row) -> int:
        return self._words.get(row.id, 0) if row.kind == "bucket" else row.words

    def unit(self, row: Row) -> str:
        """What the row's count is in: its book's unit (a blob row: the bucket it is shown in)."""
        return self._units.get(row.id if row.kind == "bucket" else row.bucket_id or "", WORDS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.node(index).row
        assert row is not None
        column = index.column()
        if role == RowRole:
            return row
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return row.name + ("  ★" if row.is_final and role == Qt.ItemDataRole.DisplayRole else "")
            if role == Qt.ItemDataRole.DecorationRole:
                return icons.for_bucket(row.type) if row.kind == "bucket" else icons.for_blob(row.type)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.name} ({row.type})"
            return None
        words = self.words(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if row.kind == "bucket" and row.target_words:
                return f"{words:,} / {row.target_words:,}"
            return f"{words:,}" if words or row.kind == "blob" else ""
        if role == ProgressRole and row.kind == "bucket" and row.target_words:
            return min(1.0, words / row.target_words)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.kind == "bucket" and row.target_words:
                return target_text(words, row.target_words, self.unit(row))
            return count_text(words, self.unit(row))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Called for every row on each layout: kept to a lookup.
        if not index.isValid():
            return _ROOT_FLAGS
        row = index.internalPointer().row
        if row.kind == "bucket":
            return _BUCKET_FLAGS if index.column() == 0 else _BUCKET_FLAGS_OTHER
        return _BLOB_FLAGS

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.node(index).row if index.isValid() else None
        if row is None or row.kind != "bucket" or role != Qt.ItemDataRole.EditRole:
            return False
        name = str(value).strip()
        if not name or name == row.name:
            return False
        workers.submit(self.store.buckets.update, row.id, name=name, on_error=self._failed)
        return True

    # -- loading --------------------------------------------------------------------------

    def _load(self, node: Node) -> None:
        if node.loading:
            node.reload = True
            return
        node.loading = True
        workers.submit(load_children, self.store, node.bucket_id,
                       on_done=lambda rows: self._apply(node, rows), on_error=lambda exc: self._load_failed(node, exc))

    def _load_failed(self, node: Node, exc: BaseException) -> None:
        node.loading = False
        self._failed(exc)

    def _attached(self, node: Node) -> bool:
        while node.parent is not None:
            if node.position >= len(node.parent.children) or node.parent.children[node.position] is not node:
                return False
            node = node.parent
        return node is self.root

    def _apply(self, node: Node, rows: list[Row]) -> None:
        node.loading = False
        if not self._attached(node):
            return
        if not node.loaded:
            node.loaded = True
            node.pending = rows[PAGE:]
            self._append(node, rows[:PAGE])
        else:
            shown = max(len(node.children), PAGE)
            node.pending = rows[shown:]
            self._sync(node, rows[:shown])
        self._done_loading(node)

    def _append(self, node: Node, rows: list[Row]) -> None:
        if rows:
            start = len(node.children)
            self.beginInsertRows(self.index_of(node), start, start + len(rows) - 1)
            node.children.extend(self._make(r, node) for r in rows)
            node.renumber()
            self.endInsertRows()

    def _done_loading(self, node: Node) -> None:
        if node.reload:
            node.reload = False
            self._load(node)
        self.loaded.emit(node.bucket_id)

    def _make(self, row: Row, parent: Node) -> Node:
        child = Node(row, parent)
        if row.kind == "bucket":
            self._buckets[row.id] = child
        return child

    def _forget(self, node: Node) -> None:
        if node.row is not None and node.row.kind == "bucket" and self._buckets.get(node.row.id) is node:
            del self._buckets[node.row.id]
        for child in node.children:
            self._forget(child)

    def _sync(self, node: Node, rows: list[Row]) -> None:
        """Bring a loaded parent's children in line with fresh rows, keeping the nodes that stay."""
        parent_index = self.index_of(node)
        wanted = {r.key for r in rows}
        for i in range(len(node.children) - 1, -1, -1):
            child = node.children[i]
            assert child.row is not None
            if child.row.key not in wanted:
                self.beginRemoveRows(parent_index, i, i)
                self._forget(child)
                del node.children[i]
                node.renumber()
                self.endRemoveRows()
        existing = {c.row.key: c for c in node.children if c.row is not None}
        order = [existing[r.key] for r in rows if r.key in existing]
        if order != node.children:
            self.layoutAboutToBeChanged.emit([QPersistentModelIndex(parent_index)])
            old_rows = {id(c): c.position for c in node.children}
            node.children = order
            node.renumber()
            for persistent in self.persistentIndexList():
                moved = persistent.internalPointer()
                if isinstance(moved, Node) and moved.parent is node and id(moved) in old_rows:
                    self.changePersistentIndex(persistent, self.createIndex(moved.position, persistent.column(), moved))
            self.layoutChanged.emit([QPersistentModelIndex(parent_index)])
        for position, row in enumerate(rows):
            found = existing.get(row.key)
            if found is not None:
                found.row = row
                continue
            self.beginInsertRows(parent_index, position, position)
            node.children.insert(position, self._make(row, node))
            node.renumber()
            self.endInsertRows()
        if node.children:
            self.dataChanged.emit(self.index(0, 0, parent_index), self.index(len(node.children) - 1, 1, parent_index))

    def refresh(self, bucket_id: str | None) -> None:
        """Reload one parent's rows soon (several requests are merged)."""
        self._pending.add(bucket_id)
        self._refresh_timer.start()

    def _flush_refresh(self) -> None:
        pending, self._pending = self._pending, set()
        for bucket_id in pending:
            node = self.root if bucket_id is None else self._buckets.get(bucket_id)
            if node is not None and (node.loaded or node is self.root):
                self._load(node)

    def refresh_word_counts(self) -> None:
        if self._counting:
            self._count_timer.start()
            return
        self._counting = True
        with_units, self._units_stale = self._units_stale, False
        workers.submit(lambda: (subtree_word_counts(self.store), bucket_units(self.store) if with_units else None),
                       on_done=self._counts_arrived, on_error=self._counts_failed)

    def _counts_failed(self, exc: BaseException) -> None:
        self._counting = False
        self._units_stale = True
        log.warning("word counts failed: %s", exc)

    def _counts_arrived(self, figures: tuple[dict[str, int], Units | None]) -> None:
        self._counting = False
        self._words, units = figures
        if units is not None:
            self._units_judged = units.text_judged
            if units.by_bucket != self._units:
                self._units = units.by_bucket
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.children:
                parent_index = self.index_of(node)
                last = self.index(len(node.children) - 1, 1, parent_index)
                self.dataChanged.emit(self.index(0, 1, parent_index), last)
                stack.extend(c for c in node.children if c.loaded)

    def bucket_words(self, bucket_id: str) -> int:
        return self._words.get(bucket_id, 0)

    def _failed(self, exc: BaseException) -> None:
        log.warning("tree operation failed: %s", exc)
        self.error.emit(str(exc))

    # -- store events ---------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        topic, payload = event.topic, event.payload
        if topic.startswith("bucket."):
            bucket_id = payload.get("bucket_id")
            if topic in ("bucket.blob.added", "bucket.blob.removed"):
                self.refresh(bucket_id)
            else:
                if "parent_id" in payload:
                    self.refresh(payload["parent_id"])
                    if "old_parent_id" in payload:
                        self.refresh(payload["old_parent_id"])
                elif bucket_id:
                    workers.submit(parent_of, self.store, bucket_id, on_done=self._refresh_parent)
                changes = payload.get("changes") or []
                if "children_order" in changes or "blob_order" in changes:
                    self.refresh(bucket_id)
            self._units_stale = True
            self._count_timer.start()
        elif topic.startswith("blob."):
            for bucket_id in payload.get("bucket_ids") or []:
                self.refresh(bucket_id)
            self._units_stale = self._units_stale or self._units_judged
            self._count_timer.start()

    def _refresh_parent(self, found: tuple[bool, str | None]) -> None:
        if found[0]:
            self.refresh(found[1])

    # -- drag and drop --------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [MIME, URI_LIST]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        items, seen = [], set()
        for index in indexes:
            row = self.node(index).row
            if row is None or row.key in seen:
                continue
            seen.add(row.key)
            parent = self.node(index).parent
            items.append({"kind": row.kind, "id": row.id, "bucket_id": row.bucket_id,
                          "parent_id": parent.bucket_id if parent else None, "position": self.node(index).position})
        mime = QMimeData()
        mime.setData(MIME, QByteArray(json.dumps(items).encode("utf-8")))
        return mime

    def _items(self, data: QMimeData) -> list[dict[str, Any]]:
        if not data.hasFormat(MIME):
            return []
        try:
            items = json.loads(bytes(data.data(MIME).data()).decode("utf-8"))
        except ValueError:
            return []
        return items if isinstance(items, list) else []

    def _drop_target(self, row: int, parent: Index) -> tuple[Node, int]:
        node = self.node(parent)
        if node.row is not None and node.row.kind == "blob":  # dropped onto a blob: beside it
            assert node.parent is not None
            return node.parent, node.position
        return node, row

    def _dropped_files(self, data: QMimeData) -> list[str]:
        """Local files and folders dragged in from the file manager."""
        if data.hasFormat(MIME) or not data.hasUrls():
            return []
        urls = data.urls()
        return [u.toLocalFile() for u in urls] if all(u.isLocalFile() for u in urls) else []

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if self._dropped_files(data):
            return self._drop_target(row, parent)[0].bucket_id is not None
        items = self._items(data)
        if not items:
            return False
        target, _ = self._drop_target(row, parent)
        for item in items:
            if item["kind"] == "blob" and target.bucket_id is None:
                return False
            if item["kind"] == "bucket":
                walk: Node | None = target
                while walk is not None:
                    if walk.bucket_id == item["id"]:
                        return False
                    walk = walk.parent
        return True

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target, row = self._drop_target(row, parent)
        if files := self._dropped_files(data):
            assert target.bucket_id is not None
            self.files_dropped.emit(target.bucket_id, files)
            return True
        bucket_rows = sum(1 for c in target.children if c.row is not None and c.row.kind == "bucket")
        workers.submit(apply_drop, self.store, self._items(data), target.bucket_id, row, bucket_rows,
                       action == Qt.DropAction.CopyAction, on_error=self._failed)
        return True


def apply_drop(store, items: list[dict[str, Any]], target: str | None, row: int, bucket_rows: int, copy: bool) -> None:
    """Carry out a drop: buckets move (or reorder); blobs move, or with Ctrl join one more bucket."""
    with store.transaction():
        for item in items:
            if item["kind"] == "bucket":
                position = None if row < 0 else min(row, bucket_rows)
                if position is not None and item.get("parent_id") == target and item.get("position", 0) < position:
                    position -= 1
                store.buckets.move(item["id"], target, position)
            elif target is not None:
                position = None if row < 0 else max(0, row - bucket_rows)
                if copy:
                    store.blobs.link(item["id"], target, position=position)
                elif item.get("bucket_id") and item["bucket_id"] != target:
                    store.blobs.move(item["id"], item["bucket_id"], target, position=position)
                elif item.get("bucket_id") == target and position is not None:
                    ids = [b.id for b in store.blobs.in_bucket(target, include_deleted=True) if b.id != item["id"]]
                    old = item.get("position", 0) - bucket_rows
                    ids.insert(max(0, min(position - (1 if old < position else 0), len(ids))), item["id"])
                    store.blobs.reorder(target, ids)
