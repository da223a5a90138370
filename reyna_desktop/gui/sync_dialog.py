"""View → Sync…: the shared folder (choose, change, stop), this device, the other devices and
when each was last read, the last exchange and its result, and "Sync now"."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import ErrorLabel
from reyna_desktop.gui.sync_status import SyncService, ago


def when(stamp: str | None) -> str:
    """A stored UTC time stamp as "5 min ago"; "never" for None."""
    if not stamp:
        return QCoreApplication.translate("SyncDialog", "never")
    return ago(datetime.fromisoformat(stamp.replace("Z", "+00:00")))


class SyncDialog(QDialog):
    def __init__(self, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(self.tr("Sync between devices"))
        self.setMinimumWidth(620)
        intro = QLabel(self.tr("Choose a folder that Syncthing, Nextcloud, Dropbox or a USB stick keeps the same "
                               "on every machine. Each machine writes only its own files there; the live "
                               "database never goes there."))
        intro.setWordWrap(True)
        self.state = QLabel("")
        self.sync_now_button = QPushButton(self.tr("Sync now"))
        self.sync_now_button.clicked.connect(self.service.sync_now)
        self.folder = QLabel("")
        self.folder.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose folder…"))
        self.choose_button.clicked.connect(self.choose_folder)
        self.stop_button = QPushButton(self.tr("Stop syncing"))
        self.stop_button.clicked.connect(self.service.stop_syncing)
        self.device = QLabel("")
        self.waiting = QLabel("")
        self.last = QLabel("")
        self.last.setWordWrap(True)
        self.error = ErrorLabel()
        self.devices = QTreeWidget()
        self.devices.setRootIsDecorated(False)
        self.devices.setHeaderLabels([self.tr("Device"), self.tr("Last read"), self.tr("Files waiting"),
                                      self.tr("Has read ours")])
        self.devices.setAccessibleName(self.tr("Other devices"))
        self.no_devices = QLabel(self.tr("No other device has written to this folder yet."))
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.sync_now_button)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.stop_button)
        form = QFormLayout()
        form.addRow(self.tr("Shared folder"), folder_row)
        form.addRow(self.tr("This device"), self.device)
        form.addRow(self.tr("Last sync"), self.last)
        form.addRow(self.tr("Waiting"), self.waiting)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(QLabel(self.tr("Other devices")))
        layout.addWidget(self.no_devices)
        layout.addWidget(self.devices, 1)
        layout.addWidget(buttons)
        self.status: dict[str, Any] | None = None
        service.changed.connect(self.refresh)
        self.refresh()

    def choose_folder(self) -> None:
        start = str(self.status["folder"]) if self.status else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder to sync through"), start)
        if folder:
            self.use_folder(folder)

    def use_folder(self, folder: str) -> None:
        self.error.show_error(None)
        self.state.setText(self.tr("Joining %1…").replace("%1", folder))
        self.service.set_folder(folder)

    def refresh(self) -> None:
        """The service's state now, then the folder's status read off the UI thread."""
        service = self.service
        self.state.setText(f"<b>{service.summary()}</b>")
        configured = bool(service.configured)
        self.sync_now_button.setEnabled(configured)
        self.stop_button.setEnabled(configured)
        self.choose_button.setText(self.tr("Change folder…") if configured else self.tr("Choose folder…"))
        problem = service.problem or (service.last.error if service.last is not None and configured else None)
        self.error.show_error(problem)
        if service.last_at is not None and configured:
            self.last.setText(ago(service.last_at) + " · " + (service.detail() if service.last and
                                                              not service.last.error else self.tr("failed")))
        else:
            self.last.setText(self.tr("not yet"))
        if not configured or service.sync is None:
            self.status = None
            self.folder.setText(self.tr("Not syncing: choose a folder to start."))
            self.device.setText("")
            self.waiting.setText("")
            self.devices.clear()
            self.no_devices.setVisible(False)
            return
        workers.submit(service.sync.status, on_done=self._status_read, on_error=self._status_failed)

    def _status_read(self, status: dict[str, Any]) -> None:
        self.status = status
        self.folder.setText(status["folder"])
        name = status.get("device_name")
        self.device.setText(f"{name} ({status['device_id']})" if name else status["device_id"])
        local = status["local_changes_waiting"]
        self.waiting.setText(
            (self.tr("everything (the first exchange)") if local is None
             else self.tr("%n local change(s) to send", "", int(local)))
            + " · " + self.tr("%n blob(s) waiting for their content", "", int(status["pending_blobs"])))
        self.devices.clear()
        for device in status["devices"]:
            label = f"{device['name']} ({device['device_id']})" if device.get("name") else device["device_id"]
            self.devices.addTopLevelItem(QTreeWidgetItem([
                label, when(device["last_exchange"]), str(device["waiting_files"]), str(device["has_read_ours"])]))
        for column in range(4):
            self.devices.resizeColumnToContents(column)
        self.no_devices.setVisible(not status["devices"])

    def _status_failed(self, exc: BaseException) -> None:
        if isinstance(exc, OSError):  # the folder went away between two looks
            self.error.show_error(self.tr("Cannot read the shared folder (%1): is it mounted?")
                                  .replace("%1", exc.strerror or str(exc)))
        else:
            self.error.show_error(str(exc))

    def device_lines(self) -> list[str]:
        """Each other device's row as text (for tests and accessibility checks)."""
        items = [self.devices.topLevelItem(i) for i in range(self.devices.topLevelItemCount())]
        return [" | ".join(item.text(c) for c in range(4)) for item in items if item is not None]
