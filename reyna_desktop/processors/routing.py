"""Which processor runs on what: input checks, processing a whole bucket tree, and the
processors a bucket runs automatically on new blobs (its `auto_processors`, off by default).

Auto-processing never runs on a processor's own output (a blob with a processor_id), so a
bucket that expands its drafts does not expand the expansions. A bucket's auto processors
also apply to new blobs in its sub-buckets. Only the runner that owns the queue processes
automatically: this process's new blobs as they are made (the bus), other processes' (the CLI,
an import) by following the events table, each event once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.models import Event, Job
from reyna_desktop.processors.base import BUCKET_PREFIX, Processor
from reyna_desktop.store.events import Subscription, topic_matches
from reyna_desktop.store.jobs import TERMINAL_STATES

if TYPE_CHECKING:
    from reyna_desktop.processors.runner import JobRunner

log = logging.getLogger(__name__)

FILTER_KEYS = ("schema", "tag")


@dataclass
class Batch:
    """The jobs one `process_target` on a bucket queued; reported when all have finished."""

    bucket_id: str
    processor_id: str
    job_ids: list[str]
    reported: bool = False


class Router:
    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        self.store = runner.store
        self._batches: list[Batch] = []
        self._batches_lock = threading.Lock()
        self._subscription: Subscription | None = None
        self._cursor = 0  # the last events-table id looked at for other processes' blobs
        self._handled: set[int] = set()  # blob.created events already handled (either path)
        self._handled_lock = threading.Lock()

    # -- inputs --------------------------------------------------------------------------

    def check_input(self, processor: Processor, input: dict[str, Any]) -> dict[str, Any]:
        """The input as {"blob_id"} or {"bucket_id"}, checked against what the processor takes."""
        keys = set(input) & {"blob_id", "bucket_id"}
        if len(keys) != 1 or set(input) - keys:
            raise ReynaError(f"a job's input is {{'blob_id': ...}} or {{'bucket_id': ...}}, not {input!r}")
        if "blob_id" in input:
            blob = self.store.blobs.get(str(input["blob_id"]))
            if blob.deleted_at:
                raise InvalidOperation(f"blob {blob.id} is in the trash; restore it before processing it")
            if not processor.accepts_blob(blob.schema_id):
                raise ReynaError(
                    f"processor {processor.id} takes {_takes(processor)}; blob {blob.id} holds {blob.schema_id}"
                )
            return {"blob_id": blob.id}
        bucket = self.store.buckets.get(str(input["bucket_id"]))
        if bucket.deleted_at:
            raise InvalidOperation(f"bucket {bucket.id} is in the trash; restore it before processing it")
        if not processor.accepts_bucket(bucket.type):
            raise ReynaError(
                f"processor {processor.id} takes {_takes(processor)}; bucket {bucket.id} is a {bucket.type} bucket"
            )
        return {"bucket_id": bucket.id}

    # -- a blob or a bucket tree -----------------------------------------------------------

    def process_target(
        self, target_id: str, processor_id: str, *, recursive: bool = False,
        filters: Mapping[str, str | list[str]] | None = None, params: dict[str, Any] | None = None,
    ) -> list[Job]:
        """One job for a blob; one for a bucket the processor takes as a whole (a book for the
        pitch builder); else one per blob of the processor's input schemas in the bucket (and
        its subtree with `recursive`), narrowed by filters {"schema": [...], "tag": [...]}."""
        runner = self.runner
        processor = runner.registry.get(processor_id)
        wanted = _filters(filters)
        if self.store.blobs.exists(target_id):
            return [runner.submit(processor_id, {"blob_id": target_id}, params)]
        bucket = self.store.buckets.get(target_id)
        if processor.accepts_bucket(bucket.type):
            jobs = [runner.submit(processor_id, {"bucket_id": bucket.id}, params)]
        else:
            blob_schemas = [s for s in processor.input_schemas if not s.startswith(BUCKET_PREFIX)]
            schemas = [s for s in wanted["schema"] if s in blob_schemas] if wanted["schema"] else blob_schemas
            if wanted["schema"] and not schemas:
                raise ReynaError(f"processor {processor_id} takes {_takes(processor)}, none of {wanted['schema']}")
            if not schemas:
                raise ReynaError(f"processor {processor_id} takes {_takes(processor)}, not a {bucket.type} bucket")
            blobs = self.store.blobs.in_bucket(bucket.id, recursive=recursive, schema_ids=schemas,
                                               tags=wanted["tag"] or None)
            jobs = [runner.submit(processor_id, {"blob_id": b.id}, params)
                    for b in blobs if b.processor_id != processor_id]
        batch = Batch(bucket.id, processor_id, [j.id for j in jobs])
        with self.store.transaction() as tx:
            tx.emit("bucket.processing.started", {"bucket_id": bucket.id, "bucket_name": bucket.name,
                                                  "processor_id": processor_id,
                                                  "total": len(jobs), "job_ids": batch.job_ids,
                                                  "recursive": recursive})
        with self._batches_lock:
            self._batches.append(batch)
        self._report_finished()
        return jobs

    def job_finished(self, job_id: str) -> None:
        with self._batches_lock:
            involved = any(job_id in b.job_ids for b in self._batches)
        if involved:
            self._report_finished()

    def _report_finished(self) -> None:
        with self._batches_lock:
            batches = [b for b in self._batches if not b.reported]
        for batch in batches:
            jobs = [self.runner.table.get(j) for j in batch.job_ids]
            if any(j.state not in TERMINAL_STATES for j in jobs):
                continue
            with self._batches_lock:
                if batch.reported:
                    continue
                batch.reported = True
                self._batches.remove(batch)
            counts = {state: sum(1 for j in jobs if j.state == state) for state in sorted(TERMINAL_STATES)}
            cached = sum(1 for j in jobs if j.state == "succeeded" and j.attempts == 0)  # answered from the cache
            payload = {"bucket_id": batch.bucket_id, "processor_id": batch.processor_id, "total": len(jobs),
                       **counts, "cached": cached}
            with self.store.transaction() as tx:
                tx.emit("bucket.processing.completed", payload)

    def check_pending_batches(self) -> None:
        """Report batches whose jobs another process finished."""
        self._report_finished()

    # -- automatic processing --------------------------------------------------------------

    def attach(self) -> None:
        """Start processing new blobs automatically (call in the process that owns the queue)."""
        if self._subscription is None:
            self._cursor = self.store.last_event_id()
            self._subscription = self.store.bus.subscribe("blob.created.*", self._on_blob_created)

    def follow_events(self, batch: int = 500) -> None:
        """Handle blob.created events other processes stored since the last call."""
        if self._subscription is None:
            return
        events = self.store.events_since(self._cursor, limit=batch)
        for event in events:
            if topic_matches("blob.created.*", event.topic):
                self._on_blob_created(event)
        if events:
            self._cursor = events[-1].id
            with self._handled_lock:
                self._handled = {i for i in self._handled if i > self._cursor}

    def _first_time(self, event_id: int) -> bool:
        if not event_id:
            return True
        with self._handled_lock:
            if event_id in self._handled or event_id <= self._cursor:
                return False
            self._handled.add(event_id)
            return True

    def detach(self) -> None:
        if self._subscription is not None:
            self.store.bus.unsubscribe(self._subscription)
            self._subscription = None

    def auto_processors_for(self, bucket_ids: list[str]) -> list[str]:
        """The processors named by these buckets and their ancestors, in order, once each."""
        names: list[str] = []
        for bucket_id in bucket_ids:
            if not self.store.buckets.exists(bucket_id):
                continue
            for bucket in [*self.store.buckets.ancestors(bucket_id), self.store.buckets.get(bucket_id)]:
                names.extend(p for p in bucket.auto_processors if p not in names)
        return names

    def _on_blob_created(self, event: Event) -> None:
        if not self._first_time(event.id):
            return
        payload = event.payload
        if payload.get("processor_id"):
            return  # a processor's output: never processed automatically (no loops)
        blob_id, schema_id = str(payload.get("blob_id")), str(payload.get("schema_id"))
        for processor_id in self.auto_processors_for(list(payload.get("bucket_ids") or [])):
            if processor_id not in self.runner.registry:
                log.warning("a bucket names unknown auto processor %r; skipped", processor_id)
                continue
            if not self.runner.registry.get(processor_id).accepts_blob(schema_id):
                continue
            try:
                self.runner.submit(processor_id, {"blob_id": blob_id})
            except ReynaError as exc:
                log.warning("auto-processing blob %s with %s failed to queue: %s", blob_id, processor_id, exc)


def _takes(processor: Processor) -> str:
    return ", ".join(processor.input_schemas) or "nothing"


def _filters(filters: Mapping[str, str | list[str]] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {key: [] for key in FILTER_KEYS}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS:
            raise ReynaError(f"unknown filter {key!r}; use schema=<schema id> or tag=<tag>")
        out[key].extend([value] if isinstance(value, str) else list(value))
    return out
