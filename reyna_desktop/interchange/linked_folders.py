"""Linked folders: a bucket follows a folder on disk (a DAW's bounce folder, a folder of notes).

What happens to the files (disk -> store; the app never writes into the folder):
  * a new file becomes a blob in the bucket: .md/.txt -> text-input-v1, .cho/.chordpro ->
    chordpro-v1, audio -> audio-v1, images -> image-v1 (bytes in the content directory);
    hidden files, editor temp files (~, .swp, .tmp, .part) and unknown types are ignored;
  * a changed file becomes a new version of its blob;
  * a deleted file is never deleted from the store: its blob gets the tag `missing-on-disk`
    (removed again if the file comes back);
  * a renamed or moved file (inside the folder) keeps its blob: watchdog's move events, and for
    changes made while the app was closed, a new file with the same bytes as a missing one;
  * conflict rule: when a file changed on disk AND its blob was edited in the app since the
    last sync, the disk content becomes the blob's new current version (file and blob agree
    again), and the app's text is kept as a sibling blob in the same buckets, titled
    "<title> (app copy)" and tagged `conflict`; the app's version also stays in the history.

The link table (migration 2) keeps, per file, its blob, last seen sha256/size/mtime and the blob
version it was synced at, so `rescan()` at start-up catches what changed while the app was closed.

    links = LinkedFolders(store)
    links.link(bucket_id, "/music/bounces")        # first scan included
    watcher = FolderWatcher(store); watcher.start() # rescans every link, then follows them
    ...
    watcher.stop()
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdog.events import FileSystemEventHandler

from reyna_desktop.errors import InvalidOperation, NotFound, ReynaError
from reyna_desktop.store.media import schema_for_path
from reyna_desktop.store.text import now

if TYPE_CHECKING:
    import sqlite3

    from reyna_desktop.store import Store

log = logging.getLogger(__name__)

MISSING_TAG = "missing-on-disk"
CONFLICT_TAG = "conflict"
_TEMP_SUFFIXES = (".tmp", ".temp", ".swp", ".swx", ".part", ".crdownload", ".partial", "~", ".kate-swp")
_BINARY = {"audio-v1", "image-v1"}


@dataclass(frozen=True)
class FolderLink:
    bucket_id: str
    folder: Path
    created_at: str
    scanned_at: str | None = None


@dataclass(frozen=True)
class LinkStatus:
    """One link as the window's status line shows it."""

    bucket_id: str
    folder: Path
    scanned_at: str | None
    files: int
    missing: int
    present: bool  # the folder is there (an unplugged drive is not)

    def line(self) -> str:
        scanned = (self.scanned_at or "never")[:16].replace("T", " ")
        where = str(self.folder) if self.present else f"{self.folder} (not there)"
        return f"{where}: {self.files} file(s), {self.missing} missing, last scan {scanned}"


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)  # relative paths
    updated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reappeared: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # with the reason, e.g. "a.md: blob is in the trash"

    def merge(self, other: SyncReport) -> SyncReport:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))
        return self

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__ if name != "skipped")

    def as_dict(self) -> dict[str, Any]:
        return {name: list(getattr(self, name)) for name in self.__dataclass_fields__}


def is_hidden_or_temporary(rel: str) -> bool:
    """A hidden file or folder, or an editor's temporary file: never imported."""
    parts = rel.split("/")
    name = parts[-1]
    return (any(p.startswith(".") for p in parts) or name.endswith(_TEMP_SUFFIXES) or name.startswith("~$")
            or name.isdigit())  # vim's 4913 probe


def is_candidate(rel: str) -> bool:
    """A file the link imports: a known type, not hidden, not an editor's temp file."""
    return not is_hidden_or_temporary(rel) and schema_for_path(Path(rel.split("/")[-1])) is not None


def _hash_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            hasher.update(chunk)
    return hasher.hexdigest()


