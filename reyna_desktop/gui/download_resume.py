"""Model downloads survive a restart: at start the window goes on with every download a pause,
a crash or a closed app left in the model folder, off the UI thread, with its progress in the
status bar. Closing the window pauses them again (the partial file stays for next time).

The work is `ModelLibrary.resume`; a download runs once per file in the process, so pressing
Download in Settings → Models while it resumes says it is already downloading.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from reyna_desktop.errors import ReynaError
from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.llm.downloads import DownloadStopped, Progress, pending_downloads
from reyna_desktop.llm.library import InstalledModel, ModelLibrary


class DownloadResumer(QObject):
    """Resumes the model folder's pending downloads and reports them through `show_message`."""

    message = Signal(str)  # progress arrives on worker threads; the signal brings it to the UI thread

    def __init__(self, show_message: Callable[[str, int], None], library: ModelLibrary | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library or ModelLibrary()
        self.running: dict[str, Any] = {}  # file name -> the Download, to pause on close
        self.finished: list[str] = []  # what each resumed download ended with, for tests and the log
        self._show = show_message
        self.message.connect(lambda text: self._show(text, 0))

    def start(self) -> int:
        """Resume every pending download; returns how many were started."""
        records = pending_downloads(self.library.folder)
        for record in records:
            name = Path(record["target"]).name
            self.message.emit(fill(self.tr("Resuming the download of %1…"), name))
            workers.submit(self._run, record, name, on_done=partial(self._done, name),
                           on_error=partial(self._failed, name))
        return len(records)

    def pause_all(self) -> None:
        for download in list(self.running.values()):
            download.pause()

    def _run(self, record: dict[str, Any], name: str) -> InstalledModel:
        def progress(update: Progress) -> None:
            self.message.emit(fill(self.tr("Model download %1: %2"), name, update.text()))

        def keep(download: Any) -> None:
            self.running[name] = download

        return self.library.resume(record, on_progress=progress, on_start=keep)

    def _done(self, name: str, model: InstalledModel) -> None:
        self.running.pop(name, None)
        text = fill(self.tr("%1 is downloaded and checked; choose it in Settings → Models."), model.id)
        self.finished.append(text)
        self._show(text, 15000)

    def _failed(self, name: str, exc: BaseException) -> None:
        self.running.pop(name, None)
        if isinstance(exc, DownloadStopped) and exc.paused:
            text = fill(self.tr("The download of %1 is paused; it goes on next time."), name)
        else:
            reason = str(exc) if isinstance(exc, ReynaError) else repr(exc)
            text = fill(self.tr("The download of %1 failed: %2"), name, reason)
        self.finished.append(text)
        self._show(text, 15000)
