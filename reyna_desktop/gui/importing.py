"""File → Import… and files dropped on the tree: the import runs off the UI thread with a
progress dialog and Cancel, then a summary says what was imported and what was skipped and why."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.interchange.file_import import ImportCancelled, ImportSummary, import_files, importable_suffixes


class Importer(QObject):
    progress = Signal(int, int)  # files done, files in all (emitted on the import's thread)
    message = Signal(str)
    finished = Signal(object)  # the ImportSummary, or None when cancelled or failed

    def __init__(self, store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.window = parent
        self.running = False
        self.last_summary: ImportSummary | None = None
        self.summary_box: QMessageBox | None = None
        self._cancel = threading.Event()
        self.dialog = QProgressDialog(self.tr("Importing…"), self.tr("Cancel"), 0, 1, parent)
        self.dialog.setWindowTitle(self.tr("Import"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)  # a handful of files never flashes a dialog
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self._cancel.set)
        self.dialog.reset()
        self.progress.connect(self._progressed)

    def choose_files(self, bucket_id: str) -> None:
        patterns = " ".join(f"*{s}" for s in importable_suffixes())
        files, _ = QFileDialog.getOpenFileNames(self.window, self.tr("Import files"), str(Path.home()),
                                                self.tr("Files Reyna can import (%1)").replace("%1", patterns))
        if files:
            self.start(bucket_id, files)

    def choose_folder(self, bucket_id: str) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Import a folder"), str(Path.home()))
        if folder:
            self.start(bucket_id, [folder])

    def start(self, bucket_id: str, paths: list[str]) -> None:
        if self.running:
            self.message.emit(self.tr("An import is already running; wait for it or cancel it."))
            return
        self.running = True
        self._cancel.clear()
        self.dialog.setRange(0, 0)
        self.dialog.setValue(0)
        self.dialog.setLabelText(self.tr("Looking at %n file(s) and folder(s)…", "", len(paths)))
        workers.submit(import_files, self.store, [Path(p) for p in paths], bucket_id,
                       on_progress=self.progress.emit, is_cancelled=self._cancel.is_set,
                       on_done=self._done, on_error=self._failed)

    def _progressed(self, done: int, total: int) -> None:
        if self.dialog.maximum() != total:
            self.dialog.setRange(0, total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(self.tr("Imported %1 of %2 files…").replace("%1", str(done)).replace("%2", str(total)))

    def _done(self, summary: ImportSummary) -> None:
        self._end()
        self.last_summary = summary
        self.message.emit(summary.message())
        if summary.skipped:
            self._show_summary(summary)
        self.finished.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.last_summary = None
        if isinstance(exc, ImportCancelled):
            self.message.emit(self.tr("Import cancelled; nothing was imported."))
        else:
            self.message.emit(self.tr("Import failed, nothing was imported: %1").replace("%1", str(exc)))
        self.finished.emit(None)

    def _end(self) -> None:
        self.running = False
        self.dialog.reset()

    def _show_summary(self, summary: ImportSummary) -> None:
        """Not modal: the window stays usable while the list of skipped files is read."""
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Import"), summary.message(),
                          QMessageBox.StandardButton.Ok, self.window)
        lines = [f"{Path(s.path).name}: {s.reason}" for s in summary.skipped]
        more = fill(self.tr("… and %1 more (Show Details…)"), len(lines) - 8) if len(lines) > 8 else ""
        box.setInformativeText(self.tr("Skipped:") + "\n" + "\n".join(lines[:8]) + ("\n" + more if more else ""))
        box.setDetailedText("\n".join(f"{s.path}: {s.reason}" for s in summary.skipped))
        box.setModal(False)
        box.show()
        self.summary_box = box

