"""Backups: consistent snapshots of the store, rotated, and restored without losing anything.

A backup is a folder `reyna-backup-YYYYMMDD-HHMMSS-ffffff/` holding
  reyna.sqlite3   a copy made with SQLite's online backup API (one consistent point in time,
                  taken while the app keeps writing),
  content/        every content file that copy references, hash-checked as it is copied
                  (hard-linked to the previous backup's identical file when possible: content
                  files never change, so backups after the first cost only what changed),
  manifest.json   when, why, the last event id, the files and their sizes.
It is assembled in a hidden temp folder and renamed into place, so a backup folder that exists is
complete. Restoring puts the current store aside (never deletes it).

    scheduler = BackupScheduler(store, settings.backup)
    timer: scheduler.maybe_backup()        # every minute or so; backs up only when due and changed
    on close: scheduler.backup_on_close()
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reyna_desktop import __version__
from reyna_desktop.atomic import atomic_write, fsync_dir
from reyna_desktop.errors import ReynaError, StoreLocked, storage_error
from reyna_desktop.safety.instance import InstanceLock
from reyna_desktop.settings import BackupSettings
from reyna_desktop.store.core import DB_NAME
from reyna_desktop.store.db_files import integrity, referenced_digests, snapshot_db

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

log = logging.getLogger(__name__)

PREFIX = "reyna-backup-"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


@dataclass
class BackupInfo:
    path: Path
    created_at: datetime  # UTC
    reason: str = ""
    last_event_id: int = 0
    files: int = 0
    size: int = 0  # bytes of the database plus content files
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.path.name

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "created_at": self.created_at.isoformat(), "reason": self.reason,
                "last_event_id": self.last_event_id, "files": self.files, "size": self.size,
                "seconds": round(self.seconds, 3)}


def default_folder(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def backup_folder(store: StoreCore, settings: BackupSettings | None = None) -> Path:
    chosen = settings.folder if settings is not None else ""
    return Path(chosen).expanduser() if chosen else default_folder(store.data_dir)


# -- making a backup -------------------------------------------------------------------------


def create_backup(store: StoreCore, folder: Path | None = None, *, reason: str = "manual") -> BackupInfo:
    """Snapshot the store into a new folder under `folder` (default: <data dir>/backups)."""
    folder = Path(folder) if folder is not None else default_folder(store.data_dir)
    started = time.perf_counter()
    stamp = datetime.now(UTC)
    name = PREFIX + stamp.strftime("%Y%m%d-%H%M%S-%f")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        work = folder / f".tmp-{name}"
        work.mkdir(mode=0o700)
    except OSError as exc:
        raise _disk_error(exc, folder, "cannot create the backup folder") from exc
    try:
        db_copy = work / DB_NAME
        last_event_id = snapshot_db(store.db_path, db_copy)
        previous = latest_backup(folder)
        files, size = _copy_content(store, db_copy, work / "content", previous.path if previous else None)
        size += db_copy.stat().st_size
        manifest = {
            "format": 1, "app_version": __version__, "created_at": stamp.isoformat(), "reason": reason,
            "last_event_id": last_event_id, "source": str(store.data_dir), "db_sha256": _sha256_file(db_copy),
            "files": files, "size": size,
        }
        atomic_write(work / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
        final = folder / name
        os.replace(work, final)
        fsync_dir(folder)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError | sqlite3.OperationalError):
            raise _disk_error(exc, folder, "the backup failed") from exc
        raise
    return BackupInfo(final, stamp, reason, last_event_id, len(files), size, time.perf_counter() - started)


def _disk_error(exc: BaseException, where: Path, what: str) -> ReynaError:
    clear = storage_error(exc, where)
    if clear is not None:
        return clear
    return ReynaError(f"{what} in {where}: {getattr(exc, 'strerror', None) or exc}")


def _shard(root: Path, digest: str) -> Path:
    return root / digest[:2] / digest[2:4] / digest


def _copy_content(store: StoreCore, db_copy: Path, target: Path, previous: Path | None) -> tuple[dict[str, int], int]:
    files: dict[str, int] = {}
    total = 0
    target.mkdir(mode=0o700)
    for digest in referenced_digests(db_copy):
        dest = _shard(target, digest)
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        reused = previous is not None and _link_previous(_shard(previous / "content", digest), dest)
        if not reused:
            source = store.content.path_for(digest)
            if not source.is_file():
                raise ReynaError(f"content file {digest[:12]}… referenced by the store is missing; run `reyna check`")
            if _copy_hashed(source, dest) != digest:
                dest.unlink(missing_ok=True)
                raise ReynaError(f"content file {source} does not match its sha256; run `reyna check`")
        size = dest.stat().st_size
        files[digest] = size
        total += size
    return files, total


def _link_previous(candidate: Path, dest: Path) -> bool:
    """Hard-link an identical file from the previous backup (same size and name = same sha256)."""
    if not candidate.is_file():
        return False
    try:
        os.link(candidate, dest)
    except OSError:
        return False
    return True


def _copy_hashed(source: Path, dest: Path) -> str:
    hasher = hashlib.sha256()
    with open(source, "rb") as src, open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            hasher.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(dest, 0o600)
    return hasher.hexdigest()


def _sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


# -- listing and rotating ----------------------------------------------------------------------


def read_backup(path: Path) -> BackupInfo:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        return BackupInfo(
            path=path, created_at=datetime.fromisoformat(manifest["created_at"]), reason=manifest.get("reason", ""),
            last_event_id=int(manifest.get("last_event_id", 0)), files=len(manifest.get("files", {})),
            size=int(manifest.get("size", 0)),
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ReynaError(f"{path} is not a Reyna backup (no readable {MANIFEST}: {exc})") from exc


def list_backups(folder: Path) -> list[BackupInfo]:
    """The complete backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    out = []
    for entry in folder.iterdir():
        if entry.name.startswith(PREFIX) and (entry / MANIFEST).is_file():
            try:
                out.append(read_backup(entry))
            except ReynaError:
                log.warning("skipping unreadable backup %s", entry)
    return sorted(out, key=lambda b: b.created_at)


