"""sqlite3 errors never escape a store call: each becomes a ReynaError a person can act on,
and the CLI exits 1 for the environment (busy, damaged, full) and 2 for bad input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reyna_desktop.cli import main
from reyna_desktop.errors import EnvironmentProblem, NotFound, StoreBusy, StoreDamaged
from reyna_desktop.store import Store
from reyna_desktop.store.core import DB_NAME


def test_a_store_held_by_another_writer_is_reported_busy(private_dirs: Path) -> None:
    with Store.open(private_dirs, busy_timeout_s=0.05) as store:
        bucket = store.buckets.create("Held", "chapter")
        other = sqlite3.connect(private_dirs / DB_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreBusy, match=r"busy.*nothing was changed"):
                store.blobs.create({"content": "waiting"}, bucket_ids=[bucket.id])
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.blobs.in_bucket(bucket.id) == []  # the refused save left nothing behind
        store.blobs.create({"content": "now it goes"}, bucket_ids=[bucket.id])


def test_a_damaged_store_file_is_an_environment_problem(private_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    private_dirs.mkdir(parents=True)
    (private_dirs / DB_NAME).write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(StoreDamaged, match="not a Reyna store, or damaged"):
        Store.open(private_dirs)
    assert main(["--data-dir", str(private_dirs), "bucket", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("reyna: error: ") and err.count("\n") == 1


def test_bad_input_still_exits_2(private_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(private_dirs), "blob", "show", "bl_nothing"]) == 2
    assert "no blob with id 'bl_nothing'" in capsys.readouterr().err
    assert not issubclass(NotFound, EnvironmentProblem)
