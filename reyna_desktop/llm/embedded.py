"""The embedded backend: llama-cpp-python running a GGUF model inside the app's process.

Before loading, the file's GGUF header is read and the RAM it needs at the chosen context is
compared with the memory available (`gguf_info.check_memory`): a model that would not fit is
refused with the numbers instead of being paged into swap. A model whose GGUF metadata carries
`tokenizer.chat_template` gets chat through exactly that template (llama-cpp-python's Jinja2
chat formatter, set as the model's chat handler so nothing is guessed from the model's name);
one without (a base model) gets chat as a plain transcript.

A `Llama` object must not be used by two threads at once, so every call holds `_lock`; in the
app only the runner's model worker calls it, and the lock keeps other callers (the CLI's chat,
the bench) safe. Cancelling: llama.cpp asks our stopping criterion after every token.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from reyna_desktop.llm.base import Completion, LLMBackend, LLMError, Sampling, StopCheck, TokenCallback
from reyna_desktop.llm.gguf_info import check_memory, read_gguf_info
from reyna_desktop.llm.model_files import check_model_file
from reyna_desktop.llm.transcript import render_transcript

log = logging.getLogger(__name__)
_llama_log_hook: Any = None


def route_llama_logs() -> None:
    """llama.cpp writes its own log lines to stderr; send them to our log (debug level) instead,
    so the CLI's stderr carries only what the user needs to read."""
    global _llama_log_hook
    if _llama_log_hook is not None:
        return
    import ctypes

    import llama_cpp

    def forward(level: int, text: bytes, user_data: Any) -> None:
        log.debug("llama.cpp: %s", text.decode("utf-8", "replace").rstrip())

    _llama_log_hook = llama_cpp.llama_log_callback(forward)  # kept alive: C holds the pointer
    llama_cpp.llama_log_set(_llama_log_hook, ctypes.c_void_p(0))


class EmbeddedBackend(LLMBackend):
    name = "embedded"

    def __init__(
        self, model_path: Path, *, defaults: Sampling, n_ctx: int = 2048, n_threads: int = 0, n_gpu_layers: int = 0
    ) -> None:
        super().__init__(defaults)
        check_model_file(model_path)
        self.info = read_gguf_info(model_path)
        check_memory(self.info, n_ctx)
        route_llama_logs()
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        began = time.perf_counter()
        try:
            self._llm = Llama(
                model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads or os.cpu_count() or 1,
                n_gpu_layers=n_gpu_layers, verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMError(
                f"llama.cpp could not load the model file {model_path} ({exc}); the file may be corrupt "
                "or hold a model this version does not support"
            ) from exc
        self.load_s = time.perf_counter() - began
        self.path = model_path
        self.model = model_path.name
        self.n_ctx = int(self._llm.n_ctx())
        template = self._llm.metadata.get("tokenizer.chat_template", "")
        self.has_chat_template = bool(template)
        self.chat_formatter: Jinja2ChatFormatter | None = None
        if template:
            eos, bos = self._llm.token_eos(), self._llm.token_bos()
            # As llama-cpp-python builds it from the metadata; the rendered prompt carries the BOS
            # text itself, so its handler adds no second BOS token.
            self.chat_formatter = Jinja2ChatFormatter(
                template=template, eos_token=self._token_text(eos), bos_token=self._token_text(bos),
                stop_token_ids=[eos],
            )
            self._llm.chat_handler = self.chat_formatter.to_chat_handler()
        self._lock = threading.Lock()
        self.last_first_token_at: float | None = None  # for the bench: when the newest call's first text came
        log.info("loaded %s in %.2fs (n_ctx=%d)", model_path, self.load_s, self.n_ctx)

    def _token_text(self, token: int) -> str:
        return self._llm._model.token_get_text(token) if token != -1 else ""

    def chat_prompt(self, messages: list[dict[str, str]]) -> str:
        """The text the model reads for these messages: its chat template applied, or the transcript."""
        if self.chat_formatter is None:
            return render_transcript(messages)[0]
        return self.chat_formatter(messages=messages).prompt  # type: ignore[arg-type]

    def count_tokens(self, text: str) -> int:
        # +1: the BOS token llama.cpp puts in front of every prompt.
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)) + 1

    def _complete(
        self, prompt: str, max_tokens: int, sampling: Sampling, stop: list[str],
        on_token: TokenCallback | None, should_stop: StopCheck,
    ) -> Completion:
        from llama_cpp import StoppingCriteriaList

        def stop_between_tokens(_ids: Any, _logits: Any) -> bool:
            return should_stop()

        with self._lock:
            prompt_tokens = self.count_tokens(prompt)
            stream = self._llm.create_completion(
                prompt, max_tokens=max_tokens, temperature=sampling.temperature, top_p=sampling.top_p,
                repeat_penalty=sampling.repeat_penalty, stop=stop or None, stream=True,
                seed=sampling.seed if sampling.seed >= 0 else None,
                stopping_criteria=StoppingCriteriaList([stop_between_tokens]),
            )
            text, finish, first_at = self._drain(stream, on_token, should_stop)
        return Completion(
            text=text, prompt_tokens=prompt_tokens, completion_tokens=self.count_tokens(text) - 1 if text else 0,
            duration_s=0.0, finish_reason=finish, first_token_at=first_at,
        )

    def _chat(
        self, messages: list[dict[str, str]], max_tokens: int, sampling: Sampling, stop: list[str],
        on_token: TokenCallback | None, should_stop: StopCheck,
    ) -> Completion:
        if not self.has_chat_template:
            prompt, transcript_stop = render_transcript(messages)
            return self._complete(prompt, max_tokens, sampling, [*stop, *transcript_stop], on_token, should_stop)
        with self._lock:
            prompt_tokens = len(self._llm.tokenize(self.chat_prompt(messages).encode("utf-8"), add_bos=False,
                                                   special=True))
            stream: Any = self._llm.create_chat_completion(
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens, temperature=sampling.temperature, top_p=sampling.top_p,
                repeat_penalty=sampling.repeat_penalty, stop=stop or None, stream=True,
                seed=sampling.seed if sampling.seed >= 0 else None,
            )
            chunks = ({"choices": [{"text": (c["choices"][0].get("delta") or {}).get("content") or "",
                                    "finish_reason": c["choices"][0].get("finish_reason")}]} for c in stream)
            text, finish, first_at = self._drain(chunks, on_token, should_stop)
        return Completion(
            text=text, prompt_tokens=prompt_tokens, completion_tokens=self.count_tokens(text) - 1 if text else 0,
            duration_s=0.0, finish_reason=finish, first_token_at=first_at,
        )

    def _drain(
        self, stream: Any, on_token: TokenCallback | None, should_stop: StopCheck
    ) -> tuple[str, Any, float | None]:
        """Read a llama.cpp stream, passing text on as it comes; stop early on request."""
        parts: list[str] = []
        finish: Any = "stop"
        first_at: float | None = None
        for chunk in stream:
            choice = chunk["choices"][0]
            piece = choice.get("text") or ""
            if piece:
                if first_at is None:
                    first_at = self.last_first_token_at = time.perf_counter()
                parts.append(piece)
                if on_token is not None:
                    on_token(piece)
            finish = choice.get("finish_reason") or finish
            if should_stop():
                break
        if should_stop():
            finish = "cancelled"
        return "".join(parts), finish if finish in ("stop", "length", "cancelled") else "stop", first_at

    def close(self) -> None:
        with self._lock:
            self._llm.close()
