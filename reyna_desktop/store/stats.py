"""Figures about a bucket's subtree for the window's stats panel and writing goals: words,
blobs, bytes, versions, processors used, last activity, activity per day, words written per day.

Days are the user's local calendar days (a writer's "today" is not UTC's). Words written on a
day are the net change of word counts made by the writer's own saves that day (each version's
count minus the previous version's); a processor's output is not the writer's writing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reyna_desktop.store import Store

HEAT_MAP_DAYS = 12 * 7

# The blobs linked into the bucket's subtree (live buckets, live blobs).
_SUBTREE = """SELECT DISTINCT bb.blob_id FROM blob_buckets bb JOIN buckets c ON c.id = bb.bucket_id
              JOIN blobs b ON b.id = bb.blob_id
              WHERE c.deleted_at IS NULL AND b.deleted_at IS NULL
                AND c.path LIKE (SELECT path FROM buckets WHERE id = ?) || '%'"""


@dataclass
class BucketStats:
    words: int = 0
    blobs: int = 0
    bytes: int = 0
    versions: int = 0
    processors: dict[str, int] = field(default_factory=dict)  # processor id -> blobs it made here
    last_activity: str | None = None  # ISO time of the newest version
    activity: dict[date, int] = field(default_factory=dict)  # local day -> versions saved that day


def day_start(day: date) -> str:
    """Local midnight at the start of `day`, as the store writes time stamps (UTC, Z)."""
    return datetime.combine(day, datetime.min.time()).astimezone().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_day(stamp: str) -> date:
    """The local calendar day of a stored UTC time stamp."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().date()


class Stats:
    def __init__(self, store: Store) -> None:
        self.store = store

    def tags(self) -> list[str]:
        """Every tag used on a live bucket or blob, for completion."""
        rows = self.store.query(
            """SELECT DISTINCT j.value AS tag FROM blobs, json_each(blobs.tags) j WHERE blobs.deleted_at IS NULL
               UNION SELECT DISTINCT j.value FROM buckets, json_each(buckets.tags) j WHERE buckets.deleted_at IS NULL
               ORDER BY tag"""
        )
        return [str(r["tag"]) for r in rows]

    def bucket(self, bucket_id: str, today: date | None = None) -> BucketStats:
        """The subtree's figures; `activity` covers the HEAT_MAP_DAYS days up to today."""
        out = BucketStats()
        row = self.store.query_one(
            f"""SELECT COUNT(*) AS n, COALESCE(SUM(content_size), 0) AS bytes
                FROM blobs WHERE id IN ({_SUBTREE})""", (bucket_id,))
        if row is not None:
            out.blobs, out.bytes = int(row["n"]), int(row["bytes"])
        # The text that counts (store/sections.py), as in the tree and the compiler: not every
        # draft, expansion and note added up.
        out.words = self.store.sections.subtree_count(bucket_id)
        for r in self.store.query(
            f"""SELECT processor_id, COUNT(*) AS n FROM blobs WHERE id IN ({_SUBTREE}) AND processor_id IS NOT NULL
                GROUP BY processor_id ORDER BY n DESC""", (bucket_id,)):
            out.processors[str(r["processor_id"])] = int(r["n"])
        first = (today or date.today()) - timedelta(days=HEAT_MAP_DAYS - 1)
        counts: Counter[date] = Counter()
        for r in self.store.query(
            f"""SELECT created_at FROM blob_versions WHERE blob_id IN ({_SUBTREE}) AND created_at >= ?""",
            (bucket_id, day_start(first))):
            counts[local_day(r["created_at"])] += 1
        out.activity = dict(counts)
        row = self.store.query_one(
            f"""SELECT COUNT(*) AS n, MAX(created_at) AS last FROM blob_versions WHERE blob_id IN ({_SUBTREE})""",
            (bucket_id,))
        if row is not None:
            out.versions, out.last_activity = int(row["n"]), row["last"]
        return out

    def words_per_day(self, bucket_id: str, days: int = 28, today: date | None = None) -> dict[date, int]:
        """Words the writer added (net) on each of the last `days` local days, oldest first."""
        end = today or date.today()
        first = end - timedelta(days=days - 1)
        out = {first + timedelta(days=i): 0 for i in range(days)}
        rows = self.store.query(
            f"""SELECT v.created_at, v.word_count - COALESCE(
                       (SELECT p.word_count FROM blob_versions p WHERE p.blob_id = v.blob_id
                        AND p.version < v.version ORDER BY p.version DESC LIMIT 1), 0) AS delta
                FROM blob_versions v JOIN blobs b ON b.id = v.blob_id
                WHERE v.blob_id IN ({_SUBTREE}) AND b.processor_id IS NULL AND v.created_at >= ?""",
            (bucket_id, day_start(first)))
        for r in rows:
            day = local_day(r["created_at"])
            if day in out:
                out[day] += int(r["delta"])
        return out
