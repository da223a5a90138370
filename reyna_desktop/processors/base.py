"""The processor contract: what a processor declares and what a running job gives it.

A processor turns one input (a blob or a bucket) into one new output blob. It never changes
its input. The runner hands it a `JobContext`: the store, the job, its parameters, the shared
LLM backend (loaded on first use), and ways to report progress, stream text and notice a
cancel request.

    class Shout(Processor):
        id, version, description = "shout", "1.0.0", "Upper-cases a draft"
        input_schemas, output_schema = ("text-input-v1",), "text-input-v1"

        def run(self, ctx: JobContext) -> str:
            blob = ctx.input_blob()
            text = ctx.store.blobs.text(blob.id).upper()
            return ctx.save_output({"content": text}, parent_id=blob.id)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from reyna_desktop.errors import ReynaError
from reyna_desktop.models import Blob, Bucket, Job

if TYPE_CHECKING:
    from reyna_desktop.llm.base import Completion, LLMBackend
    from reyna_desktop.settings import ModelTask
    from reyna_desktop.store import Store

BUCKET_PREFIX = "bucket:"


class JobCancelled(Exception):
    """Raised inside a job when the user asked to stop it."""


class ProcessorError(ReynaError):
    """A job that cannot produce its output; the message is what the user sees.

    `retryable` says whether running it again may help (a server that did not answer) or not
    (a draft too short to expand, a model file that is missing).
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class Processor:
    """Base class of every processor. Subclasses set the class attributes and `run`."""

    id: ClassVar[str] = ""
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = ""
    # Blob schema ids, or "bucket:<type>" for a bucket input (e.g. "bucket:book").
    input_schemas: ClassVar[tuple[str, ...]] = ()
    output_schema: ClassVar[str] = ""
    concurrency: ClassVar[int] = 1
    uses_model: ClassVar[bool] = False
    model_task: ClassVar[ModelTask] = "chat"  # which model (Settings: per task) runs it
    # False where the same input may rightly give a new output (a chat reply depends on history).
    cacheable: ClassVar[bool] = True
    default_params: ClassVar[dict[str, Any]] = {}

    def run(self, ctx: JobContext) -> str:
        raise NotImplementedError

    def accepts_blob(self, schema_id: str) -> bool:
        return schema_id in self.input_schemas

    def accepts_bucket(self, bucket_type: str) -> bool:
        return f"{BUCKET_PREFIX}{bucket_type}" in self.input_schemas

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id, "version": self.version, "description": self.description,
            "input_schemas": list(self.input_schemas), "output_schema": self.output_schema,
            "concurrency": self.concurrency, "uses_model": self.uses_model,
        }


OutputHook = Callable[[str], None]


