"""The jobs panel: running, queued and failed jobs with progress, cancel and retry; failures say why.
The jobs one "Process with" on a bucket queued are grouped under one row naming the bucket."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui.jobs import JobService

SHOWN = ("pending", "running", "failed", "cancelled", "succeeded")


class JobsPanel(QWidget):
    def __init__(self, jobs: JobService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Jobs"))
        self.tree.setHeaderLabels(["Job", "State", "Progress", "Reason"])
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(2, 140)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.note = QLabel("")
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._bars: dict[str, QProgressBar] = {}
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.refresh)
        jobs.changed.connect(self._timer.start)
        jobs.progress.connect(self._progress)
        jobs.unavailable.connect(self.note.setText)

    def refresh(self) -> None:
        self.jobs.list_jobs(self._show)

    def _show(self, jobs: list[Any]) -> None:
        selected = self.selected_id()
        self.tree.clear()
        self._bars.clear()
        groups: dict[tuple[str, str], QTreeWidgetItem] = {}
        recent = sorted(jobs, key=lambda j: j.created_at, reverse=True)[:100]
        for job in recent:
            if job.state not in SHOWN:
                continue
            target = job.input.get("blob_id") or job.input.get("bucket_id") or ""
            item = QTreeWidgetItem([f"{job.processor_id} {target[-6:]}", job.state, "", job.error or ""])
            item.setData(0, Qt.ItemDataRole.UserRole, job.id)
            item.setToolTip(3, job.error or "")
            batch = self.jobs.batches.get(job.id)
            if batch is None:
                self.tree.addTopLevelItem(item)
            else:
                self._group(groups, batch).addChild(item)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(int(100 * (1.0 if job.state == "succeeded" else job.progress)))
            self.tree.setItemWidget(item, 2, bar)
            self._bars[job.id] = bar
            if job.id == selected:
                self.tree.setCurrentItem(item)

    def _group(self, groups: dict[tuple[str, str], QTreeWidgetItem], batch: dict[str, Any]) -> QTreeWidgetItem:
        key = (str(batch.get("bucket_id")), ",".join(batch.get("job_ids") or []))
        if key not in groups:
            title = self.tr("%1 on %2 (%n job(s))", "", int(batch.get("total") or 0))
            title = title.replace("%1", str(batch.get("processor_id"))).replace(
                "%2", str(batch.get("bucket_name") or batch.get("bucket_id")))
            group = QTreeWidgetItem([title])
            group.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(group)
            group.setExpanded(True)
            groups[key] = group
        return groups[key]

    def _progress(self, job_id: str, progress: float) -> None:
        bar = self._bars.get(job_id)
        if bar is not None:
            bar.setValue(int(progress * 100))
        else:
            self._timer.start()

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        job_id = None if item is None else item.data(0, Qt.ItemDataRole.UserRole)
        return None if job_id is None else str(job_id)

    def cancel_selected(self) -> None:
        job_id = self.selected_id()
        if job_id:
            self.jobs.cancel(job_id)

    def retry_selected(self) -> None:
        job_id = self.selected_id()
        if job_id:
            self.jobs.retry(job_id, on_done=lambda _j: self._timer.start())
