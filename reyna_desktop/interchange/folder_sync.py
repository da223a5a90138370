"""Linked folders, the sync algorithm: a bucket follows a folder on disk (a DAW's bounce folder, a folder of notes).

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

The link tables (`store/folder_links.py`) keep, per file, its blob, last seen sha256/size/mtime
and the blob version it was synced at, so `rescan()` at start-up catches what changed while the
app was closed. The watcher thread that calls `sync` on changes is `folder_watcher.py`.

    links = LinkedFolders(store)
    links.link(bucket_id, "/music/bounces")        # first scan included
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.schema_ids import AUDIO, CHORDPRO, IMAGE
from reyna_desktop.store.folder_links import FolderLink, LinkedFile
from reyna_desktop.store.media import schema_for_path

if TYPE_CHECKING:
    from reyna_desktop.store import Store

log = logging.getLogger(__name__)

MISSING_TAG = "missing-on-disk"
CONFLICT_TAG = "conflict"
_TEMP_SUFFIXES = (".tmp", ".temp", ".swp", ".swx", ".part", ".crdownload", ".partial", "~", ".kate-swp")
_BINARY = {AUDIO, IMAGE}


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
        return self.store.folder_links.all()

    def get(self, bucket_id: str) -> FolderLink:
        return self.store.folder_links.get(bucket_id)

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
        self.store.folder_links.add(bucket_id, path)
        return self.rescan(bucket_id)

    def unlink(self, bucket_id: str) -> None:
        """Stop following the folder; the blobs stay in the bucket."""
        self.store.folder_links.remove(bucket_id)

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
        known = self.store.folder_links.files(bucket_id).get(rel)
        return None if known is None else known.blob_id

    def files(self, bucket_id: str) -> dict[str, str]:
        """rel path -> blob id, for every file the link knows (missing ones too)."""
        return {rel: f.blob_id for rel, f in self.store.folder_links.files(bucket_id).items()}

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
            rows = self.store.folder_links.files(bucket_id)
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
                self.store.folder_links.mark_scanned(bucket_id)
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

    def _apply(self, link: FolderLink, rows: dict[str, LinkedFile], disk: dict[str, _Seen], consider: set[str],
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
        vanished = {rows[r].file_hash: r for r in gone}
        vanished.update({row.file_hash: rel for rel, row in rows.items()
                         if row.missing and rel not in disk and row.file_hash not in vanished})
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
            if not rows[rel].missing:
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
        if schema_id == CHORDPRO:
            return {**(old or {}), "source": text}
        fmt = "markdown" if seen.path.suffix.lower() in (".md", ".markdown") else "plain"
        return {**(old or {"format": fmt}), "content": text}

    def _create(self, link: FolderLink, seen: _Seen, report: SyncReport) -> None:
        schema_id = schema_for_path(seen.path)
        assert schema_id is not None
        digest = seen.hash()
        with self.store.transaction():
            if schema_id in _BINARY:
                blob = self.store.blobs.create(schema_id=schema_id, file=seen.path, filename=seen.path.name,
                                               bucket_ids=[link.bucket_id])
            else:
                blob = self.store.blobs.create(self._data_for(seen, schema_id), schema_id=schema_id,
                                               bucket_ids=[link.bucket_id], title=seen.path.stem)
            self.store.folder_links.record_file(
                link.bucket_id, LinkedFile(seen.rel, blob.id, digest, seen.size, seen.mtime_ns, blob.version, False)
            )
        report.created.append(seen.rel)

    def _refresh(self, link: FolderLink, row: LinkedFile, seen: _Seen, report: SyncReport,
                 force_hash: bool = False) -> None:
        came_back = row.missing
        if not came_back and not force_hash and row.size == seen.size and row.mtime_ns == seen.mtime_ns:
            return
        if seen.hash() == row.file_hash:
            with self.store.transaction():
                if came_back:
                    self._set_tag(row.blob_id, MISSING_TAG, False)
                self.store.folder_links.update_file(
                    link.bucket_id, row.rel_path, size=seen.size, mtime_ns=seen.mtime_ns, missing=False
                )
            if came_back:
                report.reappeared.append(seen.rel)
            return
        self._update_from_disk(link, row, seen, report)
        if came_back:
            report.reappeared.append(seen.rel)

    def _update_from_disk(self, link: FolderLink, row: LinkedFile, seen: _Seen, report: SyncReport,
                          new_rel: str | None = None) -> None:
        with self.store.transaction():
            blob = self.store.blobs.get(row.blob_id)
            if blob.deleted_at:
                report.skipped.append(f"{seen.rel}: its blob {blob.id} is in the trash; restore it to follow the file")
                return
            if blob.version != row.synced_version:
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
            self.store.folder_links.update_file(
                link.bucket_id, row.rel_path, rel_path=new_rel or row.rel_path, file_hash=seen.hash(),
                size=seen.size, mtime_ns=seen.mtime_ns, synced_version=fresh.version, missing=False,
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

    def _rename(self, link: FolderLink, row: LinkedFile, seen: _Seen, report: SyncReport) -> None:
        old_rel = row.rel_path
        with self.store.transaction():
            blob = self.store.blobs.get(row.blob_id)
            if blob.title == Path(old_rel).stem and not blob.deleted_at:
                self.store.blobs.update(blob.id, title=seen.path.stem)
            if seen.hash() != row.file_hash:
                self._update_from_disk(link, row, seen, report, new_rel=seen.rel)
            else:
                if row.missing:
                    self._set_tag(blob.id, MISSING_TAG, False)
                self.store.folder_links.update_file(
                    link.bucket_id, old_rel, rel_path=seen.rel, size=seen.size, mtime_ns=seen.mtime_ns, missing=False
                )
        report.renamed.append((old_rel, seen.rel))

    def _mark_missing(self, link: FolderLink, row: LinkedFile, report: SyncReport) -> None:
        with self.store.transaction():
            self._set_tag(row.blob_id, MISSING_TAG, True)
            self.store.folder_links.update_file(link.bucket_id, row.rel_path, missing=True)
        report.missing.append(row.rel_path)

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
