"""The shared folder as a sync service leaves it: torn files, conflict copies, late content."""

from __future__ import annotations

from pathlib import Path

import pytest

from reyna_desktop.errors import ReynaError
from reyna_desktop.store.sync_state import BLOB
from reyna_desktop.sync import Sync
from tests.sync.helpers import open_devices, picture, settle

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (600).to_bytes(4, "big") + (900).to_bytes(4, "big") + b"rest"


def test_torn_update_file_waits_until_complete(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    a.buckets.create("Book")
    assert sa.now()["sent_update"] == 1
    update = sa.folder.files(sa.device_id)[0].path
    whole = update.read_bytes()
    update.write_bytes(whole[: len(whole) // 2])  # a sync service still copying it
    assert sb.now()["received_files"] == 0
    assert b.buckets.all() == []
    assert sb.status()["devices"][0]["waiting_files"] == 1
    update.write_bytes(whole)
    assert sb.now()["received_files"] == 1
    assert [x.name for x in b.buckets.all()] == ["Book"]


def test_conflict_copies_and_stray_files_are_ignored(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    a.buckets.create("Book")
    sa.now()
    own = sa.folder.own_dir
    original = own / "u-0000000001.yupd"
    (own / "u-0000000001.sync-conflict-20261122-101010-ABCDEFG.yupd").write_bytes(original.read_bytes())
    (own / "u-0000000002.sync-conflict-20261122-101010-ABCDEFG.yupd").write_bytes(b"garbage")
    (own / ".syncthing.u-0000000003.yupd.tmp").write_bytes(b"half")
    (own / "u-0000000002.yupd").write_bytes(b"REYNASYNC1\n" + b"\x00" * 10)  # damaged, same name
    result = sb.now()
    assert result["received_files"] == 1
    assert [x.name for x in b.buckets.all()] == ["Book"]
    assert sb.now()["received_files"] == 0  # the damaged file is retried, never crashes


def test_device_offline_for_1000_edits_catches_up(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    chapter = a.buckets.create("Chapter")
    draft = a.blobs.create({"content": "Start."}, bucket_ids=[chapter.id])
    settle(devices)
    text = "Start."
    for edit in range(1000):
        if edit % 100 == 99:
            a.buckets.rename(chapter.id, f"Chapter (pass {edit // 100})")
        else:
            text = text + f" w{edit}" if edit % 7 else text[: len(text) // 2] + f" cut{edit}"
            a.blobs.update(draft.id, {"content": text})
        if edit % 10 == 9:
            sa.now()
    result = sb.now()
    assert result["received_files"] == 100
    there = str(sb.state.local_id(BLOB, draft.id))
    assert b.blobs.text(there) == text
    assert b.buckets.get(b.blobs.get(there).bucket_ids[0]).name == "Chapter (pass 9)"
    assert picture(a, sa) == picture(b, sb)


def test_binary_content_travels_once_and_is_verified(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    chapter = a.buckets.create("Chapter")
    cover = a.blobs.create(None, schema_id="image-v1", bucket_ids=[chapter.id], content=PNG, filename="cover.png")
    a.blobs.create(None, schema_id="image-v1", bucket_ids=[chapter.id], content=PNG, filename="again.png")
    sa.now()
    shared = sorted(p.name for p in (sa.folder.root / "content").iterdir())
    assert shared == [cover.content_hash]  # two blobs, one file
    shared_file = sa.folder.root / "content" / cover.content_hash
    shared_file.write_bytes(PNG[:10])  # arrives damaged or half-copied
    result = sb.now()
    assert result["pending_blobs"] == 2 and sb.status()["pending_blobs"] == 2
    assert b.blobs.trashed() == [] and sb.state.local_id(BLOB, cover.id) is None
    shared_file.write_bytes(PNG)
    sb.now()
    there = str(sb.state.local_id(BLOB, cover.id))
    assert b.blobs.content(there) == PNG
    assert b.blobs.get(there).content_hash == cover.content_hash
    assert b.blobs.data(there)["width"] == 600
    assert sb.status()["pending_blobs"] == 0
    assert picture(a, sa) == picture(b, sb)


def test_compaction_replaces_the_log_with_a_snapshot_that_new_devices_read(tmp_path: Path) -> None:
    devices = open_devices(tmp_path, 2)
    (a, sa), (b, sb) = devices
    chapter = a.buckets.create("Chapter")
    draft = a.blobs.create({"content": "One."}, bucket_ids=[chapter.id])
    for word in ("two", "three", "four", "five"):
        a.blobs.update(draft.id, {"content": f"{a.blobs.text(draft.id)} {word}."})
        sa.now()
    sb.now()
    a.blobs.update(draft.id, {"content": "Rewritten."})
    report = sa.compact()
    assert report["files_removed"] >= 5
    files = sa.folder.files(sa.device_id)
    assert [f.is_snapshot for f in files] == [True]
    assert report["bytes_after"] == files[0].path.stat().st_size
    ((c, sc),) = [(s, y) for s, y in open_devices(tmp_path, 3)[2:]]
    sb.now()
    sc.now()
    for store, sync in ((b, sb), (c, sc)):
        assert store.blobs.text(str(sync.state.local_id(BLOB, draft.id))) == "Rewritten."
    assert picture(a, sa) == picture(b, sb) == picture(c, sc)


def test_sync_folder_must_not_be_a_store_and_must_be_set_up(tmp_path: Path) -> None:
    ((a, _),) = open_devices(tmp_path, 1)
    with pytest.raises(ReynaError, match="live store"):
        Sync.init(a, a.data_dir)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ReynaError, match="not empty"):
        Sync.init(a, tmp_path / "other")
    (tmp_path / "shared" / "reyna-sync.json").unlink()
    with pytest.raises(ReynaError, match="not a Reyna sync folder"):
        Sync(a).now()
