"""Backups: consistent snapshot with content files, rotation, scheduler, restore end to end."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reyna_desktop.errors import ReynaError, StoreLocked
from reyna_desktop.safety.backup import (
    BackupInfo,
    BackupScheduler,
    backups_to_keep,
    create_backup,
    list_backups,
    restore_backup,
    verify_backup,
)
from reyna_desktop.safety.instance import InstanceLock
from reyna_desktop.settings import BackupSettings
from reyna_desktop.store import Store

WAV = (b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00D\xac\x00\x00\x88X\x01\x00\x02\x00\x10\x00"
       b"data\x00\x00\x00\x00")


def _fill(store: Store, tmp: Path) -> dict[str, str]:
    book = store.templates.instantiate("book", "Backup Book")
    texts = {}
    for i in range(5):
        blob = store.blobs.create({"content": f"Chapter text {i} " * 50}, bucket_ids=[book.id])
        texts[blob.id] = store.blobs.data(blob.id)["content"]
    big = store.blobs.create({"content": "long " * 80_000}, bucket_ids=[book.id])  # > inline: a content file
    texts[big.id] = store.blobs.data(big.id)["content"]
    wav = tmp / "take.wav"
    wav.write_bytes(WAV)
    store.blobs.create(schema_id="audio-v1", file=wav, bucket_ids=[book.id])
    return texts


def _tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.parent.name != "tmp"}


def test_backup_and_restore_round_trip_with_content_files(store: Store, tmp_path: Path) -> None:
    texts = _fill(store, tmp_path)
    content_before = _tree_hashes(store.content.root)
    assert len(content_before) == 2
    info = create_backup(store, tmp_path / "backups", reason="test")
    assert info.files == 2 and info.last_event_id == store.last_event_id()
    assert verify_backup(info.path).files == 2
    # Every content file in the backup is byte-identical (hash-checked) to the store's.
    assert _tree_hashes(info.path / "content") == content_before
    for name, digest in _tree_hashes(info.path / "content").items():
        assert Path(name).name == digest

    # Damage the store after the backup: edit a text, delete a content file.
    first = next(iter(texts))
    store.blobs.update_text(first, "changed after the backup")
    data_dir = store.data_dir
    store.close()
    next(p for p in (data_dir / "content").rglob("*") if p.is_file() and p.parent.name != "tmp").unlink()

    with pytest.raises(ReynaError, match="--force"):
        restore_backup(info.path, data_dir)
    result = restore_backup(info.path, data_dir, force=True)
    assert result.set_aside is not None and (result.set_aside / "reyna.sqlite3").is_file()

    with Store.open(data_dir) as restored:
        assert restored.check().ok
        for blob_id, text in texts.items():
            assert restored.blobs.data(blob_id)["content"] == text
        audio = restored.blobs.in_bucket(restored.buckets.roots()[0].id, schema_ids=["audio-v1"])[0]
        assert restored.blobs.content(audio.id) == WAV
    assert _tree_hashes(data_dir / "content") == content_before
    # The replaced store is kept aside, with the edit made after the backup.
    with Store.open(result.set_aside) as aside:
        assert aside.blobs.data(first)["content"] == "changed after the backup"


def test_restore_is_refused_while_the_app_holds_the_lock(store: Store, tmp_path: Path) -> None:
    info = create_backup(store, tmp_path / "b")
    with InstanceLock(store.data_dir), pytest.raises(StoreLocked, match=f"pid {os.getpid()}"):
        restore_backup(info.path, store.data_dir, force=True)


def test_second_backup_hardlinks_unchanged_content(store: Store, tmp_path: Path) -> None:
    _fill(store, tmp_path)
    first = create_backup(store, tmp_path / "b")
    store.blobs.create({"content": "one more"})
    second = create_backup(store, tmp_path / "b")
    a = sorted(p for p in (first.path / "content").rglob("*") if p.is_file())
    b = sorted(p for p in (second.path / "content").rglob("*") if p.is_file())
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.stat().st_ino == y.stat().st_ino for x, y in zip(a, b))


def test_rotation_keeps_last_daily_weekly(tmp_path: Path) -> None:
    start = datetime(2024, 3, 31, 12, tzinfo=UTC)
    backups = [BackupInfo(tmp_path / f"b{i}", start - timedelta(hours=6 * i)) for i in range(60)]  # 15 days
    keep = backups_to_keep(backups, keep_last=3, keep_daily=5, keep_weekly=3)
    kept = sorted((b for b in backups if b.path in keep), key=lambda b: b.created_at, reverse=True)
    assert [b.path.name for b in kept[:3]] == ["b0", "b1", "b2"]
    days = {b.created_at.astimezone().date() for b in kept}
    assert len(days) >= 5 and len(kept) <= 3 + 5 + 3


def test_scheduler_backs_up_only_when_due_and_changed(store: Store, tmp_path: Path) -> None:
    clock = [1000.0]
    settings = BackupSettings(folder=str(tmp_path / "auto"), every_minutes=5, keep_last=2, keep_daily=0,
                              keep_weekly=0)
    seen: list[BackupInfo] = []
    scheduler = BackupScheduler(store, settings, clock=lambda: clock[0], on_backup=seen.append)
    store.blobs.create({"content": "a"})
    assert scheduler.maybe_backup() is not None  # first one: due at once
    assert scheduler.maybe_backup() is None  # nothing changed
    store.blobs.create({"content": "b"})
    assert scheduler.maybe_backup() is None  # changed but not due yet
    clock[0] += 301
    assert scheduler.maybe_backup() is not None
    clock[0] += 301
    assert scheduler.maybe_backup() is None  # due but unchanged
    store.blobs.create({"content": "c"})
    assert scheduler.backup_on_close() is not None
    assert scheduler.backup_on_close() is None
    assert len(seen) == 3 and len(list_backups(tmp_path / "auto")) == 2  # rotated to keep_last
    # A new scheduler (next start) knows the last backup covers the store as it is.
    assert not BackupScheduler(store, settings).changed()


def test_cli_backup_and_restore(store: Store, tmp_path: Path) -> None:
    blob = store.blobs.create({"content": "cli text"})
    data_dir = store.data_dir
    store.close()
    env = {**os.environ, "REYNA_DATA_DIR": str(data_dir)}
    run = [sys.executable, "-m", "reyna_desktop.cli"]
    out = subprocess.run([*run, "--json", "backup", "--to", str(tmp_path / "cli")], env=env, capture_output=True,
                         text=True, check=True)
    assert '"files"' in out.stdout
    [backup] = list_backups(tmp_path / "cli")
    refused = subprocess.run([*run, "restore", str(backup.path)], env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "--force" in refused.stderr
    subprocess.run([*run, "restore", str(backup.path), "--force"], env=env, check=True, capture_output=True)
    with Store.open(data_dir) as again:
        assert again.blobs.data(blob.id)["content"] == "cli text"
