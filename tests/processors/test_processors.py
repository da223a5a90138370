"""Processors and the job runner end to end, with the real default model (greedy, short)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from reyna_desktop.errors import ReynaError
from reyna_desktop.models import Event
from reyna_desktop.processors.base import JobContext, Processor
from reyna_desktop.processors.registry import default_registry
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.processors.style_metrics import analyze
from reyna_desktop.settings import Settings
from reyna_desktop.store import Store
from tests.llm.helpers import DRAFT, embedded_settings, llm_settings, model_path, runner, start_runner, text_blob

__all__ = ["llm_settings", "model_path", "runner"]  # fixtures used by name


def collect(store: Store, pattern: str) -> list[Event]:
    seen: list[Event] = []
    store.bus.subscribe(pattern, seen.append)
    return seen


# -- text expansion, cache -------------------------------------------------------------------


@pytest.mark.slow
def test_text_expansion_streams_sections_and_records_how_it_was_made(store: Store, runner: JobRunner) -> None:
    blob_id = text_blob(store, DRAFT)
    before = store.blobs.get(blob_id)
    partials = collect(store, "job.partial")
    stored = collect(store, "job.*")
    delivered = threading.Event()  # wait() sees the committed state; the event follows on the worker
    store.bus.subscribe("job.succeeded", lambda e: delivered.set())

    job = runner.wait(runner.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 16}).id, 300)
    assert delivered.wait(10)

    assert job.state == "succeeded", job.error
    out = store.blobs.get(job.result_blob_id or "")
    data = store.blobs.data(out.id)
    assert out.parent_id == blob_id and out.bucket_ids == before.bucket_ids and out.processor_id == "text-expansion"
    assert out.schema_id == "expanded-text-v1"
    assert [s["original"] for s in data["sections"]] == DRAFT.split("\n\n")  # paragraph by paragraph
    assert data["expanded"] == "\n\n".join(s["expanded"] for s in data["sections"])
    assert data["expansion_ratio"] > 0 and data["style"] == "creative" and data["style_analysis"]["word_count"] > 0
    # Streamed: the partial events add up to the text, and they are not persisted.
    assert partials and partials[-1].payload["text"].split() == data["expanded"].split()
    assert all(e.id == 0 for e in partials)
    assert not store.events_since(0, "job.partial")
    topics = [e.topic for e in stored if e.topic != "job.partial"]
    assert topics[0] == "job.queued" and "job.started" in topics and topics[-1] == "job.succeeded"
    meta = out.processing_meta
    assert meta["backend"] == "embedded" and meta["model"].endswith(".gguf") and meta["params"]["max_tokens"] == 16
    # One call per candidate per gap (a gap after each of the two sentences), each within max_tokens.
    assert meta["prompt_tokens"] > 0 and 0 < meta["completion_tokens"] <= 16 * meta["calls"]
    assert meta["calls"] >= 2 and meta["duration_s"] > 0 and meta["tokens_per_s"] > 0
    # The input is untouched.
    after = store.blobs.get(blob_id)
    assert (after.version, after.content_hash) == (before.version, before.content_hash)

    # Same input, version, model and parameters: answered from the cache, no model run.
    again = runner.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 16})
    assert again.state == "succeeded" and again.result_blob_id == out.id and again.attempts == 0
    # Another parameter is another result.
    other = runner.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 15})
    assert other.state == "pending"
    runner.cancel(other.id)


def test_scene_breaks_and_headings_pass_through_unexpanded(store: Store, runner: JobRunner) -> None:
    draft = "She lit the lamp at dusk and watched the boats come in.\n\n* * *\n\nAt dawn the lamp was out again."
    params = {"max_tokens": 40, "candidates": 2}
    job = runner.wait(runner.submit("text-expansion", {"blob_id": text_blob(store, draft)}, params).id, 300)
    assert job.state == "succeeded", job.error
    data = store.blobs.data(job.result_blob_id or "")
    assert [s["original"] for s in data["sections"]] == draft.split("\n\n")
    assert data["sections"][1] == {"original": "* * *", "expanded": "* * *"}
    assert "\n\n* * *\n\n" in data["expanded"]
    assert data["sections"][0]["expanded"] != data["sections"][0]["original"]


def test_text_expansion_rejects_bad_input_with_clear_reasons(store: Store, runner: JobRunner) -> None:
    short = text_blob(store, "Too short to grow.")
    job = runner.wait(runner.submit("text-expansion", {"blob_id": short}).id, 30)
    assert job.state == "failed" and "needs at least 10" in (job.error or "") and job.attempts == 1
    with pytest.raises(Exception, match="no parameter colour"):
        runner.submit("text-expansion", {"blob_id": short}, {"colour": "red"})
    pitch = runner.wait(runner.submit("text-expansion", {"blob_id": short}, {"style": "gothic"}).id, 30)
    assert pitch.state == "failed"
    with pytest.raises(Exception, match="takes bucket:book"):
        runner.submit("pitch-builder", {"blob_id": short})


# -- style analysis --------------------------------------------------------------------------


def test_style_metrics_are_deterministic_and_follow_the_stated_rules() -> None:
    plain = analyze("The cat sat on the mat. The dog ran to the park. We had fun.")
    assert plain["tone"] == "plain" and plain["sentence_count"] == 3 and plain["word_count"] == 15
    assert plain["flesch_reading_ease"] > 90 and plain["dialogue_share"] == 0
    talk = analyze('"Where are you going?" she asked. "Out," he said. "Why?" "Because."')
    assert talk["tone"] == "conversational" and talk["dialogue_share"] >= 0.35
    formal = analyze(
        "Notwithstanding considerable institutional opposition, the administration implemented comprehensive "
        "regulatory modifications, substantially transforming organisational accountability mechanisms."
    )
    assert formal["tone"] == "formal" and formal["grade_level"] >= 13
    assert analyze("Same text. Same text.") == analyze("Same text. Same text.")


def test_style_analyzer_runs_beside_the_model_and_without_it(store: Store, runner: JobRunner) -> None:
    blob_id = text_blob(store, "It was cold. \"Close the door!\" she shouted. He did.")
    job = runner.wait(runner.submit("style-analyzer", {"blob_id": blob_id}).id, 30)
    assert job.state == "succeeded"
    data = store.blobs.data(job.result_blob_id or "")
    assert data["source_blob_id"] == blob_id and data["tone"] and data["tone_rule"]
    assert "backend" not in store.blobs.get(job.result_blob_id or "").processing_meta


# -- summaries and pitch (map-reduce) --------------------------------------------------------


def book_with_chapters(store: Store) -> tuple[str, str]:
    book = store.buckets.create("The Keeper", "book")
    chapter = store.buckets.create("Chapter 1", "chapter", parent_id=book.id)
    store.blobs.create({"content": DRAFT}, bucket_ids=[chapter.id])
    second = store.buckets.create("Chapter 2", "chapter", parent_id=book.id)
    store.blobs.create({"content": "He rowed out into the waves and pulled three sailors from the water. "
                                   "At dawn the whole village came down to the harbour to thank him."},
                       bucket_ids=[second.id])
    notes = store.buckets.create("Research", "research", parent_id=book.id)
    store.blobs.create({"content": "Lighthouse lamps burned whale oil until 1860."}, bucket_ids=[notes.id])
    return book.id, chapter.id


@pytest.mark.slow
def test_summarizer_map_reduces_a_book_that_does_not_fit_one_prompt(store: Store, runner: JobRunner) -> None:
    book_id, _ = book_with_chapters(store)
    params = {"chunk_tokens": 40, "map_tokens": 12, "max_tokens": 16}  # a tiny chunk forces several map calls
    job = runner.wait(runner.submit("summarizer", {"bucket_id": book_id}, params).id, 180)
    assert job.state == "succeeded", job.error
    out = store.blobs.get(job.result_blob_id or "")
    data = store.blobs.data(out.id)
    assert data["scope"] == "book" and len(data["source_blob_ids"]) == 2  # research notes left out
    assert len(data["chunks"]) >= 2 and data["summary"]
    assert out.bucket_ids == [book_id] and out.processing_meta["calls"] == len(data["chunks"]) + 1


@pytest.mark.slow
def test_pitch_builder_writes_logline_blurb_and_synopsis(store: Store, runner: JobRunner) -> None:
    book_id, _ = book_with_chapters(store)
    params = {"synopsis_tokens": 24, "logline_tokens": 16, "blurb_tokens": 16}
    job = runner.wait(runner.submit("pitch-builder", {"bucket_id": book_id}, params).id, 180)
    assert job.state == "succeeded", job.error
    data = store.blobs.data(job.result_blob_id or "")
    assert data["logline"] and data["blurb"] and data["synopsis"] and data["book_bucket_id"] == book_id
    assert "\n" not in data["logline"]


# -- cancel, crash, retries ------------------------------------------------------------------


@pytest.mark.slow
def test_cancel_mid_stream_stops_fast_and_offers_the_draft(store: Store, runner: JobRunner) -> None:
    blob_id = text_blob(store, DRAFT)
    first_token = threading.Event()
    store.bus.subscribe("job.partial", lambda e: first_token.set())
    cancelled = collect(store, "job.cancelled")
    job = runner.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 400})
    assert first_token.wait(60)

    # A non-model job runs beside the generation.
    style = runner.wait(runner.submit("style-analyzer", {"blob_id": blob_id}).id, 10)
    assert style.state == "succeeded" and runner.get(job.id).state == "running"

    runner.cancel(job.id)
    done = runner.wait(job.id, 5)  # a bound, not a figure: bench/runner_bench.py measures the latency
    assert done.state == "cancelled"
    assert done.partial_text.strip() and done.result_blob_id is None
    assert cancelled[-1].payload == {"job_id": job.id, "draft_text": done.partial_text}
    assert [b.schema_id for b in store.blobs.derived(blob_id)] == ["style-analysis-v1"]  # no half-written output


def test_a_cancelled_pending_job_never_starts(store: Store, llm_settings: Settings) -> None:
    blob_id = text_blob(store, "It was cold. She shouted. He did.")
    idle = JobRunner(store, llm_settings)  # not started: the job waits in the queue
    job = idle.submit("style-analyzer", {"blob_id": blob_id})
    assert idle.cancel(job.id).state == "cancelled"
    started = collect(store, "job.started")
    with start_runner(store, llm_settings) as running:
        # The queue runs in order: once a job submitted after it has finished, it had its turn.
        later = running.wait(running.submit("style-analyzer", {"blob_id": blob_id}).id, 20)
        assert later.state == "succeeded"
        assert running.get(job.id).state == "cancelled"
        assert [e.payload["job_id"] for e in started] == [later.id]


CHILD = textwrap.dedent(
    """
    import sys, threading, time
    from reyna_desktop.store import Store
    from reyna_desktop.processors.runner import JobRunner
    from tests.llm.helpers import embedded_settings
    from pathlib import Path
    store = Store.open(sys.argv[1])
    runner = JobRunner(store, embedded_settings(Path(sys.argv[2])))
    runner.start()
    streaming = threading.Event()
    store.bus.subscribe("job.partial", lambda e: streaming.set())
    job = runner.submit("text-expansion", {"blob_id": sys.argv[3]}, {"max_tokens": 40})
    streaming.wait(120)
    print(job.id, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.slow
def test_a_job_killed_mid_generation_is_requeued_and_completed(
    store: Store, private_dirs: Path, model_path: Path, llm_settings: Settings
) -> None:
    blob_id = text_blob(store, "The storm broke the old pier apart. Nobody on the island slept that night at all.")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), *sys.path])}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(private_dirs), str(model_path), blob_id],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        job_id = (child.stdout.readline() if child.stdout else "").strip()
        assert job_id, "the child never started generating"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        child.kill()
    crashed = store.query_one("SELECT state, attempts FROM jobs WHERE id = ?", (job_id,))
    assert crashed is not None and (crashed["state"], crashed["attempts"]) == ("running", 1)
    assert not store.blobs.derived(blob_id)

    with start_runner(store, llm_settings) as restarted:
        done = restarted.wait(job_id, 120)
    assert done.state == "succeeded" and done.attempts == 2, done.error
    assert [b.id for b in store.blobs.derived(blob_id)] == [done.result_blob_id]


