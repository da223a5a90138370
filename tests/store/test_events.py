"""Events: seed topic names, wildcards, published after commit only, replayable."""

from __future__ import annotations

import pytest

from reyna_desktop.models import Event
from reyna_desktop.store import Store
from reyna_desktop.store.events import topic_matches


@pytest.mark.parametrize(
    ("pattern", "topic", "expected"),
    [
        ("blob.created.*", "blob.created.text-input-v1", True),
        ("blob.created.*", "blob.updated.text-input-v1", False),
        ("bucket.>", "bucket.blob.added", True),
        ("bucket.*", "bucket.blob.added", False),
        ("bucket.created", "bucket.created", True),
        ("*.created.*", "blob.created.message-v1", True),
    ],
)
def test_wildcards(pattern: str, topic: str, expected: bool) -> None:
    assert topic_matches(pattern, topic) is expected


def test_seed_topics_are_published_after_commit(store: Store) -> None:
    seen: list[Event] = []
    store.bus.subscribe(">", seen.append)
    book = store.buckets.create("Book", "book")
    blob = store.blobs.create({"content": "x"}, bucket_ids=[book.id])
    store.blobs.update_text(blob.id, "y")
    store.buckets.update(book.id, metadata={"genre": "sci-fi"}, merge_metadata=True)
    store.blobs.unlink(store.blobs.link(blob.id, store.buckets.create("N", "research").id).id, book.id)
    store.buckets.trash(book.id)
    topics = [e.topic for e in seen]
    for expected in [
        "bucket.created",
        "blob.created.text-input-v1",
        "bucket.blob.added",
        "blob.updated.text-input-v1",
        "bucket.updated",
        "bucket.blob.removed",
        "bucket.deleted",
    ]:
        assert expected in topics
    added = next(e for e in seen if e.topic == "bucket.blob.added")
    assert added.payload == {"bucket_id": book.id, "blob_id": blob.id, "blob_count": 1}
    updated = next(e for e in seen if e.topic == "bucket.updated")
    assert updated.payload["changes"] == ["metadata"]


def test_nothing_is_published_when_the_transaction_fails(store: Store) -> None:
    seen: list[Event] = []
    store.bus.subscribe(">", seen.append)
    with pytest.raises(RuntimeError), store.transaction():
        store.buckets.create("Doomed", "book")
        raise RuntimeError("boom")
    assert seen == [] and store.buckets.all() == [] and store.events_since(0) == []


def test_subscriber_sees_committed_state_and_failures_are_isolated(store: Store) -> None:
    names: list[str] = []

    def broken(event: Event) -> None:
        raise ValueError("a buggy subscriber")

    store.bus.subscribe("bucket.created", broken)
    store.bus.subscribe("bucket.created", lambda e: names.append(store.buckets.get(e.payload["bucket_id"]).name))
    store.buckets.create("Visible", "book")
    assert names == ["Visible"]


def test_replay_from_an_event_id(store: Store) -> None:
    store.buckets.create("One", "book")
    mark = store.last_event_id()
    two = store.buckets.create("Two", "book")
    store.blobs.create({"content": "x"}, bucket_ids=[two.id])
    replay = store.events_since(mark)
    assert [e.topic for e in replay] == ["bucket.created", "blob.created.text-input-v1", "bucket.blob.added"]
    assert [e.topic for e in store.events_since(mark, "blob.created.*")] == ["blob.created.text-input-v1"]
    assert all(e.id > mark for e in replay)
