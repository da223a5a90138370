"""The tables behind linked folders (migration 2): which bucket follows which folder on disk,
and for each file there its blob, last seen sha256/size/mtime and the blob version it was
synced at. The sync algorithm that uses them is `interchange/folder_sync.py`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, NotFound
from reyna_desktop.store.text import now

if TYPE_CHECKING:
    import sqlite3

    from reyna_desktop.store.core import StoreCore

FILE_COLUMNS = ("rel_path", "file_hash", "size", "mtime_ns", "synced_version", "missing")


@dataclass(frozen=True)
class FolderLink:
    bucket_id: str
    folder: Path
    created_at: str
    scanned_at: str | None = None


@dataclass(frozen=True)
class LinkedFile:
    """What the link knew of one file at its last sync."""

    rel_path: str
    blob_id: str
    file_hash: str
    size: int
    mtime_ns: int
    synced_version: int
    missing: bool


def _link(row: sqlite3.Row) -> FolderLink:
    return FolderLink(row["bucket_id"], Path(row["folder"]), row["created_at"], row["scanned_at"])


class FolderLinks:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def all(self) -> list[FolderLink]:
        return [_link(r) for r in self.store.query("SELECT * FROM folder_links ORDER BY created_at")]

    def get(self, bucket_id: str) -> FolderLink:
        row = self.store.query_one("SELECT * FROM folder_links WHERE bucket_id = ?", (bucket_id,))
        if row is None:
            raise NotFound("folder link for bucket", bucket_id)
        return _link(row)

    def add(self, bucket_id: str, folder: Path) -> None:
        """Link a bucket to a folder (again: nothing changes); another folder is refused."""
        with self.store.transaction() as tx:
            existing = tx.execute("SELECT folder FROM folder_links WHERE bucket_id = ?", (bucket_id,)).fetchone()
            if existing is not None and existing["folder"] != str(folder):
                raise InvalidOperation(f"bucket {bucket_id} is already linked to {existing['folder']}; unlink it first")
            if existing is None:
                tx.execute(
                    "INSERT INTO folder_links (bucket_id, folder, created_at) VALUES (?, ?, ?)",
                    (bucket_id, str(folder), now()),
                )
                tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": ["folder_link"]})

    def remove(self, bucket_id: str) -> None:
        with self.store.transaction() as tx:
            self.get(bucket_id)
            tx.execute("DELETE FROM folder_links WHERE bucket_id = ?", (bucket_id,))
            tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": ["folder_link"]})

    def mark_scanned(self, bucket_id: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("UPDATE folder_links SET scanned_at = ? WHERE bucket_id = ?", (now(), bucket_id))

    def files(self, bucket_id: str) -> dict[str, LinkedFile]:
        """rel path -> what the link knows of it, missing files too."""
        rows = self.store.query("SELECT * FROM linked_files WHERE bucket_id = ?", (bucket_id,))
        return {
            r["rel_path"]: LinkedFile(
                r["rel_path"], r["blob_id"], r["file_hash"], r["size"], r["mtime_ns"], r["synced_version"],
                bool(r["missing"]),
            )
            for r in rows
        }

    def record_file(self, bucket_id: str, file: LinkedFile) -> None:
        """A file the link now follows (its blob was just made)."""
        with self.store.transaction() as tx:
            tx.execute(
                """INSERT OR REPLACE INTO linked_files (bucket_id, rel_path, blob_id, file_hash, size, mtime_ns,
                       synced_version, missing) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (bucket_id, file.rel_path, file.blob_id, file.file_hash, file.size, file.mtime_ns,
                 file.synced_version, int(file.missing)),
            )

    def update_file(self, bucket_id: str, rel: str, /, **columns: Any) -> None:
        """Change what the link knows of the file at `rel` (columns among FILE_COLUMNS; a new
        `rel_path` records a rename)."""
        unknown = set(columns) - set(FILE_COLUMNS)
        if unknown:
            raise InvalidOperation(f"linked_files has no column {sorted(unknown)[0]!r}")
        values = [int(v) if isinstance(v, bool) else v for v in columns.values()]
        sets = ", ".join(k + " = ?" for k in columns)
        with self.store.transaction() as tx:
            tx.execute(
                f"UPDATE linked_files SET {sets} WHERE bucket_id = ? AND rel_path = ?", (*values, bucket_id, rel)
            )