@pytest.mark.slow
def test_retries_with_backoff_then_dead_letter_then_manual_retry(store: Store, llm_settings: Settings) -> None:
    blob_id = text_blob(store, DRAFT)
    unreachable = Settings(llm=llm_settings.llm.model_copy(update={"backend": "openai",
                                                                    "base_url": "http://127.0.0.1:9/v1"}))
    retrying = collect(store, "job.retrying")
    with start_runner(store, unreachable) as running:
        job = running.wait(running.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 8}).id, 30)
        assert job.state == "failed" and job.attempts == 3
        assert "cannot reach the model server at http://127.0.0.1:9/v1" in (job.error or "")
        assert len(retrying) == 2 and retrying[0].payload["next_attempt_at"] < retrying[1].payload["next_attempt_at"]
        assert [j.id for j in running.jobs(["failed"])] == [job.id]

        running.update_settings(llm_settings)  # the user fixes the setting, then retries by hand
        again = running.wait(running.retry(job.id).id, 120)
    assert again.state == "succeeded" and again.attempts == 1 and again.error is None


# -- faults: model file, empty output --------------------------------------------------------


def test_missing_or_corrupt_model_fails_the_job_with_the_reason(store: Store, tmp_path: Path) -> None:
    blob_id = text_blob(store, DRAFT)
    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"not a model at all" * 100)
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 64)
    cases = {tmp_path / "missing.gguf": "does not exist", garbage: "not a GGUF model",
             truncated: "could not load the model file"}
    for path, reason in cases.items():
        with start_runner(store, embedded_settings(path)) as running:
            job = running.wait(running.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 8}).id, 30)
            assert job.state == "failed" and reason in (job.error or "") and str(path) in (job.error or "")
            assert job.attempts == 1  # retrying cannot help: straight to the failed list
            # The app keeps working.
            assert running.wait(running.submit("style-analyzer", {"blob_id": blob_id}).id, 10).state == "succeeded"


