"""The Models page of Settings: the catalogue with what fits this machine, downloads with
progress (run off the UI thread, pausable), import of a local .gguf, and the model per task.

The per-task choice writes into two line edits the dialog owns (expansion, chat), so the
dialog's one validation and save path covers them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.errors import ReynaError
from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.llm.catalogue import CatalogueEntry, Machine, accelerator_text, fit, load_catalogue
from reyna_desktop.llm.downloads import Download, DownloadStopped, Progress, pending_downloads
from reyna_desktop.llm.gguf_info import gib
from reyna_desktop.llm.library import InstalledModel, ModelLibrary


class _ProgressRelay(QObject):
    """Carries progress from the download thread to the UI thread (a queued signal)."""

    progress = Signal(object)


class ModelsPage(QWidget):
    def __init__(self, expansion_path: QLineEdit, chat_path: QLineEdit, parent: QWidget | None = None, *,
                 catalogue: list[CatalogueEntry] | None = None, library: ModelLibrary | None = None) -> None:
        super().__init__(parent)
        self.expansion_path = expansion_path
        self.chat_path = chat_path
        self.library = library or ModelLibrary()
        self.catalogue = catalogue if catalogue is not None else load_catalogue().models
        self.download: Download | None = None
        self.relay = _ProgressRelay(self)
        self.relay.progress.connect(self._show_progress)

        machine = Machine.probe(self.library.folder)
        self.machine_label = QLabel(fill(
            self.tr("This machine: %1 RAM (%2 free), %3 free in %4. %5."), gib(machine.total_ram),
            gib(machine.available_ram), gib(machine.free_disk), self.library.folder, accelerator_text()))
        self.machine_label.setWordWrap(True)
        columns = [self.tr("Model"), self.tr("Size"), self.tr("Context"), self.tr("Licence"), self.tr("This machine"),
                   self.tr("Status")]
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.details = QLabel(self.tr("Select a model to see what it is good for."))
        self.details.setWordWrap(True)

        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.start_download)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(lambda: self.download and self.download.pause())
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(lambda: self.download and self.download.cancel())
        self.import_button = QPushButton(self.tr("Import GGUF…"))
        self.import_button.clicked.connect(self._choose_import)
        buttons = QHBoxLayout()
        for button in (self.download_button, self.pause_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.expansion_choice = QComboBox()
        self.chat_choice = QComboBox()
        tasks = QFormLayout()
        tasks.addRow(self.tr("Expansion model"), self.expansion_choice)
        tasks.addRow(self.tr("Chat and summaries model"), self.chat_choice)
        self.expansion_choice.currentIndexChanged.connect(
            lambda: self.expansion_path.setText(self.expansion_choice.currentData() or ""))
        self.chat_choice.currentIndexChanged.connect(
            lambda: self.chat_path.setText(self.chat_choice.currentData() or ""))

        layout = QVBoxLayout(self)
        layout.addWidget(self.machine_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(tasks)
        self.refresh()

    # -- what is shown ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the library and fill the table and the task choices."""
        try:
            installed = self.library.installed()
        except ReynaError as exc:
            installed = []
            self.status.setText(str(exc))
        machine = Machine.probe(self.library.folder)
        pending = {Path(p["target"]).name: p["done_bytes"] for p in pending_downloads(self.library.folder)}
        have = {m.catalogue_id for m in installed}
        self.table.setRowCount(len(self.catalogue))
        for row, entry in enumerate(self.catalogue):
            is_installed = entry.bundled or entry.id in have
            verdict = fit(entry, machine, installed=is_installed)
            if is_installed:
                state = self.tr("installed")
            elif entry.file in pending:
                state = fill(self.tr("paused at %1 MB"), f"{pending[entry.file] / 1e6:.0f}")
            else:
                state = "" if verdict.fits else self.tr("too big")
            size = fill(self.tr("%1 GB"), f"{entry.size_bytes / 1e9:.1f}")
            cells = (entry.name, size, f"{entry.context_length // 1024}k",
                     entry.licence, verdict.reason, state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(fill(self.tr("%1\nTemplate: %2"), entry.good_for, entry.template) + (
                    "" if entry.verified else "\n" + self.tr("Size and sha256 not verified in the catalogue")))
                if column == 4 and not verdict.fits:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self._fill_choices(installed)
        self._selection_changed()

    def _fill_choices(self, installed: list[InstalledModel]) -> None:
        for combo, field in ((self.expansion_choice, self.expansion_path), (self.chat_choice, self.chat_path)):
            current = field.text()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("Shipped model (Gemma 3 270M base)") if combo is self.expansion_choice
                          else self.tr("Same as expansion"), "")
            for model in installed:
                label = (self.tr("%1 (chat template)") if model.has_chat_template
                         else self.tr("%1 (base model, no chat template)"))
                combo.addItem(fill(label, model.id), model.path)
            if current and combo.findData(current) < 0:
                combo.addItem(current, current)  # a file chosen by path in the General tab
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def selected_entry(self) -> CatalogueEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.catalogue[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        entry = self.selected_entry()
        busy = self.download is not None
        if entry is not None:
            checked = (self.tr("Size and sha256 pinned") if entry.verified else
                       self.tr("Size and sha256 not verified in the catalogue: the download is checked as GGUF and "
                               "its sha256 recorded"))
            self.details.setText(fill(
                self.tr("<b>%1</b>: %2 Chat template: %3. Needs about %4 GB of RAM at %5 tokens of context. %6."),
                entry.name, entry.good_for, entry.template, f"{entry.ram_gb:g}", entry.context_default, checked))
        installed = self.table.item(self.table.currentRow(), 5) if entry else None
        can_download = entry is not None and not entry.bundled and not busy and (
            installed is None or installed.text() != self.tr("installed"))
        self.download_button.setEnabled(can_download)
        self.pause_button.setEnabled(busy)
        self.cancel_button.setEnabled(busy)
        self.import_button.setEnabled(not busy)

    # -- downloads and imports (off the UI thread) ------------------------------------------

    def start_download(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        try:
            self.download = self.library.new_download(entry, on_progress=self.relay.progress.emit)
        except ReynaError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(fill(self.tr("Downloading %1…"), entry.name))
        self.progress.setValue(0)
        workers.submit(self.library.download, entry, self.download, on_done=self._downloaded,
                       on_error=self._download_failed)
        self._selection_changed()

    def pause_download(self) -> None:
        """Pause a running download (the dialog closes): it resumes from the partial file next time."""
        if self.download is not None:
            self.download.pause()

    def _show_progress(self, progress: Progress) -> None:
        if progress.fraction is not None:
            self.progress.setValue(int(progress.fraction * 1000))
        self.status.setText(progress.text())

    def _downloaded(self, model: InstalledModel) -> None:
        self.download = None
        self.status.setText(fill(self.tr("%1 is installed and checked (sha256 %2…)."), model.id, model.sha256[:16]))
        self.refresh()

    def _download_failed(self, exc: BaseException) -> None:
        self.download = None
        paused = isinstance(exc, DownloadStopped) and exc.paused
        self.status.setText(str(exc) if isinstance(exc, ReynaError) else fill(self.tr("Download failed: %1"), exc))
        if not paused:
            self.progress.setValue(0)
        self.refresh()

    def _choose_import(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, self.tr("Import a model"), "", self.tr("GGUF models (*.gguf)"))
        if file:
            self.import_file(Path(file))

    def import_file(self, path: Path, *, copy: bool = True) -> None:
        self.status.setText(fill(self.tr("Checking and importing %1…"), path.name))
        self.import_button.setEnabled(False)
        workers.submit(self.library.import_file, path, copy=copy, on_done=self._imported,
                       on_error=self._import_failed)

    def _imported(self, model: InstalledModel) -> None:
        imported = (self.tr("Imported %1: %2, context %3, chat template.") if model.has_chat_template
                    else self.tr("Imported %1: %2, context %3, no chat template."))
        self.status.setText(fill(imported, model.id, model.architecture, model.context_length))
        self.refresh()

    def _import_failed(self, exc: BaseException) -> None:
        self.status.setText(fill(self.tr("Not imported: %1"), exc))
        self.refresh()
