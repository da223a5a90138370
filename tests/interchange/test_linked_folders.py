"""Linked folders: files become blobs, changes versions, deletions 'missing', renames keep blobs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reyna_desktop.interchange.folder_sync import CONFLICT_TAG, MISSING_TAG, LinkedFolders, is_candidate
from reyna_desktop.interchange.folder_watcher import FolderWatcher
from reyna_desktop.store import Store

WAV = (b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00D\xac\x00\x00\x88X\x01\x00\x02\x00\x10\x00"
       b"data\x00\x00\x00\x00")


def _wait(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the watcher")


@pytest.fixture
def linked(store: Store, tmp_path: Path) -> tuple[LinkedFolders, str, Path]:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "intro.md").write_text("# Intro\n\nHello.", encoding="utf-8")
    (folder / "song.cho").write_text("{title: Song}\n[C]La la", encoding="utf-8")
    (folder / "take1.wav").write_bytes(WAV)
    (folder / ".hidden.md").write_text("no")
    (folder / "draft.md~").write_text("no")
    (folder / "readme.xyz").write_text("no")
    bucket = store.buckets.create("Notes", "research")
    links = LinkedFolders(store)
    report = links.link(bucket.id, folder)
    assert sorted(report.created) == ["intro.md", "song.cho", "take1.wav"]
    return links, bucket.id, folder


def test_candidates() -> None:
    assert is_candidate("a/b.md") and is_candidate("x.flac") and is_candidate("y.PNG")
    assert not is_candidate(".git/x.md") and not is_candidate("a.md.swp") and not is_candidate("4913")


Linked = tuple[LinkedFolders, str, Path]


def test_rescan_create_modify_delete_rename_after_restart(store: Store, linked: Linked) -> None:
    links, bucket_id, folder = linked
    files = links.files(bucket_id)
    intro, song, take = files["intro.md"], files["song.cho"], files["take1.wav"]
    assert store.blobs.get(intro).schema_id == "text-input-v1" and store.blobs.get(intro).title == "intro"
    assert store.blobs.data(song)["source"].startswith("{title: Song}")
    assert store.blobs.get(take).schema_id == "audio-v1" and store.blobs.content(take) == WAV
    assert links.rescan().changed is False  # nothing changed: nothing done

    # "While the app is closed": modify, delete, rename, add.
    data_dir = store.data_dir
    store.close()
    (folder / "intro.md").write_text("# Intro\n\nHello again.", encoding="utf-8")
    (folder / "song.cho").unlink()
    (folder / "sub").mkdir()
    os.rename(folder / "take1.wav", folder / "sub" / "take-final.wav")
    (folder / "sub" / "idea.txt").write_text("an idea")

    with Store.open(data_dir) as again:
        report = LinkedFolders(again).rescan()
        assert report.updated == ["intro.md"]
        assert report.missing == ["song.cho"]
        assert report.renamed == [("take1.wav", "sub/take-final.wav")]
        assert report.created == ["sub/idea.txt"]
        assert again.blobs.data(intro)["content"] == "# Intro\n\nHello again." and again.blobs.get(intro).version == 2
        assert MISSING_TAG in again.blobs.get(song).tags and not again.blobs.get(song).deleted_at
        assert LinkedFolders(again).files(bucket_id)["sub/take-final.wav"] == take  # same blob
        # The file comes back: the tag goes.
        (folder / "song.cho").write_text("{title: Song}\n[C]La la", encoding="utf-8")
        assert LinkedFolders(again).rescan().reappeared == ["song.cho"]
        assert MISSING_TAG not in again.blobs.get(song).tags


def test_conflict_keeps_both(store: Store, linked: tuple[LinkedFolders, str, Path]) -> None:
    links, bucket_id, folder = linked
    intro = links.files(bucket_id)["intro.md"]
    store.blobs.update_text(intro, "edited in the app")
    (folder / "intro.md").write_text("edited on disk", encoding="utf-8")
    report = links.rescan()
    assert report.conflicts == ["intro.md"]
    assert store.blobs.data(intro)["content"] == "edited on disk"
    [copy] = [b for b in store.blobs.in_bucket(bucket_id) if CONFLICT_TAG in b.tags]
    assert store.blobs.data(copy.id)["content"] == "edited in the app" and copy.parent_id == intro
    assert "(app copy)" in copy.title


def test_watcher_follows_create_modify_delete_rename(store: Store, linked: tuple[LinkedFolders, str, Path]) -> None:
    links, bucket_id, folder = linked
    watcher = FolderWatcher(store, debounce_s=0.2)
    watcher.start()
    try:
        (folder / "new.md").write_text("fresh", encoding="utf-8")
        _wait(lambda: "new.md" in links.files(bucket_id))
        new = links.files(bucket_id)["new.md"]

        # An editor saving in several steps (write temp, several writes, rename over): one version.
        tmp = folder / ".new.md.swp"
        tmp.write_text("fresh and")
        tmp.write_text("fresh and more")
        os.replace(tmp, folder / "new.md")
        _wait(lambda: store.blobs.get(new).version == 2)
        assert store.blobs.data(new)["content"] == "fresh and more"
        (folder / "new.md").write_text("fresh and more, then an edit", encoding="utf-8")
        _wait(lambda: store.blobs.get(new).version == 3)  # the next change is the very next version:
        assert [v.version for v in store.blobs.history(new)] == [3, 2, 1]  # none came in between

        os.rename(folder / "new.md", folder / "renamed.md")
        _wait(lambda: "renamed.md" in links.files(bucket_id))
        assert links.files(bucket_id)["renamed.md"] == new and "new.md" not in links.files(bucket_id)
        assert store.blobs.get(new).title == "renamed"

        (folder / "renamed.md").unlink()
        _wait(lambda: MISSING_TAG in store.blobs.get(new).tags)
        assert store.blobs.get(new).deleted_at is None

        (folder / "intro.md").write_text("a change", encoding="utf-8")  # the latency: bench/safety_bench.py
        intro = links.files(bucket_id)["intro.md"]
        _wait(lambda: store.blobs.data(intro)["content"] == "a change")
    finally:
        watcher.stop()


def test_cli_link_rescan_watch_unlink(store: Store, tmp_path: Path) -> None:
    import json
    import signal
    import subprocess
    import sys

    from reyna_desktop.cli import main

    folder = tmp_path / "bounces"
    folder.mkdir()
    (folder / "mix.wav").write_bytes(WAV)
    bucket = store.buckets.create("Track", "track" if store.schemas.has("bucket-track-v1") else "folder")
    data_dir = str(store.data_dir)
    assert main(["--data-dir", data_dir, "link", bucket.id, str(folder)]) == 0
    assert main(["--data-dir", data_dir, "rescan"]) == 0
    env = {**os.environ, "REYNA_DATA_DIR": data_dir}
    child = subprocess.Popen([sys.executable, "-m", "reyna_desktop.cli", "watch"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        while "watching" not in child.stdout.readline():
            pass
        (folder / "mix2.wav").write_bytes(WAV + b"\0\0")
        _wait(lambda: "mix2.wav" in LinkedFolders(store).files(bucket.id))
        # The watcher holds the instance lock: a second one (or the app) is told so.
        second = subprocess.run([sys.executable, "-m", "reyna_desktop.cli", "watch"], env=env, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 1 and "in use by reyna watch" in second.stderr
    finally:
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=20) == 0
    out = subprocess.run([sys.executable, "-m", "reyna_desktop.cli", "--json", "links"], env=env,
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)[0]["folder"] == str(folder.resolve())
    assert main(["--data-dir", data_dir, "unlink", bucket.id]) == 0
    assert LinkedFolders(store).links() == []
    assert len(store.blobs.in_bucket(bucket.id)) == 2