class Silent(Processor):
    """Stops at the model's first word: the model "emits nothing"."""

    id = "silent"
    input_schemas = ("text-input-v1",)
    output_schema = "text-input-v1"
    uses_model = True

    def run(self, ctx: JobContext) -> str:
        text = ctx.generate("Once upon a time", max_tokens=8, stop=[",", " ", "\n", "."]).text
        return ctx.save_output({"content": text})


def test_a_model_that_emits_nothing_fails_the_job_and_stores_nothing(store: Store, llm_settings: Settings) -> None:
    registry = default_registry()
    registry.register(Silent())
    blob_id = text_blob(store, DRAFT)
    with start_runner(store, llm_settings, registry) as running:
        job = running.wait(running.submit("silent", {"blob_id": blob_id}).id, 60)
    assert job.state == "failed" and "returned no text" in (job.error or "")
    assert store.query_one("SELECT COUNT(*) AS n FROM blobs WHERE processor_id = 'silent'")["n"] == 0  # type: ignore[index]


# -- routing: buckets, auto-processing -------------------------------------------------------


def test_process_target_walks_a_bucket_tree_with_filters_and_reports_counts(
    store: Store, runner: JobRunner
) -> None:
    top = store.buckets.create("Top", "folder")
    sub = store.buckets.create("Sub", "folder", parent_id=top.id)
    keep = store.blobs.create({"content": "One. Two."}, bucket_ids=[top.id], tags=["keep"])
    deep = store.blobs.create({"content": "Three. Four."}, bucket_ids=[sub.id], tags=["keep"])
    store.blobs.create({"content": "Skip me."}, bucket_ids=[sub.id])
    events = collect(store, "bucket.processing.*")

    flat = runner.process_target(top.id, "style-analyzer")
    assert [j.input["blob_id"] for j in flat] == [keep.id]
    runner.wait_all([j.id for j in flat], 20)
    tree = runner.process_target(top.id, "style-analyzer", recursive=True, filters={"tag": "keep"})
    assert [j.input["blob_id"] for j in tree] == [keep.id, deep.id]
    runner.wait_all([j.id for j in flat + tree], 20)
    deadline = time.monotonic() + 5
    while len(events) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    completed = [e.payload for e in events if e.topic == "bucket.processing.completed"]
    assert {"total": 2, "succeeded": 2, "cached": 1} in [
        {k: c[k] for k in ("total", "succeeded", "cached")} for c in completed]  # keep.id was done already
    started = [e.payload for e in events if e.topic == "bucket.processing.started"]
    assert started[1]["job_ids"] == [j.id for j in tree] and started[1]["recursive"] is True
    with pytest.raises(ReynaError, match="none of"):
        runner.process_target(top.id, "style-analyzer", filters={"schema": "pitch-v1"})


