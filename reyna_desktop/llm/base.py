"""The one interface every language-model backend offers, and what a call returns.

`complete` takes a plain prompt (for base models: few-shot text with stop sequences); `chat`
takes role/content messages (for models with a chat template). Both stream: `on_token` gets
each piece of text as it is produced, and `should_stop` is asked between tokens, so a cancel
takes effect within one token. A prompt too long for the context is trimmed by `fit_prompt`
(the rule is stated there) and the completion says so.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reyna_desktop.errors import ReynaError
from reyna_desktop.llm.context import fit_messages, fit_prompt

FinishReason = Literal["stop", "length", "cancelled"]
TokenCallback = Callable[[str], None]
StopCheck = Callable[[], bool]


class LLMError(ReynaError):
    """A backend that cannot answer; `retryable` when trying again later may help."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    duration_s: float
    finish_reason: FinishReason
    prompt_trimmed: bool = False
    first_token_at: float | None = None  # time.perf_counter() when the first text arrived

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.duration_s if self.duration_s > 0 else 0.0


@dataclass
class ConnectionReport:
    """What the settings dialog shows after "Test connection"."""

    ok: bool
    backend: str
    model: str = ""
    detail: str = ""
    latency_s: float = 0.0
    models: list[str] = field(default_factory=list)


@dataclass
class Sampling:
    """Sampling options with the backend's settings filled in where a call left them out."""

    temperature: float
    top_p: float
    repeat_penalty: float
    seed: int


class LLMBackend(ABC):
    name: str = ""
    model: str = ""
    n_ctx: int = 2048
    has_chat_template: bool = False

    def __init__(self, defaults: Sampling) -> None:
        self.defaults = defaults

    # -- the calls processors make -------------------------------------------------------

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int = 256,
        temperature: float | None = None,
        top_p: float | None = None,
        stop: Sequence[str] = (),
        repeat_penalty: float | None = None,
        seed: int | None = None,
        on_token: TokenCallback | None = None,
        should_stop: StopCheck | None = None,
    ) -> Completion:
        max_tokens = self.clamp_max_tokens(max_tokens)
        prompt, trimmed = fit_prompt(prompt, self.n_ctx - max_tokens, self.count_tokens)
        sampling = self.sampling(temperature, top_p, repeat_penalty, seed)
        completion = self._timed(
            lambda: self._complete(prompt, max_tokens, sampling, list(stop), on_token, should_stop or _never)
        )
        completion.prompt_trimmed = trimmed
        return completion

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 256,
        temperature: float | None = None,
        top_p: float | None = None,
        stop: Sequence[str] = (),
        repeat_penalty: float | None = None,
        seed: int | None = None,
        on_token: TokenCallback | None = None,
        should_stop: StopCheck | None = None,
    ) -> Completion:
        max_tokens = self.clamp_max_tokens(max_tokens)
        # A few tokens per message for the template's role markers.
        budget = self.n_ctx - max_tokens - 8 * len(messages)
        messages, trimmed = fit_messages(messages, budget, self.count_tokens)
        sampling = self.sampling(temperature, top_p, repeat_penalty, seed)
        completion = self._timed(
            lambda: self._chat(messages, max_tokens, sampling, list(stop), on_token, should_stop or _never)
        )
        completion.prompt_trimmed = trimmed
        return completion

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...

    def test_connection(self) -> ConnectionReport:
        """Ask for one short completion; never raises."""
        began = time.perf_counter()
        try:
            completion = self.complete("The sky is", max_tokens=4, temperature=0.0)
        except ReynaError as exc:
            return ConnectionReport(False, self.name, self.model, str(exc), time.perf_counter() - began)
        detail = f"answered {completion.completion_tokens} tokens at {completion.tokens_per_s:.1f} tokens/s"
        return ConnectionReport(True, self.name, self.model, detail, time.perf_counter() - began)

    def close(self) -> None:  # noqa: B027 - a backend with nothing to free keeps this one
        """Free the model or the connection; the backend is unusable afterwards."""

    # -- what a backend implements -------------------------------------------------------

    @abstractmethod
    def _complete(
        self, prompt: str, max_tokens: int, sampling: Sampling, stop: list[str],
        on_token: TokenCallback | None, should_stop: StopCheck,
    ) -> Completion: ...

    @abstractmethod
    def _chat(
        self, messages: list[dict[str, str]], max_tokens: int, sampling: Sampling, stop: list[str],
        on_token: TokenCallback | None, should_stop: StopCheck,
    ) -> Completion: ...

    # -- shared helpers ------------------------------------------------------------------

    def clamp_max_tokens(self, max_tokens: int) -> int:
        """At most half the context goes to the answer, so the prompt always keeps room."""
        return max(1, min(int(max_tokens), self.n_ctx // 2))

    def sampling(
        self, temperature: float | None, top_p: float | None, repeat_penalty: float | None, seed: int | None
    ) -> Sampling:
        d = self.defaults
        return Sampling(
            temperature=d.temperature if temperature is None else float(temperature),
            top_p=d.top_p if top_p is None else float(top_p),
            repeat_penalty=d.repeat_penalty if repeat_penalty is None else float(repeat_penalty),
            seed=d.seed if seed is None else int(seed),
        )

    @staticmethod
    def _timed(call: Callable[[], Completion]) -> Completion:
        began = time.perf_counter()
        completion = call()
        completion.duration_s = time.perf_counter() - began
        return completion


def _never() -> bool:
    return False


def describe_exception(exc: BaseException) -> str:
    """A one-line reason for logs and job errors."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]


def as_dict(completion: Completion) -> dict[str, Any]:
    return {
        "text": completion.text, "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens, "duration_s": round(completion.duration_s, 4),
        "finish_reason": completion.finish_reason, "prompt_trimmed": completion.prompt_trimmed,
    }
