"""The LLM backends for real: llama-cpp-python in process, and the OpenAI-compatible client
against `python -m llama_cpp.server` serving the default model on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reyna_desktop.llm.base import LLMBackend, LLMError
from reyna_desktop.llm.context import CUT_MARK, fit_prompt
from reyna_desktop.llm.factory import backend_from_settings, shared_backend, test_connection
from reyna_desktop.llm.model_files import check_model_file, default_model_path
from reyna_desktop.settings import LLMSettings, Settings
from reyna_desktop.store import Store
from tests.llm.helpers import DRAFT, N_CTX, embedded_settings, llm_settings, model_path, start_runner, text_blob

__all__ = ["llm_settings", "model_path"]  # fixtures used by name
SERVER_CTX = 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def llama_server(model_path: Path) -> Iterator[str]:
    """The real llama.cpp server with the default model; its OpenAI base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", str(SERVER_CTX), "--n_threads", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "llama_cpp.server exited"
            assert time.monotonic() < deadline, "llama_cpp.server did not answer within 60 s"
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def remote_settings(base_url: str, **llm: object) -> Settings:
    base = {"backend": "openai", "base_url": base_url, "n_ctx": SERVER_CTX, "temperature": 0.0, "seed": 7,
            "request_timeout_s": 60}
    return Settings(llm=LLMSettings.model_validate({**base, **llm}))


@pytest.fixture
def embedded(llm_settings: Settings) -> LLMBackend:
    return shared_backend(llm_settings.llm)


# -- model files -----------------------------------------------------------------------------


def test_default_model_is_assembled_once_and_checked(model_path: Path, session_cache: Path) -> None:
    assert model_path.parent == session_cache / "models" and model_path.stat().st_size > 200_000_000
    stamp = model_path.stat().st_mtime_ns
    assert default_model_path(session_cache) == model_path and model_path.stat().st_mtime_ns == stamp
    check_model_file(model_path)


def test_model_file_checks_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="does not exist"):
        check_model_file(tmp_path / "none.gguf")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(LLMError, match="not a GGUF model"):
        check_model_file(bad)
    report = test_connection(embedded_settings(bad).llm)
    assert not report.ok and "not a GGUF model" in report.detail


# -- embedded --------------------------------------------------------------------------------


def test_embedded_loads_once_and_streams(embedded: LLMBackend, llm_settings: Settings) -> None:
    assert shared_backend(llm_settings.llm) is embedded  # loaded once per process
    assert embedded.name == "embedded" and embedded.n_ctx == N_CTX and not embedded.has_chat_template
    pieces: list[str] = []
    done = embedded.complete("The capital of France is", max_tokens=8, on_token=pieces.append)
    assert done.text and "".join(pieces) == done.text and done.completion_tokens > 0
    assert done.prompt_tokens == embedded.count_tokens("The capital of France is")
    again = embedded.complete("The capital of France is", max_tokens=8)
    assert again.text == done.text  # greedy: the same answer


def test_embedded_stops_between_tokens(embedded: LLMBackend) -> None:
    pieces: list[str] = []
    done = embedded.complete("Once upon a time", max_tokens=64, on_token=pieces.append,
                             should_stop=lambda: len(pieces) >= 3)
    assert done.finish_reason == "cancelled" and len(pieces) == 3


@pytest.mark.slow
def test_an_over_long_prompt_is_trimmed_by_the_stated_rule(embedded: LLMBackend) -> None:
    head = "Instructions: continue the list.\n"
    prompt = head + " ".join(f"item{i}" for i in range(4000)) + "\nLast line:"
    fitted, trimmed = fit_prompt(prompt, 500, embedded.count_tokens)
    assert trimmed and embedded.count_tokens(fitted) <= 500 and CUT_MARK in fitted
    assert fitted.startswith(head) and fitted.endswith("\nLast line:")  # the start and the end are kept
    done = embedded.complete(prompt, max_tokens=4)
    assert done.prompt_trimmed and done.prompt_tokens + 4 <= embedded.n_ctx


def test_chat_on_a_base_model_uses_a_transcript(embedded: LLMBackend) -> None:
    done = embedded.chat([{"role": "system", "content": "You answer briefly."},
                          {"role": "user", "content": "What colour is the sky?"}], max_tokens=8)
    assert done.text.strip() and "User:" not in done.text


def test_connection_report_for_the_embedded_model(llm_settings: Settings) -> None:
    report = test_connection(llm_settings.llm)
    assert report.ok and report.backend == "embedded" and "tokens" in report.detail


# -- remote (OpenAI-compatible) --------------------------------------------------------------


@pytest.mark.slow
def test_remote_backend_streams_from_a_real_server(llama_server: str) -> None:
    backend = backend_from_settings(remote_settings(llama_server).llm)
    try:
        pieces: list[str] = []
        done = backend.complete("The capital of France is", max_tokens=8, on_token=pieces.append)
        assert done.text and "".join(pieces) == done.text and len(pieces) > 1 and done.completion_tokens > 0
        stopped = backend.complete("Once upon a time", max_tokens=64, should_stop=lambda: len(pieces) >= 12,
                                   on_token=pieces.append)
        assert stopped.finish_reason == "cancelled"
        # Through the server's chat format (a base model may well answer nothing there): no error.
        chatted = backend.chat([{"role": "user", "content": "Say hello."}], max_tokens=6)
        assert chatted.finish_reason in ("stop", "length")
    finally:
        backend.close()
    report = test_connection(remote_settings(llama_server).llm)
    assert report.ok and report.models and report.models[0].endswith(".gguf")


@pytest.mark.slow
def test_a_job_through_the_remote_backend(store: Store, llama_server: str) -> None:
    blob_id = text_blob(store, DRAFT)
    with start_runner(store, remote_settings(llama_server)) as running:
        job = running.wait(running.submit("text-expansion", {"blob_id": blob_id}, {"max_tokens": 12}).id, 120)
    assert job.state == "succeeded", job.error
    meta = store.blobs.get(job.result_blob_id or "").processing_meta
    assert meta["backend"] == "openai" and meta["completion_tokens"] > 0


def test_an_unreachable_server_is_a_clear_retryable_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    backend = backend_from_settings(remote_settings(url).llm)
    with pytest.raises(LLMError, match=f"cannot reach the model server at {url}") as caught:
        backend.complete("Hello", max_tokens=4)
    assert caught.value.retryable
    report = test_connection(remote_settings(url).llm)
    assert not report.ok and "cannot reach" in report.detail


@pytest.mark.slow
def test_an_erroring_server_ends_the_job_with_its_reason(store: Store, llama_server: str) -> None:
    # The settings claim a bigger context than the server has: the server fails the request.
    backend = backend_from_settings(remote_settings(llama_server, n_ctx=8192).llm)
    with pytest.raises(LLMError, match="ended its answer without any text"):
        backend.complete("word " * 3000, max_tokens=4)
    # A wrong path: the server answers 404 for both endpoints.
    wrong = backend_from_settings(remote_settings(llama_server.replace("/v1", "/v9")).llm)
    with pytest.raises(LLMError, match="offers neither /completions nor /chat/completions"):
        wrong.complete("Hello", max_tokens=4)
    blob_id = text_blob(store, "word " * 1500)
    with start_runner(store, remote_settings(llama_server, n_ctx=8192)) as running:
        job = running.wait(running.submit("summarizer", {"blob_id": blob_id}, {"max_tokens": 8}).id, 60)
        assert job.state == "failed" and job.attempts == 3 and "without any text" in (job.error or "")
        assert running.wait(running.submit("style-analyzer", {"blob_id": blob_id}).id, 10).state == "succeeded"