def test_auto_processors_run_on_new_blobs_but_never_on_processor_output(store: Store, runner: JobRunner) -> None:
    book = store.buckets.create("Book", "folder")
    chapter = store.buckets.create("Chapter", "folder", parent_id=book.id)
    queued = collect(store, "job.queued")
    plain = store.blobs.create({"content": "Nothing is automatic here."}, bucket_ids=[chapter.id])
    assert not queued  # off by default

    store.buckets.update(book.id, auto_processors=["style-analyzer"])
    draft = store.blobs.create({"content": "Now it runs. By itself."}, bucket_ids=[chapter.id])
    store.blobs.create({"content": "Made by a processor."}, bucket_ids=[chapter.id], processor_id="text-expansion")
    assert [e.payload["input"] for e in queued] == [{"blob_id": draft.id}]
    job = runner.wait(queued[0].payload["job_id"], 10)
    assert job.state == "succeeded" and not store.blobs.derived(plain.id)
    time.sleep(0.2)
    assert len(queued) == 1  # the analysis it stored did not trigger anything


def test_auto_processors_fire_for_blobs_another_process_adds(store: Store, runner: JobRunner,
                                                            private_dirs: Path) -> None:
    book = store.buckets.create("Book", "folder")
    store.buckets.update(book.id, auto_processors=["style-analyzer"])
    queued = collect(store, "job.queued")
    arrived = threading.Event()
    store.bus.subscribe("job.queued", lambda _e: arrived.set())
    done = subprocess.run([sys.executable, "-m", "reyna_desktop.cli", "--data-dir", str(private_dirs), "--json",
                           "blob", "add", "--text", "Written in a terminal. Short lines.", "--bucket", book.id],
                          capture_output=True, text=True, check=True)
    blob_id = json.loads(done.stdout)["id"]
    assert arrived.wait(10)  # the runner's watch thread read the CLI's blob.created from the events table
    assert [e.payload["input"] for e in queued] == [{"blob_id": blob_id}]
    assert runner.wait(queued[0].payload["job_id"], 10).state == "succeeded"
    assert len(queued) == 1  # seen once, although the events table is read again and again


