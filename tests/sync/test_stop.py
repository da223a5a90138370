"""Stopping sync, joining another folder, device names, and a folder that cannot be written."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from reyna_desktop.errors import ReynaError
from reyna_desktop.store import Store
from reyna_desktop.sync import Sync
from tests.sync.helpers import open_devices, picture, settle


def test_stop_then_the_same_folder_goes_on_and_another_starts_afresh(tmp_path: Path) -> None:
    (a, sa), (b, sb) = open_devices(tmp_path, 2)
    a.buckets.create("Book")
    b.buckets.create("Notes")
    settle([(a, sa), (b, sb)])
    Sync.stop(a)
    assert not Sync.configured(a)
    with pytest.raises(ReynaError, match="sync init"):
        Sync(a)
    a.buckets.create("Written while not syncing")
    again = Sync.init(a, tmp_path / "shared")
    assert again.status()["devices"][0]["read_up_to"] == 1  # progress kept in the same folder
    settle([(a, again), (b, sb)])
    assert picture(a, again) == picture(b, sb)
    # Both move to a new folder: it holds nothing yet, so each sends its whole document.
    for store in (a, b):
        Sync.stop(store)
    moved_a, moved_b = Sync.init(a, tmp_path / "other"), Sync.init(b, tmp_path / "other")
    assert moved_a.status()["devices"][0]["read_up_to"] == 0
    b.buckets.create("Only in the new folder")
    settle([(a, moved_a), (b, moved_b)])
    assert picture(a, moved_a) == picture(b, moved_b)
    assert {x.name for x in a.buckets.all()} == {"Book", "Notes", "Written while not syncing",
                                                  "Only in the new folder"}
    for store in (a, b):
        store.close()


def test_status_names_the_devices(tmp_path: Path) -> None:
    (a, sa), (b, _) = open_devices(tmp_path, 2)
    status = sa.status()
    assert status["device_name"] == socket.gethostname()
    assert [d["name"] for d in status["devices"]] == [socket.gethostname()]
    a.close()
    b.close()


def test_a_folder_that_cannot_be_written_is_a_plain_error(tmp_path: Path) -> None:
    # (chmod does not stop root, who runs these tests in CI: a file where a folder must be does)
    store = Store.open(tmp_path / "device")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ReynaError, match="cannot sync through this folder"):
        Sync.init(store, tmp_path / "a-file" / "shared")
    sync = Sync.init(store, tmp_path / "shared")
    store.buckets.create("Book")
    for path in sync.folder.own_dir.iterdir():
        path.unlink()
    sync.folder.own_dir.rmdir()
    sync.folder.own_dir.write_text("in the way")
    with pytest.raises(ReynaError, match="cannot use the sync folder"):
        sync.now()
    store.close()