def latest_backup(folder: Path) -> BackupInfo | None:
    backups = list_backups(folder)
    return backups[-1] if backups else None


def backups_to_keep(backups: list[BackupInfo], keep_last: int, keep_daily: int, keep_weekly: int) -> set[Path]:
    """The newest `keep_last`, plus the newest of each of the last `keep_daily` days and
    `keep_weekly` ISO weeks that have a backup."""
    newest_first = sorted(backups, key=lambda b: b.created_at, reverse=True)
    keep = {b.path for b in newest_first[:keep_last]}
    for key_of, count in ((lambda d: d.date(), keep_daily), (lambda d: d.isocalendar()[:2], keep_weekly)):
        seen: list[object] = []
        for backup in newest_first:
            key = key_of(backup.created_at.astimezone())
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(backup.path)
    return keep


def rotate(folder: Path, keep_last: int, keep_daily: int = 0, keep_weekly: int = 0) -> list[Path]:
    """Delete the backups the policy does not keep; returns what was deleted."""
    backups = list_backups(folder)
    keep = backups_to_keep(backups, keep_last, keep_daily, keep_weekly)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            shutil.rmtree(backup.path, ignore_errors=True)
            removed.append(backup.path)
    for leftover in folder.glob(f".tmp-{PREFIX}*"):  # a backup a crash interrupted
        if time.time() - leftover.stat().st_mtime > 3600:
            shutil.rmtree(leftover, ignore_errors=True)
    return removed


# -- checking and restoring --------------------------------------------------------------------


def verify_backup(path: Path) -> BackupInfo:
    """Check a backup before trusting it: manifest, SQLite integrity, every content file's hash."""
    info = read_backup(path)
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    db_file = path / DB_NAME
    if not db_file.is_file():
        raise ReynaError(f"backup {path} has no {DB_NAME}")
    if _sha256_file(db_file) != manifest.get("db_sha256"):
        raise ReynaError(f"backup {path}: {DB_NAME} does not match the sha256 in its manifest (damaged)")
    result = integrity(db_file)
    if result != ["ok"]:
        raise ReynaError(f"backup {path}: the database fails SQLite's integrity check: {result[:3]}")
    for digest in referenced_digests(db_file):
        file = _shard(path / "content", digest)
        if not file.is_file() or _sha256_file(file) != digest:
            raise ReynaError(f"backup {path}: content file {digest[:12]}… is missing or damaged")
    return info