def test_registry_lists_the_builtins_and_the_compiler_when_present() -> None:
    ids = [p.id for p in default_registry().all()]
    assert {"text-expansion", "style-analyzer", "summarizer", "pitch-builder", "chat"} <= set(ids)
    for processor in default_registry().all():
        assert processor.version and processor.output_schema and processor.input_schemas and processor.concurrency >= 1


# -- the CLI ---------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    import json

    from reyna_desktop.cli import main

    code = main(["--json", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_cli_process_jobs_cancel_and_retry(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    blob_id = text_blob(store, "It was cold. She shouted. He did.")
    code, result = run_cli(capsys, "process", blob_id, "--processor", "style-analyzer", "--wait")
    assert code == 0 and result[0]["state"] == "succeeded" and "plain" in result[0]["result_text"]
    code, listed = run_cli(capsys, "jobs")
    assert code == 0 and [j["job_id"] for j in listed] == [result[0]["job_id"]]

    pending = JobRunner(store).submit("style-analyzer", {"blob_id": blob_id}, max_attempts=1)
    assert pending.state == "succeeded"  # the same work: from the cache
    short = text_blob(store, "Too short.")
    failed = JobRunner(store).submit("text-expansion", {"blob_id": short})
    code, cancelled = run_cli(capsys, "jobs", "cancel", failed.id)
    assert code == 0 and cancelled[0]["state"] == "cancelled"
    code, retried = run_cli(capsys, "jobs", "retry", failed.id)
    assert code == 1 and retried[0]["state"] == "failed" and "needs at least 10" in retried[0]["error"]
    from reyna_desktop.cli import main

    assert main(["process", blob_id, "--processor", "nope"]) == 2
    assert "no processor with id 'nope'" in capsys.readouterr().err


def test_key_sentences_are_ranked_deterministically_and_invented_names_are_caught() -> None:
    from reyna_desktop.processors.summarizer import invented_names, key_sentences

    text = ("Mara found the bottle below the harbour wall. The gulls were loud. Inside the bottle was a letter. "
            "It rained. The letter named Mara's mother. A dog barked somewhere. Mara read the letter twice.")
    first = key_sentences(text)
    assert first == key_sentences(text) and len(first) == 3
    # The sentences about the bottle, the letter and Mara, in the text's order; not the rain or the dog.
    assert first == ["Mara found the bottle below the harbour wall.", "Inside the bottle was a letter.",
                     "Mara read the letter twice."]
    assert invented_names("Mara and Tom found a letter from Ilse.", text) == ["Tom", "Ilse"]
    assert invented_names("Mara found a letter.", text) == []
