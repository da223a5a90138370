"""Retention: old events, stale cache entries and finished jobs go; what replay, the caches and
the queue still need stays; `reyna check` shows the store's size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reyna_desktop.cli import main
from reyna_desktop.store import Store, retention


def _age_everything(store: Store, days: int) -> None:
    """Make every row `days` old (the tables' own clocks), as if the store had been used then."""
    old = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with store.transaction() as tx:
        tx.execute("UPDATE events SET at = ?", (old,))
        tx.execute("UPDATE kv SET updated_at = ?", (old,))


def test_compact_keeps_recent_events_and_data_namespaces(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "EVENT_MIN", 5)
    monkeypatch.setattr(retention, "KV_CACHE_MIN", 1)
    bucket = store.buckets.create("Old", "chapter")
    for i in range(10):
        store.blobs.create({"content": f"old {i}"}, bucket_ids=[bucket.id])
    store.kv_set("compile-cache", "a", b"rendered a")
    store.kv_set("compile-cache", "b", b"rendered b")
    store.kv_set("settings", "theme", b"dark")
    _age_everything(store, 100)
    last = store.last_event_id()
    store.blobs.create({"content": "today"}, bucket_ids=[bucket.id])

    done = store.compact()

    kept = store.events_since(0)
    assert done.events > 0 and len(kept) >= 5
    assert kept[-1].id > last and all(e.id > last - 5 for e in kept)  # the newest 5 old ones, and today's
    assert store.last_event_id() > last  # ids are never reused: replay from an old id still works
    assert done.kv == 1  # one cache entry beyond the newest one; the data namespace untouched
    assert store.kv_get("settings", "theme") == b"dark"
    assert store.compact().as_dict() == {"events": 0, "kv": 0, "processor_cache": 0, "jobs": 0}


def test_cache_rows_of_trashed_outputs_go(store: Store) -> None:
    bucket = store.buckets.create("Ch", "chapter")
    out = store.blobs.create({"content": "output"}, bucket_ids=[bucket.id])
    kept = store.blobs.create({"content": "kept output"}, bucket_ids=[bucket.id])
    with store.transaction() as tx:
        store.processor_cache.remember(tx, "key-trashed", "p", out.id)
        store.processor_cache.remember(tx, "key-live", "p", kept.id)
    store.blobs.trash(out.id)
    assert store.compact().processor_cache == 1
    assert store.processor_cache.lookup("key-live") == kept.id


def test_check_shows_the_size(store: Store, private_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bucket = store.buckets.create("Sized", "chapter")
    store.blobs.create({"content": "word " * 100_000}, bucket_ids=[bucket.id])  # over the inline threshold
    size = store.check().size
    assert size["content_files"] == 1 and int(size["content_bytes"]) > 500_000  # type: ignore[call-overload]
    assert size["rows"]["blobs"] == 1  # type: ignore[index]
    assert main(["--data-dir", str(private_dirs), "check"]) == 0
    out = capsys.readouterr().out
    assert "size: database" in out and "content 0.5 MiB in 1 files" in out
