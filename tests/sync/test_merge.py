"""Two or three devices: what concurrent changes merge into, on every device."""

from __future__ import annotations

import queue
from pathlib import Path

from reyna_desktop.store.sync_state import BLOB, BUCKET
from reyna_desktop.sync.background import BackgroundSync, Exchange
from tests.sync.helpers import open_devices, picture, settle


def test_first_exchange_copies_tree_and_texts(tmp_path: Path) -> None:
    (a, sa), (b, sb) = open_devices(tmp_path, 2)
    book = a.buckets.create("Book")
    chapter = a.buckets.create("Chapter 1", parent_id=book.id)
    a.blobs.create({"content": "The storm came at night."}, bucket_ids=[chapter.id])
    settle([(a, sa), (b, sb)])
    assert [(x.name, x.depth) for x in b.buckets.all()] == [("Book", 0), ("Chapter 1", 1)]
    assert picture(a, sa) == picture(b, sb)


def test_concurrent_edits_to_one_chapter_keep_both(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, _sa), (b, sb) = devices
    chapter = a.buckets.create("Chapter")
    draft = a.blobs.create({"content": "The storm came at night."}, bucket_ids=[chapter.id])
    settle(devices)
    there = sb.state.local_id(BLOB, draft.id)
    assert there is not None
    a.blobs.update(draft.id, {"content": "The great storm came at night."})
    b.blobs.update(there, {"content": "The storm came at night. Nobody slept."})
    settle(devices)
    assert a.blobs.text(draft.id) == b.blobs.text(there) == "The great storm came at night. Nobody slept."
    # The merged state is a version, as a local save is.
    assert next(v.note for v in b.blobs.history(there)) == "merged by sync"


def test_move_under_two_parents_ends_in_one_place_with_an_event(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    left, right, scene = a.buckets.create("Left"), a.buckets.create("Right"), a.buckets.create("Scene")
    settle(devices)
    a.buckets.move(scene.id, left.id)
    b.buckets.move(str(sb.state.local_id(BUCKET, scene.id)), str(sb.state.local_id(BUCKET, right.id)))
    start = {s: s[0].last_event_id() for s in devices}
    settle(devices)
    assert picture(a, sa) == picture(b, sb)
    resolved = [e for s in devices for e in s[0].events_since(start[s], "sync.resolved")]
    assert [e.payload["kind"] for e in resolved] == ["move"]
    assert resolved[0].payload["sync_id"] == scene.id


def test_cycle_from_two_moves_is_broken_the_same_way_everywhere(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    one, two = a.buckets.create("One"), a.buckets.create("Two")
    settle(devices)
    a.buckets.move(one.id, two.id)
    b.buckets.move(str(sb.state.local_id(BUCKET, two.id)), str(sb.state.local_id(BUCKET, one.id)))
    settle(devices)
    assert picture(a, sa) == picture(b, sb)
    parents = {sid: parent for sid, (_, parent, _) in picture(a, sa)["buckets"].items()}
    assert parents[min(one.id, two.id)] is None  # the cycle's smallest id goes to the top
    assert parents[max(one.id, two.id)] == min(one.id, two.id)
    kinds = [e.payload["kind"] for s, _ in devices for e in s.events_since(0, "sync.resolved")]
    assert "cycle" in kinds


def test_edit_on_one_device_brings_back_a_chapter_deleted_on_the_other(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    part = a.buckets.create("Part")
    chapter = a.buckets.create("Chapter", parent_id=part.id)
    draft = a.blobs.create({"content": "First words."}, bucket_ids=[chapter.id])
    settle(devices)
    a.buckets.trash(part.id)
    b.blobs.update(str(sb.state.local_id(BLOB, draft.id)), {"content": "First words, and more."})
    settle(devices)
    assert a.buckets.get(chapter.id).deleted_at is None
    assert a.buckets.get(part.id).deleted_at is None
    assert a.blobs.text(draft.id) == "First words, and more."
    assert picture(a, sa) == picture(b, sb)
    assert "edit-revives" in [e.payload["kind"] for e in a.events_since(0, "sync.resolved")]


def test_delete_without_a_concurrent_edit_stays_deleted(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, _sa), (b, sb) = devices
    chapter = a.buckets.create("Chapter")
    a.blobs.create({"content": "Gone soon."}, bucket_ids=[chapter.id])
    settle(devices)
    b.buckets.trash(str(sb.state.local_id(BUCKET, chapter.id)))
    settle(devices)
    assert a.buckets.get(chapter.id).deleted_at is not None
    a.buckets.restore(chapter.id)
    settle(devices)
    assert b.buckets.get(str(sb.state.local_id(BUCKET, chapter.id))).deleted_at is None


def test_purge_reaches_every_device_with_the_subtree(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    part = a.buckets.create("Part")
    chapter = a.buckets.create("Chapter", parent_id=part.id)
    a.blobs.create({"content": "Only here."}, bucket_ids=[chapter.id])
    keep = a.buckets.create("Keep")
    settle(devices)
    assert len(b.buckets.all()) == 3
    a.buckets.trash(part.id)
    a.buckets.purge(part.id)
    settle(devices)
    assert [x.name for x in b.buckets.all(include_deleted=True)] == ["Keep"]
    assert sb.state.all_blob_ids() == []
    assert picture(a, sa) == picture(b, sb) and keep.id in picture(a, sa)["buckets"]


def test_background_sync_exchanges_at_start_and_when_poked(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    a.buckets.create("Written on A")
    sa.now()
    done: queue.Queue[Exchange] = queue.Queue()
    loop = BackgroundSync(sb, done.put, interval_s=3600)
    loop.start()
    try:
        first = done.get(timeout=60)
        assert first.error is None and first.result is not None and first.result["received_files"] == 1
        assert [x.name for x in b.buckets.all()] == ["Written on A"]
        sa.folder.root.joinpath("reyna-sync.json").unlink()  # the shared drive went away
        loop.poke()
        second = done.get(timeout=60)
        assert second.result is None and second.error is not None and "not a Reyna sync folder" in second.error
    finally:
        loop.stop()
