"""Linked folders in the window: link and unlink from the tree, the window runs the same
watcher as `reyna watch` while it is open, and a panel shows a status line per link."""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QListWidget, QVBoxLayout, QWidget

from reyna_desktop.gui import workers
from reyna_desktop.interchange.folder_sync import LinkStatus, SyncReport
from reyna_desktop.interchange.folder_watcher import FolderWatcher

log = logging.getLogger(__name__)


def describe_sync(report: SyncReport) -> str:
    parts = [f"{len(getattr(report, kind))} {kind}" for kind in ("created", "updated", "missing", "renamed")
             if getattr(report, kind)]
    return "Linked folders: " + (", ".join(parts) if parts else "up to date")


class FolderLinks(QObject):
    """Owns the window's FolderWatcher (started off the UI thread) and the link actions."""

    _reported = Signal()  # the watcher's thread put a SyncReport in _reports
    statuses = Signal(object)  # [LinkStatus] (object: a list Signal would convert it through QVariant)
    message = Signal(str)

    def __init__(self, store, parent: QWidget, debounce_s: float = 0.25) -> None:
        super().__init__(parent)
        self.store = store
        self.window = parent
        # The watcher's plain Python thread hands reports over through a queue and an argument-less
        # signal: passing Python objects through a signal from a non-Qt thread upsets PySide's refcounts.
        self._reports: queue.SimpleQueue[SyncReport] = queue.SimpleQueue()
        self.watcher = FolderWatcher(store, debounce_s=debounce_s, on_sync=self._on_sync)
        self.closed = False
        self._lock = threading.Lock()  # start (a pool thread) and stop (closing) never cross
        self._reported.connect(self._drain)

    def start(self) -> None:
        """Catch up with what changed while the window was closed, then follow the folders."""
        def begin() -> SyncReport:
            with self._lock:
                return SyncReport() if self.closed else self.watcher.start()

        workers.submit(begin, on_done=self._started, on_error=self._failed)

    def _started(self, report: SyncReport) -> None:
        if report.changed:
            self.message.emit(describe_sync(report))
        self.refresh_status()

    def stop(self) -> None:
        with self._lock:
            self.closed = True
            if self.watcher.running:
                self.watcher.stop()

    def _on_sync(self, report: SyncReport) -> None:
        self._reports.put(report)
        self._reported.emit()

    def _drain(self) -> None:
        while not self._reports.empty():
            self._synced(self._reports.get())

    def _synced(self, report: SyncReport) -> None:
        self.message.emit(describe_sync(report))
        self.refresh_status()

    def _failed(self, exc: BaseException) -> None:
        log.warning("linked folders: %s", exc)
        self.message.emit(f"Linked folders: {exc}")

    def refresh_status(self) -> None:
        workers.submit(self.watcher.links.status, on_done=self._statuses_loaded, on_error=self._failed)

    def _statuses_loaded(self, statuses: list[LinkStatus]) -> None:
        self.statuses.emit(statuses)

    def choose_folder(self, bucket_id: str) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Link a folder"), str(Path.home()))
        if folder:
            self.link(bucket_id, folder)

    def link(self, bucket_id: str, folder: str) -> None:
        """Link the bucket to the folder, import what is there, and follow it from now on."""
        def do() -> SyncReport:
            report = self.watcher.links.link(bucket_id, folder)
            self.watcher.refresh()
            return report

        workers.submit(do, on_done=self._synced, on_error=self._failed)

    def unlink(self, bucket_id: str) -> None:
        def do() -> None:
            self.watcher.links.unlink(bucket_id)
            self.watcher.refresh()

        workers.submit(do, on_done=self._unlinked, on_error=self._failed)

    def _unlinked(self, _result: None) -> None:
        self.message.emit(self.tr("Folder unlinked; its blobs stay in the bucket."))
        self.refresh_status()


class LinksPanel(QWidget):
    """One line per linked folder: where, how many files, how many missing, when last scanned."""

    def __init__(self, links: FolderLinks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Linked folders"))
        self.empty = QLabel(self.tr("No linked folders. Right-click a bucket → Link a folder…"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        links.statuses.connect(self.show_statuses)

    def show_statuses(self, statuses: list[LinkStatus]) -> None:
        self.list.clear()
        for status in statuses:
            self.list.addItem(status.line())
        self.empty.setVisible(not statuses)

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

