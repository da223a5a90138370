"""The tree's listing queries, light enough to run one parent at a time on a worker thread:
a parent's child buckets with how many rows each holds, a bucket's blobs, a bucket's parent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore


@dataclass(frozen=True)
class ChildBucket:
    id: str
    name: str
    type: str
    metadata: dict[str, Any]
    child_count: int  # live child buckets + live blobs shown (not of the hidden schemas)


@dataclass(frozen=True)
class ChildBlob:
    id: str
    title: str
    schema_id: str
    word_count: int
    is_final: bool


class Listing:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def child_buckets(self, parent_id: str | None, hidden_schemas: tuple[str, ...] = ()) -> list[ChildBucket]:
        """Live child buckets of a parent (None: the top level) in their order."""
        marks = ",".join("?" for _ in hidden_schemas)
        hidden = f"AND x.schema_id NOT IN ({marks})" if hidden_schemas else ""
        rows = self.store.query(
            f"""SELECT b.id, b.name, b.type, b.metadata,
                      (SELECT COUNT(*) FROM buckets c WHERE c.parent_id = b.id AND c.deleted_at IS NULL)
                    + (SELECT COUNT(*) FROM blob_buckets bb JOIN blobs x ON x.id = bb.blob_id
                       WHERE bb.bucket_id = b.id AND x.deleted_at IS NULL {hidden}) AS n
               FROM buckets b WHERE b.parent_id IS ? AND b.deleted_at IS NULL ORDER BY b.position, b.seq""",
            (*hidden_schemas, parent_id),
        )
        return [ChildBucket(r["id"], r["name"], r["type"], json.loads(r["metadata"]), int(r["n"])) for r in rows]

    def child_blobs(self, bucket_id: str, hidden_schemas: tuple[str, ...] = ()) -> list[ChildBlob]:
        """Live blobs of a bucket in their order, leaving out the hidden schemas."""
        marks = ",".join("?" for _ in hidden_schemas)
        hidden = f"AND b.schema_id NOT IN ({marks})" if hidden_schemas else ""
        rows = self.store.query(
            f"""SELECT b.id, b.title, b.schema_id, b.word_count, b.is_final FROM blob_buckets bb
                JOIN blobs b ON b.id = bb.blob_id
                WHERE bb.bucket_id = ? AND b.deleted_at IS NULL {hidden}
                ORDER BY bb.position, b.created_at""",
            (bucket_id, *hidden_schemas),
        )
        return [
            ChildBlob(r["id"], r["title"], r["schema_id"], int(r["word_count"]), bool(r["is_final"])) for r in rows
        ]

    def parent_of(self, bucket_id: str) -> tuple[bool, str | None]:
        """(found, parent id) of a bucket, in the trash or not."""
        row = self.store.query_one("SELECT parent_id FROM buckets WHERE id = ?", (bucket_id,))
        return (row is not None, row["parent_id"] if row else None)
