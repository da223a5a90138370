"""The processor cache (seed 004): the same input content, processor version, model and
parameters give back the stored output instead of running again."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from reyna_desktop.store.text import now

if TYPE_CHECKING:
    from reyna_desktop.store import Store, Tx


def input_fingerprint(store: Store, input: dict[str, Any]) -> str:
    """A hash of what the input holds now: a blob's content, or a bucket tree's source blobs
    (the user's own text and whatever is marked final, not processor outputs) and metadata."""
    if "blob_id" in input:
        return store.blobs.get(str(input["blob_id"])).content_hash
    bucket_id = str(input["bucket_id"])
    digest = hashlib.sha256()
    for bucket in store.buckets.descendants(bucket_id, include_self=True):
        digest.update(json.dumps([bucket.id, bucket.name, bucket.metadata], sort_keys=True).encode())
    for blob in store.blobs.in_bucket(bucket_id, recursive=True):
        if blob.processor_id is None or blob.is_final:
            digest.update(f"{blob.id}:{blob.content_hash}:{blob.is_final}".encode())
    return digest.hexdigest()


def cache_key(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def lookup(store: Store, key: str) -> str | None:
    """The cached output blob, if it still exists and is not in the trash."""
    row = store.query_one(
        "SELECT c.output_blob_id FROM processor_cache c JOIN blobs b ON b.id = c.output_blob_id "
        "WHERE c.cache_key = ? AND b.deleted_at IS NULL",
        (key,),
    )
    return None if row is None else str(row["output_blob_id"])


def remember(tx: Tx, key: str, processor_id: str, blob_id: str) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO processor_cache (cache_key, processor_id, output_blob_id, created_at) "
        "VALUES (?, ?, ?, ?)",
        (key, processor_id, blob_id, now()),
    )
