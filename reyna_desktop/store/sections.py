"""The text that counts: for each section bucket (chapter, scene, part, matter), the one blob
whose text the compiler prints and the tree, stats and goals count. One rule, one query:

0. the blob named by the bucket's metadata ``final_blob_id`` (in the bucket or not);
1. else the newest blob marked final (``is_final``, or role ``final``);
2. else the newest edited text: role ``edited``, or an ``expanded-text-v1`` expansion;
3. else the newest draft (role ``draft``, ``front-matter``, ``back-matter`` or none).

Notes (role ``notes``, or any other role) never count, nor does a blob whose text is empty
(tiers 1 to 3). "Newest" is the latest `updated_at`, then the highest version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reyna_desktop.schema_ids import EXPANDED_TEXT, TEXT_INPUT, TEXT_SCHEMAS
from reyna_desktop.store.text import count_unit

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

SECTION_TEXT_SCHEMAS = TEXT_SCHEMAS
DRAFT_ROLES = ("draft", "front-matter", "back-matter")

# Candidates: every live text blob of a bucket, plus the one its metadata names as final.
_CANDIDATES = f"""
    SELECT bb.bucket_id, b.id, b.word_count, b.is_final, b.role, b.schema_id, b.preview = '' AS empty,
           b.updated_at, b.version, 0 AS named
    FROM blob_buckets bb JOIN blobs b ON b.id = bb.blob_id
    WHERE b.deleted_at IS NULL AND b.schema_id IN ('{TEXT_INPUT}', '{EXPANDED_TEXT}')
    UNION ALL
    SELECT c.id, b.id, b.word_count, b.is_final, b.role, b.schema_id, b.preview = '', b.updated_at, b.version, 1
    FROM buckets c JOIN blobs b ON b.id = json_extract(c.metadata, '$.final_blob_id')
    WHERE json_valid(c.metadata) AND b.deleted_at IS NULL
      AND b.schema_id IN ('{TEXT_INPUT}', '{EXPANDED_TEXT}')
"""
_TIER = f"""CASE
    WHEN named THEN 0
    WHEN empty THEN NULL
    WHEN is_final OR role = 'final' THEN 1
    WHEN role = 'edited' OR schema_id = '{EXPANDED_TEXT}' THEN 2
    WHEN role IS NULL OR role IN ({", ".join(f"'{r}'" for r in DRAFT_ROLES)}) THEN 3
END"""
# One row per bucket: the blob that counts there.
CHOSEN = f"""
    SELECT bucket_id, id AS blob_id, word_count FROM (
        SELECT bucket_id, id, word_count, ROW_NUMBER() OVER (
            PARTITION BY bucket_id ORDER BY tier, updated_at DESC, version DESC) AS rn
        FROM (SELECT bucket_id, id, word_count, updated_at, version, {_TIER} AS tier FROM ({_CANDIDATES}))
        WHERE tier IS NOT NULL)
    WHERE rn = 1
"""


class Sections:
    """Which blob counts in each bucket, and the counts that follow from it."""

    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def chosen_blob(self, bucket_id: str) -> str | None:
        """The id of the blob whose text counts in this bucket (and is compiled), or None."""
        row = self.store.query_one(f"SELECT blob_id FROM ({CHOSEN}) WHERE bucket_id = ?", (bucket_id,))
        return None if row is None else str(row["blob_id"])

    def own_counts(self) -> dict[str, int]:
        """Each bucket's own count (its chosen blob's), without its descendants."""
        return {r["bucket_id"]: int(r["word_count"]) for r in self.store.query(CHOSEN)}

    def subtree_count(self, bucket_id: str) -> int:
        """One bucket's count including its live descendants' (what its stats show)."""
        row = self.store.query_one(
            f"""SELECT COALESCE(SUM(o.word_count), 0) AS n FROM ({CHOSEN}) o
                JOIN buckets c ON c.id = o.bucket_id JOIN buckets top ON top.id = ?
                WHERE c.deleted_at IS NULL AND substr(c.path, 1, length(top.path)) = top.path""",
            (bucket_id,),
        )
        return int(row["n"]) if row else 0

    def count_unit(self, bucket_id: str) -> str:
        """What the counts of this bucket's subtree are in, for the UI to name: "characters" for
        a Chinese, Japanese, Korean or Thai book, else "words" (judged on the chosen texts'
        previews, so a long book costs no more than a short one)."""
        rows = self.store.query(
            f"""SELECT b.preview FROM ({CHOSEN}) o JOIN blobs b ON b.id = o.blob_id
                JOIN buckets c ON c.id = o.bucket_id JOIN buckets top ON top.id = ?
                WHERE c.deleted_at IS NULL AND substr(c.path, 1, length(top.path)) = top.path LIMIT 200""",
            (bucket_id,),
        )
        return count_unit(" ".join(r["preview"] for r in rows))

    def subtree_counts(self) -> dict[str, int]:
        """Each live bucket's count including its live descendants'. One query (the GIL stays
        free for a UI thread), summed along each bucket's path of ids."""
        rows = self.store.query(
            f"""SELECT c.path, o.word_count FROM ({CHOSEN}) o
                JOIN buckets c ON c.id = o.bucket_id WHERE c.deleted_at IS NULL"""
        )
        live = {r["id"] for r in self.store.query("SELECT id FROM buckets WHERE deleted_at IS NULL")}
        totals = dict.fromkeys(live, 0)
        for row in rows:
            for bucket_id in row["path"].strip("/").split("/"):
                if bucket_id in live:
                    totals[bucket_id] += int(row["word_count"])
        return totals