@dataclass
class RestoreResult:
    restored_from: Path
    data_dir: Path
    set_aside: Path | None  # where the replaced store now lives
    files: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"restored_from": str(self.restored_from), "data_dir": str(self.data_dir),
                "set_aside": str(self.set_aside) if self.set_aside else None, "files": self.files}


def restore_backup(backup: Path, data_dir: Path, *, force: bool = False) -> RestoreResult:
    """Make `backup` the store in `data_dir`. The store there (if any) is moved to
    `<data dir>/replaced-<time>/`, never deleted. Refused while Reyna has the store open, and
    when a store exists and `force` is not given."""
    backup, data_dir = Path(backup), Path(data_dir)
    info = verify_backup(backup)
    lock = InstanceLock(data_dir, purpose="reyna restore")
    if not lock.acquire():
        raise StoreLocked(f"cannot restore into {data_dir}: the store is open in {lock.holder()}; close it first")
    try:
        existing = data_dir / DB_NAME
        if existing.exists() and not force:
            raise ReynaError(
                f"{data_dir} already holds a store; pass --force to replace it "
                "(the current store is kept aside in a replaced-<time> folder, not deleted)"
            )
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        staging = data_dir / f".restore-{stamp}"
        staging.mkdir(mode=0o700)
        try:
            shutil.copy2(backup / DB_NAME, staging / DB_NAME)
            with open(staging / DB_NAME, "rb+") as stream:
                os.fsync(stream.fileno())
            shutil.copytree(backup / "content", staging / "content", copy_function=shutil.copy2)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _disk_error(exc, data_dir, "the restore failed (the current store was not touched)") from exc
            raise
        aside: Path | None = None
        movable = [p for p in (existing, data_dir / f"{DB_NAME}-wal", data_dir / f"{DB_NAME}-shm",
                               data_dir / "content") if p.exists()]
        if movable:
            aside = data_dir / f"replaced-{stamp}"
            aside.mkdir(mode=0o700)
            for item in movable:
                os.replace(item, aside / item.name)
        os.replace(staging / DB_NAME, existing)
        os.replace(staging / "content", data_dir / "content")
        staging.rmdir()
        fsync_dir(data_dir)
        return RestoreResult(backup, data_dir, aside, info.files)
    finally:
        lock.release()


# -- the scheduler the app drives --------------------------------------------------------------


class BackupScheduler:
    """Backs up when due (every `every_minutes`) and only if the store changed since the last
    backup (tracked by the last event id), then rotates. Safe to call from any thread.

    The GUI calls `maybe_backup()` from a timer (say once a minute; run it off the GUI thread for
    big stores) and `backup_on_close()` when the window closes. `on_backup` is told of each one.
    """

    def __init__(
        self,
        store: StoreCore,
        settings: BackupSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_backup: Callable[[BackupInfo], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or BackupSettings.model_validate({})
        self.clock = clock
        self.on_backup = on_backup
        self._lock = threading.Lock()
        latest = latest_backup(self.folder)
        self.last_event_id = latest.last_event_id if latest else -1
        self._last_at: float | None = None if latest is None else clock() - _age_seconds(latest)
        self.last_error: str | None = None

    @property
    def folder(self) -> Path:
        return backup_folder(self.store, self.settings)

    def changed(self) -> bool:
        return self.store.last_event_id() != self.last_event_id

    def due(self) -> bool:
        if self._last_at is None:
            return True
        return self.clock() - self._last_at >= self.settings.every_minutes * 60

    def maybe_backup(self) -> BackupInfo | None:
        """Back up if due and something changed; None when nothing was done."""
        if not (self.due() and self.changed()):
            return None
        return self.backup_now(reason="scheduled")

    def backup_on_close(self) -> BackupInfo | None:
        if not self.changed():
            return None
        return self.backup_now(reason="on close")

    def backup_now(self, reason: str = "manual") -> BackupInfo:
        with self._lock:
            try:
                info = create_backup(self.store, self.folder, reason=reason)
            except ReynaError as exc:
                self.last_error = str(exc)
                raise
            self.last_error = None
            self.last_event_id = info.last_event_id
            self._last_at = self.clock()
            rotate(self.folder, self.settings.keep_last, self.settings.keep_daily, self.settings.keep_weekly)
        if self.on_backup is not None:
            self.on_backup(info)
        return info


def _age_seconds(info: BackupInfo) -> float:
    return max(0.0, (datetime.now(UTC) - info.created_at).total_seconds())
