"""The job runner: persisted jobs, run by a background pool.

Lanes: jobs of processors that use the model queue in front of one model worker thread (the
model is loaded once and a `Llama` is not thread-safe); other jobs (style analysis, compiling)
run beside it on a small pool, each processor at most `concurrency` at once.

Life of a job: pending → running → succeeded | failed | cancelled. A failure that may pass
(a server that did not answer) goes back to pending with a growing delay until
`max_attempts`; then, or at once for a failure that will not pass (a missing model file, a bad
input), it is failed: the dead-letter state the user can see and retry by hand. A job left
running by a crash is requeued when the next runner starts.

Events (on store.bus; all but job.partial are also stored in the events table):
job.queued, job.started, job.progress {job_id, progress}, job.partial {job_id, delta, text},
job.retrying {job_id, error, attempt, next_attempt_at}, job.succeeded {job_id, result_blob_id,
cached}, job.failed {job_id, error, attempts}, job.cancelled {job_id, draft_text}.
Handlers run on the worker thread that emits them; a GUI must hand them to its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.llm.base import LLMBackend, describe_exception
from reyna_desktop.models import Event, Job, JobState
from reyna_desktop.processors import cache
from reyna_desktop.processors.base import JobCancelled, JobContext, Processor
from reyna_desktop.processors.queue_lock import QueueLock
from reyna_desktop.processors.registry import ProcessorRegistry, default_registry
from reyna_desktop.processors.routing import Router
from reyna_desktop.settings import Settings, load_settings
from reyna_desktop.store.jobs import TERMINAL_STATES, JobTable
from reyna_desktop.store.text import now

if TYPE_CHECKING:
    from reyna_desktop.store import Store

log = logging.getLogger(__name__)

SAMPLING_KEYS = ("temperature", "top_p", "repeat_penalty", "seed")
MAX_RETRY_DELAY_S = 300.0


@dataclass
class _Running:
    job_id: str
    processor_id: str
    cancel: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    last_progress: float = 0.0


class JobRunner:
    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        registry: ProcessorRegistry | None = None,
        *,
        pool_size: int = 2,
        retry_base_s: float = 2.0,
        poll_interval_s: float = 0.25,
        llm_provider: Callable[[], LLMBackend] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or load_settings()
        self.registry = registry or default_registry()
        self.table = JobTable(store)
        self.router = Router(self)
        self.pool_size = pool_size
        self.retry_base_s = retry_base_s
        self.poll_interval_s = poll_interval_s
        self._llm_provider = llm_provider
        self._lock = QueueLock(store.data_dir)
        self._cond = threading.Condition()
        self._claim_lock = threading.Lock()
        self._running: dict[str, _Running] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.owns_queue = False

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers, if this process gets the queue; else only queue and watch jobs."""
        if self._threads:
            return
        self._stopping.clear()
        self.owns_queue = self._lock.acquire()
        if not self.owns_queue:
            log.info("another process runs this store's jobs; this runner only queues and waits")
            return
        self.router.attach()
        self._requeue_interrupted()
        lanes = [("model", "reyna-model-worker")] + [("pool", f"reyna-pool-{i}") for i in range(self.pool_size)]
        for lane, name in lanes:
            self._threads.append(threading.Thread(target=self._work, args=(lane,), name=name, daemon=True))
        self._threads.append(threading.Thread(target=self._watch_cancels, name="reyna-job-watch", daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the workers. Running jobs are interrupted and go back to pending for next time."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []
        self.router.detach()
        self._lock.release()
        self.owns_queue = False

    def update_settings(self, settings: Settings) -> None:
        """New settings apply to jobs that start from now on."""
        self.settings = settings

    def __enter__(self) -> JobRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the public API ------------------------------------------------------------------

    def submit(
        self, processor_id: str, input: dict[str, Any], params: dict[str, Any] | None = None, max_attempts: int = 3
    ) -> Job:
        """Queue a job, or finish it at once from the cache when the same work was done before."""
        processor = self.registry.get(processor_id)
        input = self.router.check_input(processor, input)
        effective = self._effective_params(processor, params or {})
        if max_attempts < 1:
            raise ReynaError(f"max_attempts must be at least 1, not {max_attempts}")
        key = self._cache_key(processor, input, effective) if processor.cacheable else None
        cached = self.store.processor_cache.lookup(key) if key else None
        with self.store.transaction() as tx:
            job_id = self.table.insert(tx, processor_id, input, effective, max_attempts=max_attempts,
                                       cache_key=key, result_blob_id=cached)
            tx.emit("job.queued", {"job_id": job_id, "processor_id": processor_id, "input": input})
            if cached:
                tx.emit("job.succeeded", {"job_id": job_id, "result_blob_id": cached, "cached": True})
        if not cached:
            self._wake()
        return self.table.get(job_id)

    def cancel(self, job_id: str) -> Job:
        """A pending job never starts; a running one stops at its next token. Finished: no change."""
        job = self.table.get(job_id)
        if job.state == "pending":
            with self.store.transaction() as tx:
                if self.table.update(tx, job_id, only_if_state="pending", state="cancelled", cancel_requested=True,
                                  finished_at=now()):
                    tx.emit("job.cancelled", {"job_id": job_id, "draft_text": ""})
            job = self.table.get(job_id)
        if job.state == "running":
            entry = self._running.get(job_id)
            if entry is not None:
                entry.cancel.set()
            with self.store.transaction() as tx:
                self.table.update(tx, job_id, cancel_requested=True)
        self._wake()
        return self.table.get(job_id)

    def retry(self, job_id: str) -> Job:
        """Run a failed or cancelled job again, from a clean slate."""
        job = self.table.get(job_id)
        if job.state not in ("failed", "cancelled"):
            raise InvalidOperation(f"job {job_id} is {job.state}; only failed or cancelled jobs can be retried")
        processor = self.registry.get(job.processor_id)
        # The settings may have changed since (a fixed model path): the result belongs under the new key.
        key = self._cache_key(processor, job.input, job.params) if processor.cacheable else None
        with self.store.transaction() as tx:
            self.table.update(tx, job_id, state="pending", attempts=0, error=None, next_attempt_at=None, progress=0.0,
                              partial_text="", result_blob_id=None, started_at=None, finished_at=None,
                              cancel_requested=False, cache_key=key)
            tx.emit("job.queued", {"job_id": job_id, "processor_id": job.processor_id, "input": job.input,
                                   "retry": True})
        self._wake()
        return self.table.get(job_id)

    def get(self, job_id: str) -> Job:
        return self.table.get(job_id)

    def jobs(self, states: list[JobState] | None = None) -> list[Job]:
        return self.table.recent(states)

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """The job once it has finished (succeeded, failed or cancelled), or as it is at `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.table.get(job_id)
            if job.state in TERMINAL_STATES:
                return job
            left = self.poll_interval_s if deadline is None else min(self.poll_interval_s, deadline - time.monotonic())
            if left <= 0:
                return job
            with self._cond:
                self._cond.wait(left)

    def wait_all(self, job_ids: list[str], timeout: float | None = None) -> list[Job]:
        deadline = None if timeout is None else time.monotonic() + timeout
        out = []
        for job_id in job_ids:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            out.append(self.wait(job_id, left))
        return out

    def process_target(
        self, target_id: str, processor_id: str, recursive: bool = False,
        filters: Mapping[str, str | list[str]] | None = None, params: dict[str, Any] | None = None,
    ) -> list[Job]:
        """Queue `processor_id` on one blob, on a bucket (if it takes buckets), or on every fitting
        blob of a bucket (and its subtree with `recursive`); see Router.process_target."""
        return self.router.process_target(target_id, processor_id, recursive=recursive, filters=filters,
                                          params=params)

    # -- helpers for submit --------------------------------------------------------------

    def _effective_params(self, processor: Processor, params: dict[str, Any]) -> dict[str, Any]:
        allowed = set(processor.default_params) | (set(SAMPLING_KEYS) if processor.uses_model else set())
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise ReynaError(
                f"processor {processor.id} has no parameter {', '.join(unknown)} "
                f"(it takes: {', '.join(sorted(allowed)) or 'none'})"
            )
        return {**processor.default_params, **params}

    def _cache_key(self, processor: Processor, input: dict[str, Any], params: dict[str, Any]) -> str:
        parts: dict[str, Any] = {
            "processor": processor.id, "version": processor.version, "params": params,
            "input": cache.input_fingerprint(self.store, input),
        }
        if processor.uses_model:
            from reyna_desktop.llm.factory import model_label

            llm = self.settings.llm.for_task(processor.model_task)
            parts["model"] = model_label(llm)
            parts["sampling"] = {k: params.get(k, getattr(llm, k)) for k in SAMPLING_KEYS}
        return cache.cache_key(parts)

    # -- the workers ---------------------------------------------------------------------

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _requeue_interrupted(self) -> None:
        for job in self.table.interrupted():
            with self.store.transaction() as tx:
                if job.attempts >= job.max_attempts:
                    error = f"interrupted {job.attempts} times (the app stopped or crashed while it ran)"
                    self.table.update(tx, job.id, state="failed", error=error, finished_at=now())
                    tx.emit("job.failed", {"job_id": job.id, "error": error, "attempts": job.attempts})
                else:
                    self.table.update(tx, job.id, state="pending", next_attempt_at=None,
                                   error="interrupted: the app stopped while this job ran; requeued")
                    tx.emit("job.queued", {"job_id": job.id, "processor_id": job.processor_id, "input": job.input,
                                           "requeued": True})
            log.info("job %s was left running by a crash; requeued", job.id)

    def _work(self, lane: str) -> None:
        while not self._stopping.is_set():
            claimed = self._claim(lane)
            if claimed is None:
                with self._cond:
                    self._cond.wait(self.poll_interval_s)
                continue
            job, processor, entry = claimed
            try:
                self._execute(job, processor, entry)
            except Exception:
                log.exception("job %s: the runner failed to record its outcome", job.id)
            finally:
                self._running.pop(job.id, None)
                self.router.job_finished(job.id)
                self._wake()

    def _lane(self, processor_id: str) -> str:
        if processor_id in self.registry and self.registry.get(processor_id).uses_model:
            return "model"
        return "pool"

    def _claim(self, lane: str) -> tuple[Job, Processor | None, _Running] | None:
        with self._claim_lock:
            busy: dict[str, int] = {}
            for entry in self._running.values():
                busy[entry.processor_id] = busy.get(entry.processor_id, 0) + 1
            for job in self.table.ready():
                if self._lane(job.processor_id) != lane:
                    continue
                processor = self.registry.get(job.processor_id) if job.processor_id in self.registry else None
                limit = processor.concurrency if processor else 1
                if busy.get(job.processor_id, 0) >= limit:
                    continue
                with self.store.transaction() as tx:
                    if not self.table.update(tx, job.id, only_if_state="pending", state="running",
                                          attempts=job.attempts + 1, started_at=now(), finished_at=None,
                                          progress=0.0, partial_text="", next_attempt_at=None):
                        continue
                    tx.emit("job.started", {"job_id": job.id, "processor_id": job.processor_id,
                                            "attempt": job.attempts + 1})
                entry = _Running(job.id, job.processor_id)
                self._running[job.id] = entry
                return self.table.get(job.id), processor, entry
        return None

    def _execute(self, job: Job, processor: Processor | None, entry: _Running) -> None:
        if processor is None:
            self._fail(job, ReynaError(f"no processor with id {job.processor_id!r} is installed"), "", entry)
            return
        ctx = JobContext(
            self.store, job, dict(job.params), processor=processor,
            llm_provider=lambda: self._backend(processor),
            on_progress=lambda fraction: self._progress(entry, fraction),
            on_partial=lambda delta: self._partial(job.id, delta, ctx),
            is_cancelled=lambda: entry.cancel.is_set() or self._stopping.is_set(),
            on_output=lambda blob_id: self._succeed(job, blob_id, entry),
        )
        try:
            result = processor.run(ctx)
            if not entry.finished:
                with self.store.transaction():
                    self._succeed(job, result, entry)
        except JobCancelled:
            self._cancelled(job, ctx.partial_text, entry)
        except Exception as exc:
            if not isinstance(exc, ReynaError):
                log.exception("job %s (%s) failed", job.id, job.processor_id)
            self._fail(job, exc, ctx.partial_text, entry)

    def _backend(self, processor: Processor) -> LLMBackend:
        """The model for this processor's task (Settings choose one for expansion, one for chat)."""
        if self._llm_provider is not None:
            return self._llm_provider()
        from reyna_desktop.llm.factory import shared_backend

        return shared_backend(self.settings.llm, processor.model_task)

    # -- outcomes --------------------------------------------------------------------------

    def _succeed(self, job: Job, blob_id: str, entry: _Running) -> None:
        """Called inside the transaction that stored the output blob."""
        with self.store.transaction() as tx:
            self.table.update(tx, job.id, state="succeeded", result_blob_id=blob_id, progress=1.0, finished_at=now(),
                           error=None)
            if job.cache_key:
                self.store.processor_cache.remember(tx, job.cache_key, job.processor_id, blob_id)
            tx.emit("job.succeeded", {"job_id": job.id, "result_blob_id": blob_id, "cached": False})
        entry.finished = True

    def _cancelled(self, job: Job, draft: str, entry: _Running) -> None:
        user_asked = entry.cancel.is_set() or bool(self.table.cancel_requested([job.id]))
        with self.store.transaction() as tx:
            if user_asked:
                self.table.update(tx, job.id, state="cancelled", partial_text=draft, finished_at=now())
                tx.emit("job.cancelled", {"job_id": job.id, "draft_text": draft})
            else:  # the runner is stopping: this attempt does not count, the job runs next time
                self.table.update(tx, job.id, state="pending", attempts=max(0, job.attempts - 1), partial_text=draft)
        entry.finished = True

    def _fail(self, job: Job, exc: BaseException, draft: str, entry: _Running) -> None:
        error = describe_exception(exc)
        retryable = bool(getattr(exc, "retryable", not isinstance(exc, ReynaError)))
        with self.store.transaction() as tx:
            if retryable and job.attempts < job.max_attempts:
                delay = min(self.retry_base_s * 2 ** (job.attempts - 1), MAX_RETRY_DELAY_S)
                at = (datetime.now(UTC) + timedelta(seconds=delay)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                self.table.update(tx, job.id, state="pending", error=error, next_attempt_at=at, partial_text=draft)
                tx.emit("job.retrying", {"job_id": job.id, "error": error, "attempt": job.attempts,
                                         "next_attempt_at": at})
            else:
                self.table.update(tx, job.id, state="failed", error=error, partial_text=draft, finished_at=now())
                tx.emit("job.failed", {"job_id": job.id, "error": error, "attempts": job.attempts})
        entry.finished = True

    # -- progress, partial text, cancels from other processes ---------------------------

    def _progress(self, entry: _Running, fraction: float) -> None:
        if fraction - entry.last_progress < 0.01 and fraction < 1.0:
            return
        entry.last_progress = fraction
        with self.store.transaction() as tx:
            self.table.update(tx, entry.job_id, progress=fraction)
            tx.emit("job.progress", {"job_id": entry.job_id, "progress": round(fraction, 4)})

    def _partial(self, job_id: str, delta: str, ctx: JobContext) -> None:
        # Per token: published straight to the bus, not stored (the draft is stored if cancelled).
        self.store.bus.publish(Event(id=0, topic="job.partial", at=now(),
                                     payload={"job_id": job_id, "delta": delta, "text": ctx.partial_text}))

    def _watch_cancels(self) -> None:
        """Cancel requests written by another process (`reyna jobs cancel`) reach running jobs here,
        and its new blobs reach the auto-processors."""
        while not self._stopping.wait(self.poll_interval_s):
            running = dict(self._running)
            try:
                for job_id in self.table.cancel_requested(list(running)):
                    running[job_id].cancel.set()
                self.router.follow_events()
            except Exception:
                log.exception("following other processes' cancels and blobs failed")
