"""Linked folders, the watcher thread: watchdog reports changes inside every linked folder,
debounced into one `LinkedFolders.sync` per quiet period (`folder_sync.py` does the sync).

    watcher = FolderWatcher(store); watcher.start() # rescans every link, then follows them
    ...
    watcher.stop()
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdog.events import FileSystemEventHandler

from reyna_desktop.errors import NotFound, ReynaError
from reyna_desktop.interchange.folder_sync import LinkedFolders, SyncReport, is_candidate

if TYPE_CHECKING:
    from reyna_desktop.store import Store

log = logging.getLogger(__name__)


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
