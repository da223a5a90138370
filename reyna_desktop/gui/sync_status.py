"""Sync between devices in the window: background exchanges while it is open, and their status.

`SyncService` owns the `BackgroundSync` thread (sync/background.py): an exchange at start,
every `interval_s`, a couple of seconds after a local change (a save, a rename, a move), on
"Sync now", and a last one when the window closes. Choosing, changing and stopping the shared
folder run on worker threads. `SyncStatusLabel` is the status bar's line ("Synced 2 min ago",
"Syncing…", "Sync: folder missing", "Not syncing"); clicking it opens the Sync dialog
(gui/sync_dialog.py). Remote changes reach the tree and the editor as store events, like any
other change.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from reyna_desktop.errors import ReynaError
from reyna_desktop.gui import workers
from reyna_desktop.sync import Sync
from reyna_desktop.sync.background import DEFAULT_INTERVAL_S, BackgroundSync, Exchange
from reyna_desktop.sync.folder import MARKER

log = logging.getLogger(__name__)

AFTER_CHANGE_MS = 2000  # a burst of saves becomes one exchange
CLOSE_WAIT_S = 10.0  # the longest closing the window waits for the exchange under way, then for the last one
LOCAL_TOPICS = ("blob.", "bucket.")


def folder_missing(root: Path) -> bool:
    """The shared folder (or its marker) is not there: unmounted, renamed, deleted."""
    return not (root / MARKER).is_file()


def ago(when: datetime, now: datetime | None = None) -> str:
    """"just now", "5 min ago", "3 h ago", else the local date and time."""
    seconds = ((now or datetime.now().astimezone()) - when).total_seconds()
    translate = QCoreApplication.translate
    if seconds < 60:
        return translate("Sync", "just now")
    if seconds < 3600:
        return translate("Sync", "%n min ago", "", int(seconds // 60))
    if seconds < 86400:
        return translate("Sync", "%n h ago", "", int(seconds // 3600))
    return when.strftime("%Y-%m-%d %H:%M")


def describe_exchange(result: dict[str, Any]) -> str:
    """One exchange's result for people: what went out, what came in."""
    translate = QCoreApplication.translate
    sent = (translate("Sync", "nothing to send") if result.get("sent_update") is None
            else translate("Sync", "sent update %1").replace("%1", str(result["sent_update"])))
    received = translate("Sync", "read %n file(s) from other devices", "", int(result.get("received_files", 0)))
    parts = [sent, received]
    changed = [translate("Sync", "%n bucket(s)", "", int(result.get("buckets_changed") or 0)) if
               result.get("buckets_changed") else "",
               translate("Sync", "%n blob(s)", "", int(result.get("blobs_changed") or 0)) if
               result.get("blobs_changed") else ""]
    if any(changed):
        parts.append(translate("Sync", "changed here: %1").replace("%1", ", ".join(c for c in changed if c)))
    if result.get("pending_blobs"):
        parts.append(translate("Sync", "%n blob(s) waiting for their content", "", int(result["pending_blobs"])))
    parts.extend(translate("Sync", "resolved: %1").replace("%1", str(r.get("what", ""))) for r in
                 result.get("resolved") or [])
    return "; ".join(parts)


