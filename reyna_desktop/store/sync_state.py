"""What sync (reyna_desktop/sync) keeps in the store: the only SQL the sync package needs.

- settings: the shared folder, this device's id, how far local events were exported...
- ids: which local bucket/blob id a synced entity has here. An entity keeps the id it was made
  with on its first device as its sync id; other devices create it with a fresh local id.
- peers: for each other device, the next update file to read, how many of ours it had read,
  and when it was last read.
- doc updates: the CRDT document as a log of updates, folded into one now and then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reyna_desktop.store.text import now

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

BUCKET, BLOB = "bucket", "blob"


@dataclass(frozen=True)
class Peer:
    """Another device, as this one knows it."""

    next_seq: int = 1  # its next update file to read
    read_ours: int = 0  # how many of our update files it had read when it last wrote
    last_exchange: str | None = None

    def after(self, seq: int, read_ours: int) -> Peer:
        return Peer(max(self.next_seq, seq + 1), max(self.read_ours, read_ours), now())


class SyncState:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        row = self.store.query_one("SELECT value FROM sync_settings WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_setting(self, key: str, value: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO sync_settings (key, value) VALUES (?, ?)", (key, value))

    def delete_setting(self, key: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM sync_settings WHERE key = ?", (key,))

    # -- ids --------------------------------------------------------------------------------

    def local_id(self, kind: str, sync_id: str) -> str | None:
        row = self.store.query_one("SELECT local_id FROM sync_ids WHERE kind = ? AND sync_id = ?", (kind, sync_id))
        return None if row is None else str(row["local_id"])

    def find_sync_id(self, kind: str, local_id: str) -> str | None:
        row = self.store.query_one("SELECT sync_id FROM sync_ids WHERE kind = ? AND local_id = ?", (kind, local_id))
        return None if row is None else str(row["sync_id"])

    def sync_id(self, kind: str, local_id: str) -> str:
        """The entity's sync id; one made here gets its own local id as its sync id."""
        found = self.find_sync_id(kind, local_id)
        if found is not None:
            return found
        self.map_id(kind, local_id, local_id)
        return local_id

    def map_id(self, kind: str, sync_id: str, local_id: str) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO sync_ids (kind, sync_id, local_id) VALUES (?, ?, ?)", (kind, sync_id, local_id)
            )

    def unmap(self, kind: str, sync_id: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM sync_ids WHERE kind = ? AND sync_id = ?", (kind, sync_id))

    def all_blob_ids(self) -> list[str]:
        """Every blob, in the trash too (the first exchange sends them all)."""
        return [r["id"] for r in self.store.query("SELECT id FROM blobs ORDER BY seq")]

    def id_map(self, kind: str) -> dict[str, str]:
        """Every local id of this kind to its sync id."""
        rows = self.store.query("SELECT local_id, sync_id FROM sync_ids WHERE kind = ?", (kind,))
        return {r["local_id"]: r["sync_id"] for r in rows}

    # -- peers ------------------------------------------------------------------------------

    def peers(self) -> dict[str, Peer]:
        rows = self.store.query("SELECT * FROM sync_peers ORDER BY device_id")
        return {r["device_id"]: Peer(int(r["next_seq"]), int(r["read_ours"]), r["last_exchange_at"]) for r in rows}

    def set_peer(self, device_id: str, peer: Peer) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO sync_peers (device_id, next_seq, read_ours, last_exchange_at) "
                "VALUES (?, ?, ?, ?)",
                (device_id, peer.next_seq, peer.read_ours, peer.last_exchange),
            )

    def forget_peers(self) -> None:
        """Every other device's progress dropped: their files in a new folder are read from the first."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM sync_peers")

    # -- the CRDT document ------------------------------------------------------------------

    def doc_updates(self) -> list[bytes]:
        return [bytes(r["payload"]) for r in self.store.query("SELECT payload FROM sync_doc_updates ORDER BY seq")]

    def add_doc_update(self, payload: bytes) -> None:
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO sync_doc_updates (payload) VALUES (?)", (payload,))

    def doc_update_count(self) -> int:
        row = self.store.query_one("SELECT COUNT(*) AS n FROM sync_doc_updates")
        return int(row["n"]) if row else 0

    def replace_doc_updates(self, full_state: bytes) -> None:
        """Fold the log into one update that holds the whole document."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM sync_doc_updates")
            tx.execute("INSERT INTO sync_doc_updates (payload) VALUES (?)", (full_state,))
