"""Per-task models, chat through the GGUF's own chat template, and the memory check before loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reyna_desktop.llm.base import LLMError
from reyna_desktop.llm.embedded import EmbeddedBackend
from reyna_desktop.llm.factory import release_shared, sampling_defaults, shared_backend
from reyna_desktop.llm.gguf_info import check_memory, estimate_ram, read_gguf_info
from reyna_desktop.llm.transcript import render_transcript
from reyna_desktop.processors.registry import default_registry
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.store import Store
from tests.llm.helpers import embedded_settings, model_path, template_model_path  # noqa: F401  (fixtures)

MESSAGES = [{"role": "user", "content": "Write one sentence about the sea."}]


def test_chat_goes_through_the_template_in_the_gguf_metadata(template_model_path: Path) -> None:  # noqa: F811
    llm = embedded_settings(template_model_path).llm
    backend = EmbeddedBackend(template_model_path, defaults=sampling_defaults(llm), n_ctx=1024, n_threads=2)
    try:
        assert backend.has_chat_template and read_gguf_info(template_model_path).has_chat_template
        prompt = backend.chat_prompt(MESSAGES)
        assert prompt == ("<bos><start_of_turn>user\nWrite one sentence about the sea.<end_of_turn>\n"
                          "<start_of_turn>model")
        chat = backend.chat(MESSAGES, max_tokens=8, temperature=0.0, seed=7, repeat_penalty=1.0)
        # The same prompt given as tokens (special markers as tokens, as a chat handler does) gives the same text.
        tokens = backend._llm.tokenize(prompt.encode(), add_bos=False, special=True)
        direct: Any = backend._llm.create_completion(tokens, max_tokens=8, temperature=0.0, seed=7, repeat_penalty=1.0)
        assert chat.text == direct["choices"][0]["text"] and chat.text.strip()
        assert chat.prompt_tokens == len(tokens) and tokens[0] == backend._llm.token_bos()
    finally:
        backend.close()


def test_a_base_model_chats_through_the_transcript(model_path: Path) -> None:  # noqa: F811
    backend = shared_backend(embedded_settings(model_path).llm)
    assert isinstance(backend, EmbeddedBackend) and not backend.has_chat_template
    assert backend.chat_prompt(MESSAGES) == render_transcript(MESSAGES)[0]


def test_each_task_gets_its_model_and_one_model_is_loaded_once(
    model_path: Path, template_model_path: Path, store: Store  # noqa: F811
) -> None:
    release_shared()
    same = embedded_settings(model_path).llm
    assert shared_backend(same, "chat") is shared_backend(same, "expansion")
    split = embedded_settings(model_path, chat_model_path=str(template_model_path))
    expansion, chat = shared_backend(split.llm, "expansion"), shared_backend(split.llm, "chat")
    assert not expansion.has_chat_template and chat.has_chat_template
    registry = default_registry()
    runner = JobRunner(store, split, registry)
    assert runner._backend(registry.get("text-expansion")) is expansion
    assert runner._backend(registry.get("chat")) is chat
    assert runner._backend(registry.get("summarizer")) is chat
    release_shared()


def test_a_model_that_does_not_fit_is_refused_with_the_numbers(model_path: Path) -> None:  # noqa: F811
    info = read_gguf_info(model_path)
    need = estimate_ram(info, 4096)
    assert need > info.size_bytes
    check_memory(info, 4096, available=need + 1)
    with pytest.raises(LLMError, match=r"needs about 0\.\d\d GiB of RAM at a context of 4096 tokens \(0\.24 GiB of "
                                       r"weights \+ 0\.\d\d GiB of KV cache\) but only 0\.10 GiB is available"):
        check_memory(info, 4096, available=105 * 1024**2)
    with pytest.raises(LLMError, match="was trained for 32768 tokens of context; the context size 65536"):
        check_memory(info, 65536, available=need * 100)
