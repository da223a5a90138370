"""Sync between devices through a shared folder, on a CRDT engine (pycrdt: Yjs/Yrs). No Qt.

- folder.py: the shared folder's layout, each device's append-only update log, content files.
- project_doc.py: the store's tree and texts as one CRDT document, and its merge rules.
- export.py: local changes (found through the store's events) into the document.
- apply.py: the merged document back into the store, through its public API.
- engine.py: `Sync`: init, one exchange (`now`), status, compaction.
- background.py: `BackgroundSync`: a thread that exchanges at start, on a timer and on demand.
"""

from reyna_desktop.sync.engine import Sync

__all__ = ["Sync"]
