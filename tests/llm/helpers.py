"""Shared pieces of the model tests: the real default model, settings for it, a started runner.

Imported by the tests in tests/llm and tests/processors. Generation is greedy
(temperature 0, fixed seed) and short; the model is loaded once per process (shared_backend).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reyna_desktop.llm.model_files import default_model_path
from reyna_desktop.processors.registry import ProcessorRegistry
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.settings import LLMSettings, Settings
from reyna_desktop.store import Store

N_CTX = 2048


def embedded_settings(model: Path, **llm: object) -> Settings:
    base = {"model_path": str(model), "n_ctx": N_CTX, "n_threads": 2, "temperature": 0.0, "seed": 7,
            "repeat_penalty": 1.15}
    return Settings(llm=LLMSettings.model_validate({**base, **llm}))


def start_runner(store: Store, settings: Settings, registry: ProcessorRegistry | None = None) -> JobRunner:
    runner = JobRunner(store, settings, registry, retry_base_s=0.05, poll_interval_s=0.05)
    runner.start()
    assert runner.owns_queue
    return runner


@pytest.fixture(scope="session")
def model_path(session_cache: Path) -> Path:
    """The default model, assembled into this run's cache dir the first time (size-checked after)."""
    return default_model_path(session_cache)


# Gemma's own turn markers (the 270M base tokenizer knows them), as an instruction model's template.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<start_of_turn>"
    "{{ 'model' if message['role'] == 'assistant' else 'user' }}\n{{ message['content'] | trim }}<end_of_turn>\n"
    "{% endfor %}<start_of_turn>model\n"
)


@pytest.fixture(scope="session")
def template_model_path(model_path: Path, session_cache: Path) -> Path:
    """The default model rewritten by the gguf package with `tokenizer.chat_template` in its metadata."""
    target = session_cache / "models" / "gemma-3-270m-chat-template.gguf"
    if not target.exists():
        template = session_cache / "chat_template.jinja"
        template.write_text(CHAT_TEMPLATE, encoding="utf-8")
        partial = target.with_suffix(".part")
        subprocess.run([sys.executable, "-m", "gguf.scripts.gguf_new_metadata", str(model_path), str(partial),
                        "--chat-template-file", str(template), "--force"], check=True, capture_output=True)
        partial.rename(target)
    return target


@pytest.fixture
def llm_settings(model_path: Path) -> Settings:
    return embedded_settings(model_path)


@pytest.fixture
def runner(store: Store, llm_settings: Settings) -> Iterator[JobRunner]:
    started = start_runner(store, llm_settings)
    yield started
    started.stop()


def text_blob(store: Store, content: str, bucket_name: str = "Drafts", bucket_type: str = "folder") -> str:
    bucket = store.buckets.create(bucket_name, bucket_type)
    return store.blobs.create({"content": content}, bucket_ids=[bucket.id]).id


DRAFT = (
    "The old lighthouse keeper climbed the stairs every night to light the lamp.\n\n"
    "One stormy evening he saw a small ship heading straight for the rocks below."
)
