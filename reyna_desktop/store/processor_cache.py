"""The `processor_cache` table: cache key (input content + processor version + model +
parameters, made by processors/cache.py) to the output blob a run produced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reyna_desktop.store.text import now

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore, Tx


class ProcessorCache:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def lookup(self, key: str) -> str | None:
        """The cached output blob, if it still exists and is not in the trash."""
        row = self.store.query_one(
            "SELECT c.output_blob_id FROM processor_cache c JOIN blobs b ON b.id = c.output_blob_id "
            "WHERE c.cache_key = ? AND b.deleted_at IS NULL",
            (key,),
        )
        return None if row is None else str(row["output_blob_id"])

    @staticmethod
    def remember(tx: Tx, key: str, processor_id: str, blob_id: str) -> None:
        """Record a run's output, in the transaction that saved it."""
        tx.execute(
            "INSERT OR REPLACE INTO processor_cache (cache_key, processor_id, output_blob_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            (key, processor_id, blob_id, now()),
        )
