"""The processor cache (seed 004): the same input content, processor version, model and
parameters give back the stored output instead of running again. This module makes the keys;
the table behind them is the store's (`store.processor_cache`)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reyna_desktop.store import Store


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