def read_text_file(path: Path) -> str:
    """A text file as UTF-8 (a BOM dropped), or Latin-1 when it is not UTF-8."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@dataclass
class _Seen:
    rel: str
    path: Path
    size: int
    mtime_ns: int
    digest: str | None = None

    def hash(self) -> str:
        if self.digest is None:
            self.digest = _hash_file(self.path)
        return self.digest


class LinkedFolders:
    """The link table and the sync of one folder into its bucket. Thread-safe (one sync at a time)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sync_lock = threading.RLock()

    # -- the links --------------------------------------------------------------------------

    def links(self) -> list[FolderLink]:
        rows = self.store.query("SELECT * FROM folder_links ORDER BY created_at")
        return [FolderLink(r["bucket_id"], Path(r["folder"]), r["created_at"], r["scanned_at"]) for r in rows]

    def get(self, bucket_id: str) -> FolderLink:
        row = self.store.query_one("SELECT * FROM folder_links WHERE bucket_id = ?", (bucket_id,))
        if row is None:
            raise NotFound("folder link for bucket", bucket_id)
        return FolderLink(row["bucket_id"], Path(row["folder"]), row["created_at"], row["scanned_at"])

    def link(self, bucket_id: str, folder: Path | str) -> SyncReport:
        """Link a bucket to a folder and import what is there now."""
        bucket = self.store.buckets.get(bucket_id)
        if bucket.deleted_at:
            raise InvalidOperation(f"bucket {bucket_id} is in the trash; restore it first")
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise ReynaError(f"{path}: not a folder")
        if path == self.store.data_dir.resolve() or self.store.data_dir.resolve() in path.parents:
            raise InvalidOperation(f"{path} is inside the store's own folder; link a folder outside it")
        for other in self.links():
            if other.bucket_id != bucket_id and (other.folder == path or other.folder in path.parents
                                                 or path in other.folder.parents):
                raise InvalidOperation(f"{path} overlaps {other.folder}, already linked to bucket {other.bucket_id}")
        with self.store.transaction() as tx:
            existing = tx.execute("SELECT folder FROM folder_links WHERE bucket_id = ?", (bucket_id,)).fetchone()
            if existing is not None and existing["folder"] != str(path):
                raise InvalidOperation(f"bucket {bucket_id} is already linked to {existing['folder']}; unlink it first")
            if existing is None:
                tx.execute("INSERT INTO folder_links (bucket_id, folder, created_at) VALUES (?, ?, ?)",
                           (bucket_id, str(path), now()))
                tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": ["folder_link"]})
        return self.rescan(bucket_id)

    def unlink(self, bucket_id: str) -> None:
        """Stop following the folder; the blobs stay in the bucket."""
        self.get(bucket_id)
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM folder_links WHERE bucket_id = ?", (bucket_id,))
            tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": ["folder_link"]})

    def status(self) -> list[LinkStatus]:
        """Every link with its file count, how many of its files are missing, and its last scan."""
        out = []
        for link in self.links():
            blob_ids = list(self.files(link.bucket_id).values())
            missing = sum(1 for start in range(0, len(blob_ids), 500)  # within SQLite's parameter limit
                          for b in self.store.blobs.many(blob_ids[start:start + 500]) if MISSING_TAG in b.tags)
            out.append(LinkStatus(link.bucket_id, link.folder, link.scanned_at, len(blob_ids) - missing, missing,
                                  link.folder.is_dir()))
        return out

    def blob_for(self, bucket_id: str, rel: str) -> str | None:
        row = self.store.query_one("SELECT blob_id FROM linked_files WHERE bucket_id = ? AND rel_path = ?",
                                   (bucket_id, rel))
        return None if row is None else str(row["blob_id"])

    def files(self, bucket_id: str) -> dict[str, str]:
        """rel path -> blob id, for every file the link knows (missing ones too)."""
        rows = self.store.query("SELECT rel_path, blob_id FROM linked_files WHERE bucket_id = ?", (bucket_id,))
        return {r["rel_path"]: r["blob_id"] for r in rows}

    # -- syncing ----------------------------------------------------------------------------

    def rescan(self, bucket_id: str | None = None) -> SyncReport:
        """Compare every linked folder (or one) with the table and bring the store up to date."""
        report = SyncReport()
        for link in self.links():
            if bucket_id is None or link.bucket_id == bucket_id:
                report.merge(self.sync(link.bucket_id, None))
        return report

    def sync(self, bucket_id: str, rel_paths: Iterable[str] | None,
             moves: dict[str, str] | None = None) -> SyncReport:
        """Sync the given paths of a link (None: the whole folder). `moves` maps old -> new paths."""
        with self._sync_lock:
            link = self.get(bucket_id)
            report = SyncReport()
            if not link.folder.is_dir():
                report.skipped.append(f"{link.folder}: the folder is not there (unplugged drive?); "
                                      "nothing was marked missing")
                return report
            rows = {r["rel_path"]: r for r in self.store.query(
                "SELECT * FROM linked_files WHERE bucket_id = ?", (bucket_id,))}
            if rel_paths is None:
                disk = self._walk(link.folder, "")
                consider = set(rows) | set(disk)
            else:
                disk, consider = {}, set()
                for rel in rel_paths:
                    rel = rel.strip("/")
                    target = link.folder / rel
                    if target.is_dir():
                        disk.update(self._walk(link.folder, rel))
                    elif target.is_file() and is_candidate(rel):
                        disk[rel] = self._stat(link.folder, rel)
                    consider.add(rel)
                    consider.update(r for r in rows if r.startswith(rel + "/"))
                consider.update(disk)
            self._apply(link, rows, disk, consider, moves or {}, report)
            if rel_paths is None:
                with self.store.transaction() as tx:
                    tx.execute("UPDATE folder_links SET scanned_at = ? WHERE bucket_id = ?", (now(), bucket_id))
            return report

    def _walk(self, root: Path, under: str) -> dict[str, _Seen]:
        out: dict[str, _Seen] = {}
        base = root / under if under else root
        for folder, dirs, names in os.walk(base):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                rel = Path(folder, name).relative_to(root).as_posix()
                if is_candidate(rel):
                    try:
                        out[rel] = self._stat(root, rel)
                    except OSError:
                        continue
        return out

    @staticmethod
    def _stat(root: Path, rel: str) -> _Seen:
        path = root / rel
        st = path.stat()
        return _Seen(rel, path, st.st_size, st.st_mtime_ns)

    def _apply(self, link: FolderLink, rows: dict[str, sqlite3.Row], disk: dict[str, _Seen], consider: set[str],
               moves: dict[str, str], report: SyncReport) -> None:
        gone = sorted(r for r in consider if r in rows and r not in disk)
        new = sorted(r for r in consider if r in disk and r not in rows)
        existing = sorted(r for r in consider if r in disk and r in rows)
        # Renames: watchdog's move events first, then same bytes as a file that went away.
        renames: list[tuple[str, str]] = []
        for src, dest in moves.items():
            if src in gone and dest in new:
                renames.append((src, dest))
                gone.remove(src)
                new.remove(dest)
        vanished = {rows[r]["file_hash"]: r for r in gone}
        vanished.update({row["file_hash"]: rel for rel, row in rows.items()
                         if row["missing"] and rel not in disk and row["file_hash"] not in vanished})
        for rel in list(new):
            old = vanished.pop(disk[rel].hash(), None)
            if old is not None:
                renames.append((old, rel))
                new.remove(rel)
                if old in gone:
                    gone.remove(old)
        for src, dest in renames:
            self._safely(report, dest, self._rename, link, rows[src], disk[dest], report)
        for rel in gone:
            if not rows[rel]["missing"]:
                self._safely(report, rel, self._mark_missing, link, rows[rel], report)
        for rel in new:
            self._safely(report, rel, self._create, link, disk[rel], report)
        for rel in existing:
            self._safely(report, rel, self._refresh, link, rows[rel], disk[rel], report)

    @staticmethod
    def _safely(report: SyncReport, rel: str, action: Callable[..., None], *args: Any) -> None:
        """One file's failure (unreadable, invalid) must not stop the others."""
        try:
            action(*args)
        except (OSError, ReynaError) as exc:
            log.warning("linked folder: %s: %s", rel, exc)
            report.skipped.append(f"{rel}: {exc}")

    # -- what happens to one file -----------------------------------------------------------

    def _data_for(self, seen: _Seen, schema_id: str, old: dict[str, Any] | None = None) -> dict[str, Any]:
        text = read_text_file(seen.path)
        if schema_id == "chordpro-v1":
            return {**(old or {}), "source": text}
        fmt = "markdown" if seen.path.suffix.lower() in (".md", ".markdown") else "plain"
        return {**(old or {"format": fmt}), "content": text}

    def _create(self, link: FolderLink, seen: _Seen, report: SyncReport) -> None:
        schema_id = schema_for_path(seen.path)
        assert schema_id is not None
        digest = seen.hash()
        with self.store.transaction() as tx:
            if schema_id in _BINARY:
                blob = self.store.blobs.create(schema_id=schema_id, file=seen.path, filename=seen.path.name,
                                               bucket_ids=[link.bucket_id])
            else:
                blob = self.store.blobs.create(self._data_for(seen, schema_id), schema_id=schema_id,
                                               bucket_ids=[link.bucket_id], title=seen.path.stem)
            tx.execute(
                """INSERT OR REPLACE INTO linked_files (bucket_id, rel_path, blob_id, file_hash, size, mtime_ns,
                       synced_version, missing) VALUES (?, ?, ?, ?, ?, ?, ?, 0)""",
                (link.bucket_id, seen.rel, blob.id, digest, seen.size, seen.mtime_ns, blob.version),
            )
        report.created.append(seen.rel)

    def _refresh(self, link: FolderLink, row: sqlite3.Row, seen: _Seen, report: SyncReport,
                 force_hash: bool = False) -> None:
        came_back = bool(row["missing"])
        if not came_back and not force_hash and row["size"] == seen.size and row["mtime_ns"] == seen.mtime_ns:
            return
        if seen.hash() == row["file_hash"]:
            with self.store.transaction() as tx:
                if came_back:
                    self._set_tag(row["blob_id"], MISSING_TAG, False)
                tx.execute("UPDATE linked_files SET size = ?, mtime_ns = ?, missing = 0 WHERE bucket_id = ? AND "
                           "rel_path = ?", (seen.size, seen.mtime_ns, link.bucket_id, row["rel_path"]))
            if came_back:
                report.reappeared.append(seen.rel)
            return
        self._update_from_disk(link, row, seen, report)
        if came_back:
            report.reappeared.append(seen.rel)

    def _update_from_disk(self, link: FolderLink, row: sqlite3.Row, seen: _Seen, report: SyncReport,
                          new_rel: str | None = None) -> None:
        blob = self.store.blobs.get(row["blob_id"])
        if blob.deleted_at:
            report.skipped.append(f"{seen.rel}: its blob {blob.id} is in the trash; restore it to follow the file")
            return
        with self.store.transaction() as tx:
            if blob.version != row["synced_version"]:
                self._keep_app_copy(blob.id)
                report.conflicts.append(seen.rel)
            if blob.schema_id in _BINARY:
                fresh = self.store.blobs.update(blob.id, file=seen.path, filename=seen.path.name,
                                                note=f"changed on disk: {seen.rel}")
            else:
                data = self._data_for(seen, blob.schema_id, self.store.blobs.data(blob.id))
                fresh = self.store.blobs.update(blob.id, data, note=f"changed on disk: {seen.rel}")
            if MISSING_TAG in fresh.tags:
                self._set_tag(blob.id, MISSING_TAG, False)
            tx.execute(
                """UPDATE linked_files SET rel_path = ?, file_hash = ?, size = ?, mtime_ns = ?, synced_version = ?,
                       missing = 0 WHERE bucket_id = ? AND rel_path = ?""",
                (new_rel or row["rel_path"], seen.hash(), seen.size, seen.mtime_ns, fresh.version, link.bucket_id,
                 row["rel_path"]),
            )
        report.updated.append(seen.rel)

    def _keep_app_copy(self, blob_id: str) -> str:
        """The conflict rule: the app's current text survives as a sibling blob tagged `conflict`."""
        blob = self.store.blobs.get(blob_id)
        copy = self.store.blobs.create(
            self.store.blobs.data(blob_id), schema_id=blob.schema_id, bucket_ids=blob.bucket_ids,
            title=f"{blob.title} (app copy)", tags=[*blob.tags, CONFLICT_TAG], parent_id=blob.id,
        )
        return copy.id

    def _rename(self, link: FolderLink, row: sqlite3.Row, seen: _Seen, report: SyncReport) -> None:
        old_rel = row["rel_path"]
        with self.store.transaction() as tx:
            blob = self.store.blobs.get(row["blob_id"])
            if blob.title == Path(old_rel).stem and not blob.deleted_at:
                self.store.blobs.update(blob.id, title=seen.path.stem)
            if seen.hash() != row["file_hash"]:
                self._update_from_disk(link, row, seen, report, new_rel=seen.rel)
            else:
                if row["missing"]:
                    self._set_tag(blob.id, MISSING_TAG, False)
                tx.execute(
                    "UPDATE linked_files SET rel_path = ?, size = ?, mtime_ns = ?, missing = 0 "
                    "WHERE bucket_id = ? AND rel_path = ?",
                    (seen.rel, seen.size, seen.mtime_ns, link.bucket_id, old_rel),
                )
        report.renamed.append((old_rel, seen.rel))

    def _mark_missing(self, link: FolderLink, row: sqlite3.Row, report: SyncReport) -> None:
        with self.store.transaction() as tx:
            self._set_tag(row["blob_id"], MISSING_TAG, True)
            tx.execute("UPDATE linked_files SET missing = 1 WHERE bucket_id = ? AND rel_path = ?",
                       (link.bucket_id, row["rel_path"]))
        report.missing.append(row["rel_path"])

    def _set_tag(self, blob_id: str, tag: str, present: bool) -> None:
        blob = self.store.blobs.get(blob_id)
        if blob.deleted_at or (tag in blob.tags) == present:
            return
        tags = [*blob.tags, tag] if present else [t for t in blob.tags if t != tag]
        self.store.blobs.update(blob_id, tags=tags)

    def locate(self, path: Path | str) -> tuple[str, str] | None:
        """(bucket id, rel path) of a path inside a linked folder, else None."""
        target = Path(path).resolve()
        for link in self.links():
            try:
                rel = target.relative_to(link.folder).as_posix()
            except ValueError:
                continue
            return link.bucket_id, "" if rel == "." else rel
        return None


