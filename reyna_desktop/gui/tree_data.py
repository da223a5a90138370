"""The queries behind the bucket tree, run on worker threads: one parent's rows at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HIDDEN_BLOB_SCHEMAS = ("message-v1", "expanded-text-v1")


@dataclass
class Row:
    """One row of the tree: a bucket, or a blob shown inside one of its buckets."""

    kind: str  # "bucket" | "blob"
    id: str
    name: str
    type: str  # bucket type, or the blob's schema id
    bucket_id: str | None = None  # for blobs: the bucket this row shows it in
    child_count: int = 0
    target_words: int | None = None
    words: int = 0
    is_final: bool = False
    deleted: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.kind, self.id, self.bucket_id)


def load_children(store, parent_id: str | None) -> list[Row]:
    """A parent's child buckets (in order) then its blobs (in order), with child counts so the
    view knows which rows can expand without loading them."""
    import json

    rows = store.query(
        """SELECT b.id, b.name, b.type, b.metadata,
                  (SELECT COUNT(*) FROM buckets c WHERE c.parent_id = b.id AND c.deleted_at IS NULL)
                + (SELECT COUNT(*) FROM blob_buckets bb JOIN blobs x ON x.id = bb.blob_id
                   WHERE bb.bucket_id = b.id AND x.deleted_at IS NULL
                     AND x.schema_id NOT IN ('message-v1', 'expanded-text-v1')) AS n
           FROM buckets b WHERE b.parent_id IS ? AND b.deleted_at IS NULL ORDER BY b.position, b.seq""",
        (parent_id,),
    )
    out = []
    for r in rows:
        meta = json.loads(r["metadata"])
        target = meta.get("target_words")
        out.append(Row("bucket", r["id"], r["name"], r["type"], child_count=int(r["n"]),
                       target_words=target if isinstance(target, int) and target > 0 else None, metadata=meta))
    if parent_id is None:
        return out
    marks = ",".join("?" for _ in HIDDEN_BLOB_SCHEMAS)
    blobs = store.query(
        f"""SELECT b.id, b.title, b.schema_id, b.word_count, b.is_final FROM blob_buckets bb
            JOIN blobs b ON b.id = bb.blob_id
            WHERE bb.bucket_id = ? AND b.deleted_at IS NULL AND b.schema_id NOT IN ({marks})
            ORDER BY bb.position, b.created_at""",
        (parent_id, *HIDDEN_BLOB_SCHEMAS),
    )
    for b in blobs:
        out.append(Row("blob", b["id"], b["title"] or "(untitled)", b["schema_id"], bucket_id=parent_id,
                       words=int(b["word_count"]), is_final=bool(b["is_final"])))
    return out


def parent_of(store, bucket_id: str) -> tuple[bool, str | None]:
    """(found, parent id) of a bucket, deleted or not."""
    row = store.query_one("SELECT parent_id FROM buckets WHERE id = ?", (bucket_id,))
    return (row is not None, row["parent_id"] if row else None)


def subtree_word_counts(store) -> dict[str, int]:
    """Each bucket's words with its descendants', by the compiler's rule (the final, else the newest
    text per bucket). The heavy part is one SQL query, so the GIL stays free for the UI thread."""
    rows = store.query(
        """SELECT c.path, o.word_count FROM (
               SELECT bucket_id, word_count FROM (
                   SELECT bb.bucket_id, b.word_count, ROW_NUMBER() OVER (
                       PARTITION BY bb.bucket_id ORDER BY b.is_final DESC, b.updated_at DESC) AS rn
                   FROM blob_buckets bb JOIN blobs b ON b.id = bb.blob_id
                   WHERE b.deleted_at IS NULL AND b.schema_id IN ('text-input-v1', 'expanded-text-v1'))
               WHERE rn = 1) o
           JOIN buckets c ON c.id = o.bucket_id WHERE c.deleted_at IS NULL"""
    )
    totals: dict[str, int] = {}
    for path, words in rows:
        for bucket_id in path.strip("/").split("/"):
            totals[bucket_id] = totals.get(bucket_id, 0) + words
    return totals
