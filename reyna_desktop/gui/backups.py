"""Automatic backups while the window is open: a check every minute (off the UI thread) that
backs up when the interval has passed and something changed, and one last backup on close."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from reyna_desktop.errors import ReynaError
from reyna_desktop.gui import workers
from reyna_desktop.safety.backup import BackupInfo, BackupScheduler
from reyna_desktop.settings import BackupSettings

log = logging.getLogger(__name__)
CHECK_EVERY_MS = 60_000


class BackupTimer(QObject):
    def __init__(self, store, settings: BackupSettings, report: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scheduler = BackupScheduler(store, settings)
        self.report = report
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self._running = False

    def check(self) -> None:
        if self._running:
            return
        self._running = True
        workers.submit(self.scheduler.maybe_backup, on_done=self._done, on_error=self._failed)

    def on_close(self) -> None:
        """The last backup, on the UI thread: the window is going away anyway."""
        self.timer.stop()
        try:
            self.scheduler.backup_on_close()
        except ReynaError as exc:
            log.error("backup on close failed: %s", exc)

    def _done(self, info: BackupInfo | None) -> None:
        self._running = False
        if info is not None:
            self.report(f"Backed up to {info.path} ({info.size / 1e6:.1f} MB in {info.seconds:.1f} s)")

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.report(f"Backup failed: {exc}")
