"""The UI's side of the job runner: start it lazily, submit off the UI thread, and turn
job.* store events into Qt signals on the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from reyna_desktop.gui import workers
from reyna_desktop.models import Event

log = logging.getLogger(__name__)


class JobService(QObject):
    partial = Signal(str, str, str)  # job id, delta, text so far
    progress = Signal(str, float)
    finished = Signal(str, str, object)  # job id, state (succeeded|failed|cancelled), payload
    changed = Signal()  # any job changed state: the jobs panel and status bar refresh
    unavailable = Signal(str)

    def __init__(self, store, settings=None, events: QObject | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self._runner: Any = None
        self._starting = False
        self.closed = False
        self.running_count = 0
        self.batches: dict[str, dict[str, Any]] = {}  # job id -> its batch (bucket.processing.started)
        if events is not None:
            events.event.connect(self.on_event)  # type: ignore[attr-defined]

    @property
    def runner(self) -> Any:
        """The JobRunner, made on first use on whichever thread asks (starting it loads no model)."""
        if self._runner is None:
            from reyna_desktop.processors.runner import JobRunner

            runner = JobRunner(self.store, settings=self.settings)
            runner.start()
            self._runner = runner
            # Settings saved while the runner was being made: published first, then re-read, so
            # either this line or update_settings() on the UI thread applies the newest ones.
            runner.update_settings(self.settings)
        return self._runner

    def start_in_background(self) -> None:
        if self._runner is None and not self._starting:
            self._starting = True
            workers.submit(lambda: self.runner, on_done=lambda _r: self.changed.emit(),
                           on_error=lambda exc: self.unavailable.emit(str(exc)))

    def update_settings(self, settings) -> None:
        """New model settings apply from the next job on (the backend is rebuilt when it starts)."""
        self.settings = settings
        if self._runner is not None:
            self._runner.update_settings(settings)

    def stop(self) -> None:
        self.closed = True
        if self._runner is not None:
            try:
                self._runner.stop()
            except Exception:
                log.exception("stopping the job runner failed")

    def _call(self, fn: Callable[[Any], Any], on_done: Callable[[Any], object] | None,
              on_error: Callable[[BaseException], object] | None) -> None:
        if self.closed:
            return
        workers.submit(lambda: fn(self.runner), on_done=on_done, on_error=on_error or self._report)

    def submit(self, processor_id: str, target: dict[str, Any], params: dict[str, Any] | None = None,
               on_done: Callable[[Any], object] | None = None,
               on_error: Callable[[BaseException], object] | None = None) -> None:
        self._call(lambda r: r.submit(processor_id, target, params or {}), on_done, on_error)

    def process_target(self, target_id: str, processor_id: str,
                       on_done: Callable[[Any], object] | None = None,
                       on_error: Callable[[BaseException], object] | None = None) -> None:
        """The same routing as `reyna process --recursive`: a blob, a bucket the processor takes
        whole, or every fitting blob in the bucket's subtree; on_done gets the jobs queued."""
        self._call(lambda r: r.process_target(target_id, processor_id, recursive=True), on_done, on_error)

    def cancel(self, job_id: str) -> None:
        self._call(lambda r: r.cancel(job_id), None, None)

    def retry(self, job_id: str, on_done: Callable[[Any], object] | None = None) -> None:
        self._call(lambda r: r.retry(job_id), on_done, None)

    def list_jobs(self, on_done: Callable[[Any], None]) -> None:
        self._call(lambda r: r.jobs(), on_done, None)

    def chat(self, fn_name: str, *args: Any, on_done: Callable[[Any], object] | None = None,
             on_error: Callable[[BaseException], object] | None = None) -> None:
        """Call one of reyna_desktop.processors.chat's helpers (send_message, regenerate...)."""

        def call(runner: Any) -> Any:
            from reyna_desktop.processors import chat

            return getattr(chat, fn_name)(self.store, runner, *args)

        self._call(call, on_done, on_error)

    def _report(self, exc: BaseException) -> None:
        log.warning("job request failed: %s", exc)
        self.unavailable.emit(str(exc))

    def on_event(self, event: Event) -> None:
        topic, payload = event.topic, event.payload
        if topic == "bucket.processing.started":
            for job_id in payload.get("job_ids") or []:
                self.batches[str(job_id)] = dict(payload)
            self.changed.emit()
            return
        if not topic.startswith("job."):
            return
        job_id = str(payload.get("job_id", ""))
        kind = topic.split(".", 1)[1]
        if kind == "partial":
            self.partial.emit(job_id, str(payload.get("delta", "")), str(payload.get("text", "")))
            return
        if kind == "progress":
            self.progress.emit(job_id, float(payload.get("progress", 0.0)))
            return
        if kind == "started":
            self.running_count += 1
        if kind in ("succeeded", "failed", "cancelled"):
            self.running_count = max(0, self.running_count - 1)
            self.finished.emit(job_id, kind, dict(payload))
        self.changed.emit()
