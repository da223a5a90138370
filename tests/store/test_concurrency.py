"""The store is used from the UI thread and worker threads at once."""

from __future__ import annotations

import threading

from reyna_desktop.models import Event
from reyna_desktop.store import Store


def test_concurrent_writers_and_readers(store: Store) -> None:
    bucket = store.buckets.create("Shared", "chapter")
    writers, per_writer = 4, 40
    errors: list[BaseException] = []
    created: list[str] = []
    seen_counts: dict[int, list[int]] = {0: [], 1: []}
    events: list[Event] = []
    store.bus.subscribe("blob.created.*", events.append)
    lock = threading.Lock()
    stop = threading.Event()

    def write(n: int) -> None:
        try:
            for i in range(per_writer):
                blob = store.blobs.create(
                    {"content": f"writer {n} blob {i} " + "word " * (i * 50)}, bucket_ids=[bucket.id]
                )
                store.blobs.update_text(blob.id, f"writer {n} blob {i} edited")
                with lock:
                    created.append(blob.id)
        except BaseException as exc:
            errors.append(exc)

    def read(reader: int) -> None:
        try:
            while not stop.is_set():
                blobs = store.blobs.in_bucket(bucket.id)
                for blob in blobs[-5:]:
                    store.blobs.data(blob.id)
                store.search("writer")
                seen_counts[reader].append(len(blobs))
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read, args=(r,)) for r in range(2)]
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    assert len(created) == writers * per_writer == len(set(created))
    assert len(store.blobs.in_bucket(bucket.id)) == writers * per_writer
    for counts in seen_counts.values():  # a reader never sees the count go backwards
        assert counts == sorted(counts)
    assert len(events) == writers * per_writer
    assert all(store.blobs.get(b).version == 2 for b in created)
    assert store.check().ok
