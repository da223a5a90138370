"""LLM job-path benchmark: what the queue, worker, events and stored blob cost on top of llama.cpp.

Prints figures; it is not a test. For the same prompt and max_tokens (greedy, no stop sequence):
- tokens/s calling llama-cpp-python directly, and through the app's job path (submit → model
  worker → job.partial events → stored blob → job.succeeded); their ratio (target >= 0.95)
- time from the model's first token to the first job.partial event (target < 20 ms)
- the second job's model-load time (target 0)
- cache-hit latency of submit() for work done before (target < 10 ms)

    .venv/bin/python bench/llm_bench.py [--model PATH] [--max-tokens 128] [--runs 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

from reyna_desktop.llm.embedded import EmbeddedBackend
from reyna_desktop.llm.factory import shared_backend
from reyna_desktop.llm.model_files import default_model_path
from reyna_desktop.models import Event
from reyna_desktop.processors.base import JobContext, Processor
from reyna_desktop.processors.registry import default_registry
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.settings import LLMSettings, Settings
from reyna_desktop.store import Store

PROMPT = "Once upon a time, in a small village by the sea, there lived an old lighthouse keeper who"


class RawCompletion(Processor):
    """The prompt as given, completed: the job path with nothing but the model in it."""

    id = "bench-completion"
    input_schemas: ClassVar[tuple[str, ...]] = ("text-input-v1",)
    output_schema = "text-input-v1"
    uses_model = True
    cacheable = False
    default_params: ClassVar[dict[str, Any]] = {"max_tokens": 128}

    def run(self, ctx: JobContext) -> str:
        blob = ctx.input_blob()
        done = ctx.generate(ctx.store.blobs.text(blob.id), max_tokens=int(ctx.params["max_tokens"]))
        return ctx.save_output({"content": done.text}, parent_id=blob.id)


class Timings:
    """Bus subscriber: when each job's first partial and its success arrived."""

    def __init__(self) -> None:
        self.first_partial: dict[str, float] = {}
        self.succeeded: dict[str, float] = {}
        self.done = threading.Condition()

    def on_event(self, event: Event) -> None:
        stamp = time.perf_counter()
        job_id = str(event.payload.get("job_id"))
        if event.topic == "job.partial":
            self.first_partial.setdefault(job_id, stamp)
        elif event.topic == "job.succeeded":
            with self.done:
                self.succeeded[job_id] = stamp
                self.done.notify_all()

    def wait(self, job_id: str, timeout: float = 600) -> float:
        with self.done:
            self.done.wait_for(lambda: job_id in self.succeeded, timeout)
        return self.succeeded[job_id]


def direct_run(backend: EmbeddedBackend, max_tokens: int, sampling: dict[str, Any]) -> tuple[int, float]:
    llm = backend._llm  # the very same Llama the jobs use
    began = time.perf_counter()
    text = "".join(chunk["choices"][0]["text"] for chunk in llm.create_completion(
        PROMPT, max_tokens=max_tokens, stream=True, **sampling))
    took = time.perf_counter() - began
    return backend.count_tokens(text) - 1, took


def job_run(runner: JobRunner, timings: Timings, blob_id: str, max_tokens: int) -> dict[str, Any]:
    began = time.perf_counter()
    job = runner.submit(RawCompletion.id, {"blob_id": blob_id}, {"max_tokens": max_tokens})
    ended = timings.wait(job.id)
    backend = shared_backend(runner.settings.llm)
    first_token = getattr(backend, "last_first_token_at", None)
    meta = runner.store.blobs.get(runner.get(job.id).result_blob_id or "").processing_meta
    return {"tokens": meta["completion_tokens"], "seconds": ended - began, "model_load_s": meta["model_load_s"],
            "first_token_to_partial_ms": (timings.first_partial[job.id] - first_token) * 1000 if first_token else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default: the bundled Gemma 3 270M)")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    model = args.model or default_model_path()
    sampling = {"temperature": 0.0, "top_p": 0.95, "repeat_penalty": 1.0}
    settings = Settings(llm=LLMSettings(model_path=str(model), n_threads=args.threads, seed=1, **sampling))
    registry = default_registry()
    registry.register(RawCompletion())
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder)) as store:
        bucket = store.buckets.create("Bench", "folder")
        blob = store.blobs.create({"content": PROMPT}, bucket_ids=[bucket.id])
        timings = Timings()
        store.bus.subscribe("job.*", timings.on_event)
        runner = JobRunner(store, settings, registry)
        runner.start()
        try:
            first = job_run(runner, timings, blob.id, args.max_tokens)  # cold: loads the model
            backend = shared_backend(settings.llm)
            assert isinstance(backend, EmbeddedBackend)
            direct, jobs = [], []
            for _ in range(args.runs):  # interleaved, so both see the same machine load
                tokens, took = direct_run(backend, args.max_tokens, sampling)
                direct.append(tokens / took)
                jobs.append(job_run(runner, timings, blob.id, args.max_tokens))
            direct_tps = statistics.median(direct)
            job_tps = statistics.median(j["tokens"] / j["seconds"] for j in jobs)
            partial_ms = statistics.median(j["first_token_to_partial_ms"] for j in jobs)

            expand = runner.submit("text-expansion", {"blob_id": blob.id}, {"max_tokens": 16})
            runner.wait(expand.id, 600)
            hits = []
            for _ in range(20):
                began = time.perf_counter()
                hit = runner.submit("text-expansion", {"blob_id": blob.id}, {"max_tokens": 16})
                hits.append((time.perf_counter() - began) * 1000)
                assert hit.state == "succeeded" and hit.attempts == 0
        finally:
            runner.stop()

    figures = {
        "model": model.name, "threads": args.threads, "max_tokens": args.max_tokens, "runs": args.runs,
        "direct_tokens_per_s": round(direct_tps, 2),
        "job_path_tokens_per_s": round(job_tps, 2),
        "job_path_ratio": round(job_tps / direct_tps, 3),
        "first_token_to_job_partial_ms": round(partial_ms, 3),
        "first_job_model_load_s": first["model_load_s"],
        "second_job_model_load_s": jobs[0]["model_load_s"],
        "cache_hit_ms_median": round(statistics.median(hits), 3),
        "cache_hit_ms_max": round(max(hits), 3),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
