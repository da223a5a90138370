"""Retention: what the store keeps of the tables that would otherwise only grow, and its size.

What each reader needs, and so what is kept:

* `events`: replay (`events_since`). A window in another process polls from the last id it saw
  every 2 s; a CLI `reyna events --since` reads what happened lately. Backups compare
  MAX(id), and AUTOINCREMENT never reuses an id, so old rows are not needed for that. Linked
  folders sync from their own tables, not from events. Kept: the last EVENT_DAYS days, and at
  least the newest EVENT_MIN events however old.
* `kv`: namespaces ending in `-cache` are caches (the compiler's `compile-cache`: a rendered
  chapter per content hash; a miss renders it again). Kept: entries written in the last
  KV_CACHE_DAYS days, and the newest KV_CACHE_MIN per namespace. Other namespaces are data
  and are never compacted.
* `processor_cache`: the lookup serves only outputs that are live, so rows whose output blob is
  in the trash are removed (a purge removes its rows already, by foreign key).
* `jobs`: finished jobs (succeeded, failed, cancelled) older than JOB_DAYS days, beyond the
  newest JOB_MIN; pending and running jobs are never touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

EVENT_DAYS, EVENT_MIN = 30, 10_000
KV_CACHE_SUFFIX, KV_CACHE_DAYS, KV_CACHE_MIN = "-cache", 90, 2_000
JOB_DAYS, JOB_MIN = 30, 1_000


@dataclass
class Compacted:
    events: int = 0
    kv: int = 0
    processor_cache: int = 0
    jobs: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class StoreSize:
    database_bytes: int  # the SQLite file with its WAL
    content_bytes: int
    content_files: int
    rows: dict[str, int]  # the tables that grow, by row count

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _stamp(days_ago: int, now: datetime | None) -> str:
    return ((now or datetime.now(UTC)) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Retention:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def compact(self, *, now: datetime | None = None) -> Compacted:
        """Remove what no reader needs any more (see the module's docstring); one transaction."""
        done = Compacted()
        with self.store.transaction() as tx:
            done.events = tx.execute(
                """DELETE FROM events WHERE at < ?
                   AND id <= (SELECT COALESCE(MAX(id), 0) FROM events) - ?""",
                (_stamp(EVENT_DAYS, now), EVENT_MIN),
            ).rowcount
            done.kv = tx.execute(
                """DELETE FROM kv WHERE namespace LIKE '%' || ? AND updated_at < ? AND rowid NOT IN (
                       SELECT rowid FROM (SELECT rowid, ROW_NUMBER() OVER (
                           PARTITION BY namespace ORDER BY updated_at DESC) AS rn FROM kv) WHERE rn <= ?)""",
                (KV_CACHE_SUFFIX, _stamp(KV_CACHE_DAYS, now), KV_CACHE_MIN),
            ).rowcount
            done.processor_cache = tx.execute(
                """DELETE FROM processor_cache WHERE output_blob_id IN (
                       SELECT id FROM blobs WHERE deleted_at IS NOT NULL)"""
            ).rowcount
            done.jobs = tx.execute(
                """DELETE FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') AND created_at < ?
                   AND id NOT IN (SELECT id FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled')
                                  ORDER BY created_at DESC LIMIT ?)""",
                (_stamp(JOB_DAYS, now), JOB_MIN),
            ).rowcount
        return done

    def size(self) -> StoreSize:
        db_bytes = sum(
            p.stat().st_size
            for p in (self.store.db_path, self.store.db_path.with_name(self.store.db_path.name + "-wal"))
            if p.exists()
        )
        content_bytes = files = 0
        for digest in self.store.content.all_digests():
            files += 1
            content_bytes += self.store.content.path_for(digest).stat().st_size
        rows = {
            table: int(self.store.query_one(f"SELECT COUNT(*) AS n FROM {table}")["n"])  # type: ignore[index]
            for table in ("blobs", "blob_versions", "events", "kv", "processor_cache", "jobs")
        }
        return StoreSize(db_bytes, content_bytes, files, rows)