class JobContext:
    """What a running job sees. Made by the runner; processors only read and call it."""

    def __init__(
        self,
        store: Store,
        job: Job,
        params: dict[str, Any],
        *,
        processor: Processor | None = None,
        llm_provider: Callable[[], LLMBackend] | None = None,
        on_progress: Callable[[float], None] | None = None,
        on_partial: Callable[[str], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
        on_output: OutputHook | None = None,
    ) -> None:
        self.store = store
        self.job = job
        self.params = params
        self.processor = processor
        self._llm_provider = llm_provider
        self._llm: LLMBackend | None = None
        self._on_progress = on_progress
        self._on_partial = on_partial
        self._is_cancelled = is_cancelled or (lambda: False)
        self._on_output = on_output
        self.partial_text = ""
        self.usage: dict[str, Any] = {
            "prompt_tokens": 0, "completion_tokens": 0, "generation_s": 0.0, "calls": 0,
            "prompt_trimmed": False, "model_load_s": 0.0,
        }
        self.started = time.perf_counter()

    # -- the model ---------------------------------------------------------------------

    @property
    def llm(self) -> LLMBackend:
        """The shared backend, loaded the first time a job asks for it."""
        if self._llm is None:
            if self._llm_provider is None:
                raise ProcessorError(f"job {self.job.id}: no language model is configured")
            began = time.perf_counter()
            self._llm = self._llm_provider()
            self.usage["model_load_s"] = round(time.perf_counter() - began, 4)
        return self._llm

    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str] = (),
        stream: bool = True,
        **sampling: Any,
    ) -> Completion:
        """One completion with this job's sampling, streamed to `partial`, stoppable by cancel.

        Empty output is an error: a processor never stores an empty result.
        """
        self.check_cancelled()
        options = {**self.sampling(), **sampling}
        completion = self.llm.complete(
            prompt, max_tokens=max_tokens, stop=list(stop),
            on_token=self.partial if stream else None, should_stop=lambda: self.cancelled, **options,
        )
        return self._account(completion)

    def chat(
        self, messages: list[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = (), **sampling: Any
    ) -> Completion:
        """Like `generate`, through the backend's chat template."""
        self.check_cancelled()
        options = {**self.sampling(), **sampling}
        completion = self.llm.chat(
            messages, max_tokens=max_tokens, stop=list(stop), on_token=self.partial,
            should_stop=lambda: self.cancelled, **options,
        )
        return self._account(completion)

    def sampling(self) -> dict[str, Any]:
        """Sampling options this job's params override (the backend's settings fill the rest)."""
        keys = ("temperature", "top_p", "repeat_penalty", "seed")
        return {k: self.params[k] for k in keys if self.params.get(k) is not None}

    def _account(self, completion: Completion) -> Completion:
        self.usage["prompt_tokens"] += completion.prompt_tokens
        self.usage["completion_tokens"] += completion.completion_tokens
        self.usage["generation_s"] += completion.duration_s
        self.usage["calls"] += 1
        self.usage["prompt_trimmed"] = self.usage["prompt_trimmed"] or completion.prompt_trimmed
        if completion.finish_reason == "cancelled":
            raise JobCancelled(self.job.id)
        self.check_cancelled()
        if not completion.text.strip():
            raise ProcessorError(
                f"the model ({self.llm.name}: {self.llm.model}) returned no text for this prompt; "
                "try another model, a higher temperature or a longer input"
            )
        return completion

    # -- reporting ---------------------------------------------------------------------

    def progress(self, fraction: float) -> None:
        if self._on_progress is not None:
            self._on_progress(min(1.0, max(0.0, float(fraction))))

    def partial(self, text_delta: str) -> None:
        if not text_delta:
            return
        self.partial_text += text_delta
        if self._on_partial is not None:
            self._on_partial(text_delta)

    @property
    def cancelled(self) -> bool:
        return self._is_cancelled()

    def check_cancelled(self) -> None:
        if self.cancelled:
            raise JobCancelled(self.job.id)

    # -- input and output --------------------------------------------------------------

    def input_blob(self) -> Blob:
        blob_id = self.job.input.get("blob_id")
        if not blob_id:
            raise ProcessorError(f"job {self.job.id}: {self.job.processor_id} needs a blob as input")
        return self.store.blobs.get(str(blob_id))

    def input_bucket(self) -> Bucket:
        bucket_id = self.job.input.get("bucket_id")
        if not bucket_id:
            raise ProcessorError(f"job {self.job.id}: {self.job.processor_id} needs a bucket as input")
        return self.store.buckets.get(str(bucket_id))

    def processing_meta(self) -> dict[str, Any]:
        """What the output records about how it was made."""
        meta: dict[str, Any] = {
            "job_id": self.job.id,
            "processor_version": self.processor.version if self.processor else "",
            "params": dict(self.params),
            "duration_s": round(time.perf_counter() - self.started, 4),
        }
        if self._llm is not None:
            tokens = self.usage["completion_tokens"]
            seconds = self.usage["generation_s"]
            meta.update(
                backend=self._llm.name, model=self._llm.model,
                prompt_tokens=self.usage["prompt_tokens"], completion_tokens=tokens,
                generation_s=round(seconds, 4), tokens_per_s=round(tokens / seconds, 2) if seconds else 0.0,
                calls=self.usage["calls"], prompt_trimmed=self.usage["prompt_trimmed"],
                model_load_s=self.usage["model_load_s"],
            )
        return meta

    def save_output(
        self,
        data: dict[str, Any],
        *,
        parent_id: str | None = None,
        bucket_ids: list[str] | None = None,
        title: str | None = None,
        schema_id: str | None = None,
        processor_id: str | None = None,
    ) -> str:
        """Store the output blob and finish the job in one transaction (no orphan on a crash)."""
        self.check_cancelled()
        schema = schema_id or self._output_schema()
        with self.store.transaction():
            meta = self.processing_meta()
            source = processor_id or self.job.processor_id
            if parent_id is not None:
                blob = self.store.blobs.derive(parent_id, data, schema_id=schema, processor_id=source,
                                               processing_meta=meta, title=title, bucket_ids=bucket_ids)
            else:
                blob = self.store.blobs.create(data, schema_id=schema, bucket_ids=bucket_ids or [], title=title,
                                               processor_id=source, processing_state="done", processing_meta=meta)
            if self._on_output is not None:
                self._on_output(blob.id)
        return blob.id

    def save_version(self, blob_id: str, data: dict[str, Any]) -> str:
        """Store the output as a new version of an existing output blob (a regenerated reply),
        and finish the job, in one transaction. The old text stays in the blob's history."""
        self.check_cancelled()
        with self.store.transaction():
            self.store.blobs.update(blob_id, data, note=f"regenerated by job {self.job.id}")
            self.store.blobs.set_processing(blob_id, "done", self.processing_meta())
            if self._on_output is not None:
                self._on_output(blob_id)
        return blob_id

    def _output_schema(self) -> str:
        if self.processor is None or not self.processor.output_schema:
            raise ProcessorError(f"job {self.job.id}: the processor did not say which schema its output has")
        return self.processor.output_schema
