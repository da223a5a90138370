"""Blob rows as `Blob` models (with the buckets each is in), and what the blob modules share:
live-bucket checks and deleting blob rows for good."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from reyna_desktop.errors import InvalidOperation, NotFound
from reyna_desktop.models import Blob
from reyna_desktop.store.blob_index import unindex_blob

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore, Tx

BLOB_COLUMNS = (
    "id, schema_id, schema_version, processor_id, storage, content_hash, content_size, title, preview, "
    "word_count, tags, parent_id, processing_state, processing_meta, version, is_final, created_at, "
    "updated_at, deleted_at"
)


class BlobRows:
    """Reading blobs by id; the base of Membership and Blobs."""

    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def get(self, blob_id: str) -> Blob:
        row = self.store.query_one(f"SELECT {BLOB_COLUMNS} FROM blobs WHERE id = ?", (blob_id,))
        if row is None:
            raise NotFound("blob", blob_id)
        return self._with_buckets([row])[0]

    def exists(self, blob_id: str) -> bool:
        return self.store.query_one("SELECT 1 FROM blobs WHERE id = ?", (blob_id,)) is not None

    def many(self, blob_ids: list[str]) -> list[Blob]:
        if not blob_ids:
            return []
        marks = ",".join("?" for _ in blob_ids)
        rows = self.store.query(f"SELECT {BLOB_COLUMNS} FROM blobs WHERE id IN ({marks})", blob_ids)
        found = {b.id: b for b in self._with_buckets(rows)}
        return [found[i] for i in blob_ids if i in found]

    def _live_bucket(self, bucket_id: str) -> None:
        row = self.store.query_one("SELECT deleted_at FROM buckets WHERE id = ?", (bucket_id,))
        if row is None:
            raise NotFound("bucket", bucket_id)
        if row["deleted_at"]:
            raise InvalidOperation(f"bucket {bucket_id} is in the trash; restore it first")

    def _is_live_bucket(self, bucket_id: str) -> bool:
        row = self.store.query_one("SELECT deleted_at FROM buckets WHERE id = ?", (bucket_id,))
        return row is not None and row["deleted_at"] is None

    def _with_buckets(self, rows: list[sqlite3.Row]) -> list[Blob]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        members: dict[str, list[tuple[int, str]]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" for _ in chunk)
            sql = f"SELECT blob_id, bucket_id, is_primary FROM blob_buckets WHERE blob_id IN ({marks})"
            for m in self.store.query(sql, chunk):
                members.setdefault(m["blob_id"], []).append((-m["is_primary"], m["bucket_id"]))
        out = []
        for r in rows:
            mine = sorted(members.get(r["id"], []))
            out.append(
                Blob.model_construct(
                    id=r["id"],
                    schema_id=r["schema_id"],
                    schema_version=r["schema_version"],
                    processor_id=r["processor_id"],
                    storage=r["storage"],
                    content_hash=r["content_hash"],
                    content_size=r["content_size"],
                    title=r["title"],
                    preview=r["preview"],
                    word_count=r["word_count"],
                    tags=json.loads(r["tags"]),
                    parent_id=r["parent_id"],
                    processing_state=r["processing_state"],
                    processing_meta=json.loads(r["processing_meta"]),
                    version=r["version"],
                    is_final=bool(r["is_final"]),
                    created_at=r["created_at"],
                    updated_at=r["updated_at"],
                    deleted_at=r["deleted_at"],
                    bucket_ids=[b for _, b in mine],
                    primary_bucket_id=mine[0][1] if mine and mine[0][0] == -1 else None,
                )
            )
        return out


def purge_blob_rows(store: StoreCore, tx: Tx, blob_ids: list[str]) -> int:
    """Delete blobs and their versions; remove content files no longer referenced after commit."""
    if not blob_ids:
        return 0
    hashes: set[str] = set()
    for blob_id in blob_ids:
        for row in tx.execute("SELECT content_hash, storage FROM blob_versions WHERE blob_id = ?", (blob_id,)):
            if row["storage"] == "file":
                hashes.add(row["content_hash"])
        unindex_blob(tx, blob_id)
        tx.execute("DELETE FROM blobs WHERE id = ?", (blob_id,))
    unused = [
        h
        for h in hashes
        if tx.execute(
            "SELECT 1 FROM blob_versions WHERE content_hash = ? AND storage = 'file' LIMIT 1", (h,)
        ).fetchone()
        is None
    ]

    def remove_files() -> None:
        for digest in unused:
            store.content.remove(digest)

    tx.after_commit.append(remove_files)
    return len(blob_ids)
