"""The bucket tree's rows, from the store's listing queries, run on worker threads: one parent's
rows at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reyna_desktop.schema_ids import EXPANDED_TEXT, MESSAGE
from reyna_desktop.store import Store

HIDDEN_BLOB_SCHEMAS = (MESSAGE, EXPANDED_TEXT)


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


def load_children(store: Store, parent_id: str | None) -> list[Row]:
    """A parent's child buckets (in order) then its blobs (in order), with child counts so the
    view knows which rows can expand without loading them."""
    out = []
    for b in store.listing.child_buckets(parent_id, HIDDEN_BLOB_SCHEMAS):
        target = b.metadata.get("target_words")
        out.append(Row("bucket", b.id, b.name, b.type, child_count=b.child_count,
                       target_words=target if isinstance(target, int) and target > 0 else None, metadata=b.metadata))
    if parent_id is None:
        return out
    for blob in store.listing.child_blobs(parent_id, HIDDEN_BLOB_SCHEMAS):
        out.append(Row("blob", blob.id, blob.title or "(untitled)", blob.schema_id, bucket_id=parent_id,
                       words=blob.word_count, is_final=blob.is_final))
    return out


def parent_of(store: Store, bucket_id: str) -> tuple[bool, str | None]:
    """(found, parent id) of a bucket, deleted or not."""
    return store.listing.parent_of(bucket_id)


def subtree_word_counts(store: Store) -> dict[str, int]:
    """Each bucket's count with its descendants', by the compiler's rule (store/sections.py)."""
    return store.sections.subtree_counts()
