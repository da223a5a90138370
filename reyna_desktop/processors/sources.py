"""The text a chapter or book is made of, for summaries and pitches.

Rule, bucket by bucket in tree order: the blob marked final if there is one; else the
user's own drafts (text-input-v1 blobs no processor made). Notes, research and character
buckets are left out, as are processor outputs that are not marked final.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reyna_desktop.models import Blob

if TYPE_CHECKING:
    from reyna_desktop.store import Store

TEXT_SCHEMAS = ("text-input-v1", "expanded-text-v1")
SKIPPED_BUCKET_TYPES = frozenset({"research", "characters", "notes", "conversation", "thread"})


def manuscript_blobs(store: Store, bucket_id: str) -> list[Blob]:
    out: list[Blob] = []
    skipped: set[str] = set()
    for bucket in store.buckets.descendants(bucket_id, include_self=True):  # parents come before children
        if bucket.type in SKIPPED_BUCKET_TYPES or bucket.parent_id in skipped:
            skipped.add(bucket.id)
            continue
        blobs = [b for b in store.blobs.in_bucket(bucket.id, schema_ids=list(TEXT_SCHEMAS))
                 if b.primary_bucket_id == bucket.id]
        finals = [b for b in blobs if b.is_final]
        out.extend(finals or [b for b in blobs if b.processor_id is None and b.schema_id == "text-input-v1"])
    return out
