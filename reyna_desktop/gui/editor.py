"""The centre of the window: the split-pane blob editor, or a viewer for non-text blobs."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from reyna_desktop.gui import workers
from reyna_desktop.gui.chordpro_editor import ChordProEditor, chordpro
from reyna_desktop.gui.counts import bucket_unit, count_text
from reyna_desktop.gui.draft_pane import DraftPane
from reyna_desktop.gui.expanded_pane import ExpandedPane
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.history_dialog import HistoryDialog
from reyna_desktop.gui.jobs import JobService
from reyna_desktop.gui.journal_hook import JournalHook
from reyna_desktop.gui.media_view import AudioView, ImageView
from reyna_desktop.schema_ids import AUDIO, CHORDPRO, EXPANDED_TEXT, IMAGE, MESSAGE, TEXT_INPUT

log = logging.getLogger(__name__)
EDITABLE = (TEXT_INPUT,)


def describe_bucket(store, bucket_id: str) -> dict[str, Any]:
    """What the editor shows when a bucket is chosen: its first draft, or a summary to start from."""
    bucket = store.buckets.get(bucket_id)
    blobs = [b for b in store.blobs.in_bucket(bucket_id) if b.schema_id not in (MESSAGE, EXPANDED_TEXT)]
    draft = next((b for b in blobs if b.schema_id in EDITABLE and b.parent_id is None), None)
    first = draft or (blobs[0] if blobs else None)
    return {"bucket": bucket, "blob": first, "stats": store.buckets.stats(bucket_id),
            "unit": bucket_unit(store, bucket_id)}


def describe_blob(store, blob_id: str) -> dict[str, Any]:
    blob = store.blobs.get(blob_id)
    schema = store.schemas.get(blob.schema_id)
    out: dict[str, Any] = {"blob": blob, "data": store.blobs.data(blob_id)}
    if blob.schema_id == CHORDPRO:
        chordpro()  # load the parser here, off the UI thread
    if schema.is_binary:
        try:
            out["path"] = str(store.blobs.content_path(blob_id))
        except Exception as exc:  # a missing file is shown, not raised
            out["path"] = None
            out["problem"] = str(exc)
    return out


class BucketSummary(QWidget):
    new_draft = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bucket_id: str | None = None
        self.label = QLabel(self.tr("Choose a chapter, a track or a note in the tree."), wordWrap=True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(self.tr("New draft here"))
        self.button.setVisible(False)
        self.button.clicked.connect(lambda: self.bucket_id and self.new_draft.emit(self.bucket_id))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)

    def show_bucket(self, info: dict[str, Any] | None) -> None:
        if info is None:
            self.bucket_id = None
            self.label.setText(self.tr("Choose a chapter, a track or a note in the tree."))
            self.button.setVisible(False)
            return
        bucket, stats = info["bucket"], info["stats"]
        self.bucket_id = bucket.id
        self.label.setText(
            f"<h2>{bucket.name}</h2><p>{bucket.type.title()} · "
            + fill(self.tr("%1 · %2 sections · %3 items"), count_text(stats["total_words"], info["unit"]),
                   stats["child_buckets"], stats["total_blobs"]) + f"</p><p>{bucket.description}</p>")
        self.button.setVisible(True)


class EditorArea(QStackedWidget):
    words_changed = Signal(int)
    error = Signal(str)
    blob_opened = Signal(str)
    bucket_opened = Signal(str)

    def __init__(self, store, jobs: JobService, journal: JournalHook | None = None, autosave_ms: int = 800,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.bucket_id: str | None = None
        self._quote: tuple[str, str] | None = None  # (blob id, quote) open_at asked to select
        self.summary = BucketSummary()
        self.summary.new_draft.connect(self.new_draft)
        self.draft = DraftPane(store, journal, autosave_ms)
        self.expanded = ExpandedPane(store, jobs)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("editorSplit")
        self.split.addWidget(self.draft)
        self.split.addWidget(self.expanded)
        self.split.setChildrenCollapsible(False)
        self.chordpro = ChordProEditor(store)
        self.chordpro.error.connect(self.error)
        self.image = ImageView()
        self.audio = AudioView()
        for page in (self.summary, self.split, self.chordpro, self.image, self.audio):
            self.addWidget(page)
        self.draft.words_changed.connect(self.words_changed)
        self.draft.error.connect(self.error)
        self.draft.history_requested.connect(self.show_history)
        self.draft.loaded.connect(self.expanded.show_for)
        self.expanded.error.connect(self.error)
        self.expanded.accepted.connect(lambda _b: self.draft.reload())

    def open_bucket(self, bucket_id: str) -> None:
        self.bucket_id = bucket_id
        workers.submit(describe_bucket, self.store, bucket_id, on_done=lambda info: self._bucket_ready(bucket_id, info),
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _bucket_ready(self, bucket_id: str, info: dict[str, Any]) -> None:
        if bucket_id != self.bucket_id:
            return
        self.bucket_opened.emit(bucket_id)
        if info["blob"] is not None:
            self.open_blob(info["blob"].id)
        else:
            self.draft.clear()
            self.summary.show_bucket(info)
            self.setCurrentWidget(self.summary)

    def open_blob(self, blob_id: str) -> None:
        workers.submit(describe_blob, self.store, blob_id, on_done=self._blob_ready,
                       on_error=lambda exc: self.error.emit(str(exc)))

    def open_at(self, blob_id: str, quote: str) -> None:
        """Open a blob with a chat reply's quote selected (the passage the reply rests on)."""
        self._quote = (blob_id, quote)
        self.open_blob(blob_id)

    def _blob_ready(self, info: dict[str, Any]) -> None:
        blob, data = info["blob"], info["data"]
        schema = blob.schema_id
        if schema == CHORDPRO:
            self.draft.clear()
            self.chordpro.show_blob(blob.id, str(data.get("source", "")))
            self.setCurrentWidget(self.chordpro)
        elif schema == IMAGE:
            self.draft.clear()
            if info.get("path"):
                self.image.show_file(info["path"])
            self.setCurrentWidget(self.image)
        elif schema == AUDIO:
            self.draft.clear()
            self.audio.show_audio(data, info.get("path"))
            self.setCurrentWidget(self.audio)
        else:
            quote, self._quote = self._quote, None
            if quote and quote[0] == blob.id:
                self.draft.show_quote(blob.id, quote[1])
            else:
                self.draft.open_blob(blob.id)
            self.setCurrentWidget(self.split)
            if schema not in EDITABLE:
                self.expanded.show_for(None)
        self.blob_opened.emit(blob.id)

    def new_draft(self, bucket_id: str) -> None:
        workers.submit(lambda: self.store.blobs.create({"content": ""}, bucket_ids=[bucket_id], title="Draft"),
                       on_done=lambda blob: self.open_blob(blob.id), on_error=lambda exc: self.error.emit(str(exc)))

    def show_history(self, blob_id: str) -> HistoryDialog:
        self.draft.save()
        dialog = HistoryDialog(self.store, blob_id, self)
        dialog.restored.connect(lambda _b: self.draft.reload())
        dialog.show()
        return dialog

    def on_event(self, event: Any) -> None:
        if not event.topic.startswith("blob.updated."):
            return
        blob_id = event.payload.get("blob_id")
        if blob_id == self.draft.blob_id:
            self.draft.reload()
        elif blob_id == self.expanded.expanded_id and self.expanded.job_id is None:
            self.expanded.show_for(self.expanded.source_id)