class SyncService(QObject):
    """The window's sync: state for the label and the dialog, and the background thread."""

    changed = Signal()  # the state below changed
    _reported = Signal()  # the sync thread put something in _reports

    def __init__(self, store, interval_s: float = DEFAULT_INTERVAL_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.interval_s = interval_s
        self.sync: Sync | None = None
        self.background: BackgroundSync | None = None
        self.configured: bool | None = None  # None until the store was asked
        self.running = False  # an exchange is under way
        self.last: Exchange | None = None
        self.last_at: datetime | None = None  # when the last exchange ended
        self.last_ok_at: datetime | None = None
        self.missing = False  # the last exchange failed because the folder is not there
        self.problem: str | None = None  # the last choose/stop attempt's error
        self.closed = False
        self._lock = threading.Lock()  # the background thread is swapped by one worker at a time
        # The sync thread is a plain Python thread: it hands reports over through a queue and an
        # argument-less signal (as gui/folder_links.py does).
        self._reports: queue.SimpleQueue[tuple[str, Exchange | None, bool]] = queue.SimpleQueue()
        self._reported.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self.after_change = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS)
        self.after_change.timeout.connect(self.sync_now)

    # -- starting and stopping ------------------------------------------------------------

    def start(self) -> None:
        """Open this store's sync (if set up) off the UI thread and start exchanging."""
        def open_sync() -> Sync | None:
            return Sync(self.store) if Sync.configured(self.store) else None

        workers.submit(open_sync, on_done=self._opened, on_error=self._failed)

    def _opened(self, sync: Sync | None) -> None:
        if sync is None or self.sync is None or sync.folder.root != self.sync.folder.root:
            self.last, self.last_at, self.last_ok_at, self.missing = None, None, None, False  # another folder
        self.configured = sync is not None
        self.sync = sync
        if sync is not None and not self.closed:
            self.background = BackgroundSync(sync, self._on_exchange, interval_s=self.interval_s,
                                             on_begin=self._on_begin)
            self.background.start()
        self.changed.emit()

    def set_folder(self, folder: str) -> None:
        """Sync through this folder from now on (a change of folder starts it afresh there)."""
        def switch() -> Sync:
            with self._lock:
                self._stop_background()
                current = Sync(self.store).folder.root if Sync.configured(self.store) else None
                if current is not None and current != Path(folder).expanduser().resolve():
                    Sync.stop(self.store)
                return Sync.init(self.store, folder)

        self.problem = None
        workers.submit(switch, on_done=self._opened, on_error=self._choose_failed)

    def stop_syncing(self) -> None:
        def stop() -> None:
            with self._lock:
                self._stop_background()
                Sync.stop(self.store)

        workers.submit(stop, on_done=lambda _none: self._opened(None), on_error=self._choose_failed)

    def _stop_background(self) -> None:
        """On a worker thread: end the background thread after the exchange it is in."""
        background, self.background = self.background, None
        if background is not None and not background.stop(30.0):
            raise ReynaError("the exchange under way did not end within 30 s; try again in a moment")

    def close(self) -> None:
        """Closing the window: stop the thread, then send what was saved since the last exchange."""
        self.closed = True
        self.after_change.stop()
        with self._lock:
            background, self.background = self.background, None
            if background is None or not background.stop(CLOSE_WAIT_S) or self.sync is None:
                return
            # On a thread of its own and waited for a bounded time: a hung network folder must
            # not keep the window from closing (what was not sent goes at the next start).
            final = threading.Thread(target=self._last_exchange, args=(self.sync,), daemon=True)
            final.start()
            final.join(CLOSE_WAIT_S)
            if final.is_alive():
                log.warning("the last sync before closing did not end within %s s; the next start sends it",
                            CLOSE_WAIT_S)

    @staticmethod
    def _last_exchange(sync: Sync) -> None:
        try:
            sync.now()
        except Exception as exc:  # a folder error, or the store closed under a hung exchange: the next start sends it
            log.warning("last sync before closing failed: %s", exc)

    # -- exchanges ------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.background is not None:
            self.background.poke()

    def on_event(self, event: Any) -> None:
        """A change in the store (ours or one sync applied): exchange a moment later."""
        if self.background is not None and event.topic.startswith(LOCAL_TOPICS):
            self.after_change.start()

    def _on_begin(self) -> None:  # the sync thread
        self._reports.put(("begin", None, False))
        self._reported.emit()

    def _on_exchange(self, exchange: Exchange) -> None:  # the sync thread
        missing = exchange.error is not None and self.sync is not None and folder_missing(self.sync.folder.root)
        self._reports.put(("done", exchange, missing))
        self._reported.emit()

    def _drain(self) -> None:
        while not self._reports.empty():
            kind, exchange, missing = self._reports.get()
            if kind == "begin":
                self.running = True
                continue
            self.running = False
            self.last, self.missing = exchange, missing
            self.last_at = datetime.now().astimezone()
            if exchange is not None and exchange.error is None:
                self.last_ok_at = self.last_at
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        log.warning("sync: %s", exc)
        self.configured = False
        self.problem = str(exc)
        self.changed.emit()

    def _choose_failed(self, exc: BaseException) -> None:
        self.problem = str(exc)
        self.start()  # whatever was set up before still syncs

    # -- what the label says --------------------------------------------------------------

    def summary(self) -> str:
        translate = QCoreApplication.translate
        if not self.configured:
            return translate("Sync", "Not syncing")
        if self.running or self.last is None:
            return translate("Sync", "Syncing…")
        if self.last.error is not None:
            return translate("Sync", "Sync: folder missing") if self.missing else translate("Sync", "Sync failed")
        assert self.last_ok_at is not None
        return translate("Sync", "Synced %1").replace("%1", ago(self.last_ok_at))

    def detail(self) -> str:
        """The last exchange's result or error, in a sentence."""
        if self.last is None:
            return ""
        if self.last.error is not None:
            return self.last.error
        return describe_exchange(self.last.result or {})


class SyncStatusLabel(QLabel):
    """The status bar's sync line; a click opens the Sync dialog."""

    clicked = Signal()

    def __init__(self, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(self.tr("Sync status"))
        service.changed.connect(self.refresh)
        self._tick = QTimer(self, interval=30_000)  # "2 min ago" keeps counting
        self._tick.timeout.connect(self.refresh)
        self._tick.start()
        self.refresh()

    def refresh(self) -> None:
        self.setText(self.service.summary())
        detail = self.service.detail()
        self.setToolTip(self.tr("Sync between devices (click for details)") + (f"\n{detail}" if detail else ""))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)
