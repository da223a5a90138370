"""The chat pane's conversation tree (folders › conversations › threads) and its attachment bar
(what a conversation is about: the bucket whose notes its replies draw on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QWidget

from reyna_desktop.processors.chat import list_conversations
from reyna_desktop.processors.chat_processor import CONVERSATION_TYPES

IdRole = Qt.ItemDataRole.UserRole


@dataclass
class ConversationIndex:
    """Conversations and threads (newest first), the folders holding them, and the names of
    the buckets they are attached to."""

    conversations: list[Any] = field(default_factory=list)
    folders: dict[str, Any] = field(default_factory=dict)
    attached_names: dict[str, str] = field(default_factory=dict)


def load_conversation_index(store) -> ConversationIndex:
    """Off the UI thread: everything the tree and the attachment bar show."""
    conversations = list_conversations(store)
    index = ConversationIndex(conversations)
    for conv in conversations:
        for ancestor in store.buckets.ancestors(conv.id):
            if ancestor.type not in CONVERSATION_TYPES:
                index.folders[ancestor.id] = ancestor
        attached = conv.metadata.get("attached_bucket_id")
        if attached and attached not in index.attached_names and store.buckets.exists(str(attached)):
            index.attached_names[str(attached)] = store.buckets.get(str(attached)).name
    return index


class ConversationTree(QTreeWidget):
    """Folders and conversations as a tree; a thread hangs under the conversation it branched from."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName(self.tr("Conversations"))
        self.currentItemChanged.connect(self._current_changed)
        self._items: dict[str, QTreeWidgetItem] = {}

    def fill(self, index: ConversationIndex, visible: set[str], current: str | None) -> None:
        """Show the conversations whose ids are in `visible` (with their folders and parents)."""
        self.blockSignals(True)
        self.clear()
        self._items = {}
        by_id = {c.id: c for c in index.conversations}
        for conv in index.conversations:
            if conv.id in visible:
                self._item_for(conv.id, by_id, index)
        self.expandAll()
        self.blockSignals(False)
        self.select(current)

    def _item_for(self, bucket_id: str, by_id: dict[str, Any], index: ConversationIndex) -> QTreeWidgetItem:
        if bucket_id in self._items:
            return self._items[bucket_id]
        bucket = by_id.get(bucket_id) or index.folders[bucket_id]
        label = bucket.name
        if bucket.type in CONVERSATION_TYPES and bucket.metadata.get("topic"):
            label += f" — {bucket.metadata['topic']}"
        item = QTreeWidgetItem([label])
        if bucket.type in CONVERSATION_TYPES:
            item.setData(0, IdRole, bucket.id)
        else:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        parent_id = bucket.parent_id
        if parent_id and (parent_id in by_id or parent_id in index.folders):
            self._item_for(parent_id, by_id, index).addChild(item)
        else:
            self.addTopLevelItem(item)
        self._items[bucket_id] = item
        return item

    def select(self, conversation_id: str | None) -> None:
        """Mark the open conversation without announcing it as picked again."""
        item = self._items.get(conversation_id or "")
        if item is not None and item is not self.currentItem():
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)

    def conversation_labels(self) -> list[str]:
        """The labels of the conversations shown, in tree order (folders left out)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem | None) -> None:
            if item is None:
                return
            if item.data(0, IdRole):
                out.append(item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i))

        walk(self.invisibleRootItem())
        return out

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        if item is not None and item.data(0, IdRole):
            self.picked.emit(str(item.data(0, IdRole)))


class AttachmentBar(QWidget):
    """“About: <bucket>” with Change…, for the open conversation."""

    change_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)  # a long book title wraps instead of widening the chat pane
        self.change = QPushButton(self.tr("Change…"))
        self.change.setToolTip(self.tr("Choose the book, album or folder whose notes the replies draw on"))
        self.change.clicked.connect(self.change_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.change)

    def show_attachment(self, name: str | None) -> None:
        self.label.setText(self.tr("About: %1").replace("%1", name) if name else self.tr("About: nothing attached"))