class FolderWatcher:
    """Follows every linked folder with watchdog and syncs changes after a quiet period.

    Events are debounced: paths are collected until nothing happened for `debounce_s` (or
    `max_delay_s` passed), so an editor that saves in several steps makes one version.
    `on_sync(report)` runs on the watcher's thread after each sync that changed something.
    """

    def __init__(self, store: Store, *, debounce_s: float = 0.25, max_delay_s: float = 2.0,
                 on_sync: Callable[[SyncReport], None] | None = None) -> None:
        self.links = LinkedFolders(store)
        self.debounce_s = debounce_s
        self.max_delay_s = max_delay_s
        self.on_sync = on_sync
        self._cond = threading.Condition()
        self._pending: dict[str, set[str]] = {}
        self._moves: dict[str, dict[str, str]] = {}
        self._first_at = self._last_at = 0.0
        self._observer: Any = None
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()
        self._folders: dict[str, Path] = {}

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def start(self, *, rescan: bool = True) -> SyncReport:
        """Catch up with changes made while the app was closed, then follow the folders."""
        from watchdog.observers import Observer

        report = self.links.rescan() if rescan else SyncReport()
        self._stop.clear()
        self._observer = Observer()
        self._schedule_all()
        self._observer.start()
        self._worker = threading.Thread(target=self._run, name="reyna-folder-watcher", daemon=True)
        self._worker.start()
        return report

    def refresh(self) -> None:
        """Follow links added or removed since start()."""
        if self._observer is None:
            return
        self._observer.unschedule_all()
        self._schedule_all()

    def _schedule_all(self) -> None:
        self._folders = {}
        for link in self.links.links():
            if link.folder.is_dir():
                self._folders[link.bucket_id] = link.folder
                self._observer.schedule(_Handler(self, link.bucket_id, link.folder), str(link.folder), recursive=True)
            else:
                log.warning("linked folder %s is not there; not watching it", link.folder)

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
        if self._worker is not None:
            self._worker.join(timeout=10)
            self._worker = None
        self._flush()  # what was still waiting

    def _note(self, bucket_id: str, rels: list[str], move: tuple[str, str] | None = None) -> None:
        with self._cond:
            stamp = time.monotonic()
            if not self._pending:
                self._first_at = stamp
            self._last_at = stamp
            self._pending.setdefault(bucket_id, set()).update(r for r in rels if r)
            if move is not None:
                self._moves.setdefault(bucket_id, {})[move[0]] = move[1]
            self._cond.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                while not self._pending and not self._stop.is_set():
                    self._cond.wait(0.5)
                if self._stop.is_set():
                    return
                wait = min(self._last_at + self.debounce_s, self._first_at + self.max_delay_s) - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
            self._flush()

    def _flush(self) -> None:
        with self._cond:
            pending, self._pending = self._pending, {}
            moves, self._moves = self._moves, {}
        for bucket_id, rels in pending.items():
            try:
                report = self.links.sync(bucket_id, rels, moves.get(bucket_id))
            except (NotFound, ReynaError) as exc:  # unlinked meanwhile, disk full...
                log.warning("linked folder sync for bucket %s failed: %s", bucket_id, exc)
                continue
            except Exception:
                log.exception("linked folder sync for bucket %s failed", bucket_id)
                continue
            if report.changed and self.on_sync is not None:
                self.on_sync(report)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher, bucket_id: str, folder: Path) -> None:
        super().__init__()
        self.watcher = watcher
        self.bucket_id = bucket_id
        self.folder = folder

    def _rel(self, raw: str | bytes) -> str:
        path = Path(os.fsdecode(raw))
        try:
            rel = path.relative_to(self.folder).as_posix()
        except ValueError:
            return ""
        return "" if rel == "." else rel

    def on_any_event(self, event: Any) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        src = self._rel(event.src_path)
        dest = self._rel(getattr(event, "dest_path", "") or "")
        if event.event_type == "moved":
            self.watcher._note(self.bucket_id, [src, dest], (src, dest) if src and dest else None)
        elif src and (event.is_directory or is_candidate(src) or event.event_type == "deleted"):
            self.watcher._note(self.bucket_id, [src])
