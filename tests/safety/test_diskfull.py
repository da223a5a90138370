"""Full and read-only disks: saving fails with a clear message, the text stays in the journal,
and the store is intact afterwards. Uses a small tmpfs (needs root to mount; skipped otherwise)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reyna_desktop.errors import StorageUnavailable
from reyna_desktop.safety.journal import Journal
from reyna_desktop.store import Store


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the disk to the last byte (unbuffered writes, smaller and smaller)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def _ok_after(data_dir: Path, blob_id: str, expected: str) -> None:
    with Store.open(data_dir) as again:
        assert again.check().ok
        assert again.blobs.data(blob_id)["content"] == expected
        assert again.blobs.get(blob_id).version == 1


def test_save_on_full_disk_fails_clearly_and_keeps_everything(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    store = Store.open(data_dir)
    blob = store.blobs.create({"content": "saved before"})
    journal = Journal(data_dir)
    typed = "typed while the disk filled up " * 4000  # ~120 KB
    journal.record(blob.id, typed)
    filler = _fill(small_disk)
    with pytest.raises(StorageUnavailable, match="disk is full") as caught:
        store.blobs.update_text(blob.id, typed)
    assert str(data_dir) in str(caught.value) and "nothing was changed" in str(caught.value)
    big = "x" * 300_000  # above the inline limit: goes to the content directory first
    with pytest.raises(StorageUnavailable, match="disk is full"):
        store.blobs.update_text(blob.id, big)
    assert store.blobs.data(blob.id)["content"] == "saved before"  # the same connection still reads
    store.close()
    filler.unlink()
    _ok_after(data_dir, blob.id, "saved before")
    with Store.open(data_dir) as again:
        [entry] = journal.pending(again)
        assert entry.text == typed
        journal.recover(again, entry)
        assert again.blobs.data(blob.id)["content"] == typed


def test_save_on_read_only_database_fails_clearly(store: Store) -> None:
    """A disk that turned read-only under the app: SQLite says 'attempt to write a readonly
    database'; the store reports it clearly. (Simulated with a read-only connection: a tmpfs
    cannot be remounted read-only while the store has files open for writing.)"""
    from reyna_desktop.store import db

    blob = store.blobs.create({"content": "saved before"})
    store._local.conn = db.connect(store.db_path, readonly=True)
    with pytest.raises(StorageUnavailable, match="read-only") as caught:
        store.blobs.update_text(blob.id, "typed on a read-only disk")
    assert str(store.data_dir) in str(caught.value)
    store.close()
    _ok_after(store.data_dir, blob.id, "saved before")


FSIZE_CHILD = r"""
import json, os, resource, signal, sys
from reyna_desktop.errors import StorageUnavailable
from reyna_desktop.store import Store

data_dir, blob_id = sys.argv[1], sys.argv[2]
store = Store.open(data_dir)
biggest = max(f.stat().st_size for f in store.data_dir.rglob("*") if f.is_file())
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
limit = biggest + 16 * 1024
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
results = []
for text in ("typed past the file-size limit " * 7000, "y" * 300_000):  # ~200 KB inline; 300 KB to a file
    try:
        store.blobs.update_text(blob_id, text)
        results.append("saved")
    except StorageUnavailable as exc:
        results.append(str(exc))
print(json.dumps(results))
"""


def test_save_past_a_file_size_limit_fails_clearly(store: Store) -> None:
    """What a full disk does to the writes, on any machine: a child process under RLIMIT_FSIZE
    (no tmpfs needed) saves a text that needs a bigger WAL, then one that needs a new content
    file; both are refused with a clear message and the store is intact afterwards."""
    import json
    import sys

    blob = store.blobs.create({"content": "saved before"})
    store.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.run([sys.executable, "-c", FSIZE_CHILD, str(store.data_dir), blob.id], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    results = json.loads(child.stdout)
    assert len(results) == 2
    for message in results:
        assert "cannot save to" in message and "nothing was changed in the store" in message, message
    _ok_after(store.data_dir, blob.id, "saved before")
