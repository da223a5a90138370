"""The right pane of the blob editor: the expansion of the draft, streaming in while the model writes."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.jobs import JobService
from reyna_desktop.gui.paragraphs import accept_paragraph, paragraph_at
from reyna_desktop.processors.expansion_styles import DEFAULT_STYLE, STYLES

log = logging.getLogger(__name__)


def expansions(store, blob_id: str) -> list[tuple[Any, dict[str, Any]]]:
    """Every expansion of the draft, oldest first: Regenerate adds one and keeps the others."""
    found = [b for b in store.blobs.derived(blob_id) if b.schema_id == "expanded-text-v1"]
    return [(b, store.blobs.data(b.id)) for b in found]


def shown_first(versions: list[tuple[Any, dict[str, Any]]]) -> int:
    """The expansion marked final, else the newest."""
    finals = [i for i, (blob, _) in enumerate(versions) if blob.is_final]
    return finals[-1] if finals else len(versions) - 1


class ExpandedPane(QWidget):
    accepted = Signal(object)  # the original's new version
    error = Signal(str)
    streaming = Signal(bool)

    def __init__(self, store, jobs: JobService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.jobs = jobs
        self.source_id: str | None = None
        self.expanded_id: str | None = None
        self.job_id: str | None = None
        self.extra_params: dict[str, Any] = {}
        self._early: dict[str, str] = {}
        self.status = QLabel(self.tr("No expansion yet"))
        self.view = QPlainTextEdit(readOnly=True)
        self.view.setAccessibleName(self.tr("Expanded text"))
        self.view.setPlaceholderText(self.tr("Press Expand to let the model write a longer version of the draft."))
        self.ratio = QDoubleSpinBox(minimum=1.5, maximum=6.0, singleStep=0.5, value=3.0, suffix="×")
        self.ratio.setToolTip(self.tr("How much longer the expansion should be"))
        self.style_box = QComboBox()
        for offered in STYLES:  # the processor's own list: every style shown is one it accepts
            self.style_box.addItem(offered.label, offered.id)
            self.style_box.setItemData(self.style_box.count() - 1, offered.guidance, Qt.ItemDataRole.ToolTipRole)
        self.style_box.setToolTip(self.tr("Writing style for the expansion"))
        self.expand_button = QPushButton(self.tr("Expand"))
        self.expand_button.clicked.connect(self.expand)
        self.versions: list[tuple[Any, dict[str, Any]]] = []
        self.shown = -1
        self.previous_button = QPushButton("‹")
        self.previous_button.setToolTip(self.tr("The earlier expansion"))
        self.previous_button.clicked.connect(lambda: self.show_version(self.shown - 1))
        self.next_button = QPushButton("›")
        self.next_button.setToolTip(self.tr("The later expansion"))
        self.next_button.clicked.connect(lambda: self.show_version(self.shown + 1))
        self.version_label = QLabel("")
        self.version_label.setAccessibleName(self.tr("Expansion shown"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.accept_button = QPushButton(self.tr("Accept paragraph"))
        self.accept_button.setToolTip(self.tr("Put the paragraph under the cursor into a new version of the draft"))
        self.accept_button.clicked.connect(self.accept_current)
        self.final_button = QPushButton(self.tr("Mark final"))
        self.final_button.setToolTip(self.tr("Compile this expansion instead of the draft"))
        self.final_button.clicked.connect(self.mark_final)
        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("Ratio")))
        options.addWidget(self.ratio)
        options.addWidget(QLabel(self.tr("Style")))
        options.addWidget(self.style_box, 1)
        buttons = QHBoxLayout()
        for button in (self.expand_button, self.stop_button, self.accept_button, self.final_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("<b>Expanded</b>")))
        top.addWidget(self.status, 1)
        for widget in (self.previous_button, self.version_label, self.next_button):
            top.addWidget(widget)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._buttons()
        jobs.partial.connect(self._partial)
        jobs.finished.connect(self._finished)

    def set_defaults(self, ratio: float, style: str) -> None:
        self.ratio.setValue(ratio)
        index = self.style_box.findData(style)
        self.style_box.setCurrentIndex(index if index >= 0 else self.style_box.findData(DEFAULT_STYLE))

    def show_for(self, blob_id: str | None) -> None:
        same = blob_id == self.source_id
        self.source_id = blob_id
        if self.job_id is None and not same:
            self.view.clear()
            self.expanded_id = None
            self.versions, self.shown = [], -1
        self._buttons()
        if blob_id is None:
            return
        self.status.setText(self.tr("Looking for an expansion…"))
        workers.submit(expansions, self.store, blob_id, on_done=lambda r: self._found(blob_id, r),
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _found(self, blob_id: str, versions: list[tuple[Any, dict[str, Any]]]) -> None:
        if blob_id != self.source_id or self.job_id is not None:
            return
        self.versions = versions
        if not versions:
            self.expanded_id, self.shown = None, -1
            self.view.clear()
            self.status.setText(self.tr("No expansion yet"))
            self._buttons()
            return
        ids = [blob.id for blob, _ in versions]
        # A reload of the same draft (after Accept) keeps the expansion the writer was reading.
        self.show_version(ids.index(self.expanded_id) if self.expanded_id in ids else shown_first(versions))

    def show_version(self, index: int) -> None:
        """Show expansion `index` (0 the oldest); its paragraphs are the ones Accept takes."""
        if not 0 <= index < len(self.versions) or self.job_id is not None:
            return
        blob, data = self.versions[index]
        self.shown, self.expanded_id = index, blob.id
        self.view.setPlainText(str(data.get("expanded", "")))
        ratio = data.get("expansion_ratio")
        facts = [fill(self.tr("%1 words"), f"{blob.word_count:,}")]
        if isinstance(ratio, int | float):
            facts.append(fill(self.tr("%1× the draft"), f"{ratio:.1f}"))
        if data.get("style"):
            facts.append(str(data["style"]))
        self.status.setText(", ".join(facts) + ("  " + self.tr("★ final") if blob.is_final else ""))
        self._buttons()

    def _buttons(self) -> None:
        busy = self.job_id is not None
        self.expand_button.setEnabled(self.source_id is not None and not busy)
        self.expand_button.setText(self.tr("Regenerate") if self.expanded_id else self.tr("Expand"))
        self.stop_button.setEnabled(busy)
        self.accept_button.setEnabled(self.expanded_id is not None and not busy)
        self.final_button.setEnabled(self.expanded_id is not None and not busy)
        many = len(self.versions) > 1
        self.version_label.setText(f"{self.shown + 1}/{len(self.versions)}" if many and self.shown >= 0 else "")
        self.previous_button.setVisible(many)
        self.next_button.setVisible(many)
        self.previous_button.setEnabled(many and not busy and self.shown > 0)
        self.next_button.setEnabled(many and not busy and self.shown < len(self.versions) - 1)

    def params(self) -> dict[str, Any]:
        return {"ratio": self.ratio.value(), "style": self.style_box.currentData() or DEFAULT_STYLE,
                **self.extra_params}

    def expand(self) -> None:
        if self.source_id is None or self.job_id is not None:
            return
        source = self.source_id
        params = self.params()
        if self.expanded_id is not None:  # Regenerate: a fresh seed, so the cache gives a new expansion
            params.setdefault("seed", secrets.randbelow(2**31))
        self.job_id = "pending"
        self.view.clear()
        self.status.setText(self.tr("Queued…"))
        self._buttons()
        self.streaming.emit(True)
        self.jobs.submit("text-expansion", {"blob_id": source}, params,
                         on_done=self._submitted, on_error=self._submit_failed)

    def _submitted(self, job: Any) -> None:
        self.job_id = str(getattr(job, "id", job))
        self.status.setText(self.tr("Writing…"))
        early = self._early.pop(self.job_id, None)
        if early:
            self.view.setPlainText(early)
        state = getattr(job, "state", "")
        if state in ("succeeded", "failed", "cancelled"):  # a cached result comes back finished
            self._finished(self.job_id, state, {"result_blob_id": getattr(job, "result_blob_id", None),
                                                 "error": getattr(job, "error", None)})

    def _submit_failed(self, exc: BaseException) -> None:
        self.job_id = None
        self.status.setText(self.tr("Could not start"))
        self._buttons()
        self.streaming.emit(False)
        self.error.emit(fill(self.tr("Expansion could not start: %1"), exc))

    def stop(self) -> None:
        if self.job_id and self.job_id != "pending":
            self.status.setText(self.tr("Stopping…"))
            self.jobs.cancel(self.job_id)

    def _partial(self, job_id: str, delta: str, text: str) -> None:
        if job_id != self.job_id:
            if self.job_id == "pending":
                self._early[job_id] = text
            return
        current = self.view.toPlainText()
        if text and text.startswith(current):
            tail = text[len(current):]
        elif not text:
            tail = delta
        else:
            self.view.setPlainText(text)
            return
        if tail:
            cursor = self.view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(tail)
            self.view.ensureCursorVisible()

    def _finished(self, job_id: str, state: str, payload: dict[str, Any]) -> None:
        if job_id != self.job_id:
            return
        self.job_id = None
        self.streaming.emit(False)
        if state == "succeeded":
            self.status.setText(self.tr("Done"))
            result = payload.get("result_blob_id")
            if result and self.source_id:
                self.expanded_id = str(result)  # the reload shows the new expansion
                self.show_for(self.source_id)
        elif state == "cancelled":
            draft = payload.get("draft_text")
            if draft:
                self.view.setPlainText(str(draft))
            self.status.setText(self.tr("Stopped; the partial text is shown but not saved"))
        else:
            self.status.setText(self.tr("Failed"))
            self.error.emit(fill(self.tr("Expansion failed: %1"), payload.get("error") or self.tr("unknown error")))
        self._buttons()

    def accept_current(self) -> None:
        if not (self.source_id and self.expanded_id):
            return
        index = paragraph_at(self.view.toPlainText(), self.view.textCursor().position())
        self.accept_index(index)

    def accept_index(self, index: int) -> None:
        if not (self.source_id and self.expanded_id):
            return
        workers.submit(accept_paragraph, self.store, self.source_id, self.expanded_id, index,
                       on_done=self.accepted.emit, on_error=lambda exc: self.error.emit(str(exc)))

    def mark_final(self) -> None:
        if self.expanded_id:
            source = self.source_id
            workers.submit(self.store.blobs.set_final, self.expanded_id, True,
                           on_done=lambda _b: self.show_for(source), on_error=lambda exc: self.error.emit(str(exc)))
