"""The remote backend: any OpenAI-compatible server (llama.cpp, Ollama, LM Studio, vLLM, OpenAI),
streamed over server-sent events with httpx.

Prompts go to /v1/completions, which local servers offer and which suits the few-shot prompts
written for base models. A server that has no /v1/completions (HTTP 404) is switched to
/v1/chat/completions for the rest of the session. Token counts for trimming are estimated as
one token per 3 characters (on the safe side for English); the server's own counts, when it
sends them, are what the output records. `repeat_penalty` is not an OpenAI parameter: a server
that refuses it (HTTP 400 naming it) is asked again without it, and not sent it again.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from typing import Any

import httpx

from reyna_desktop.llm.base import (
    Completion,
    ConnectionReport,
    LLMBackend,
    LLMError,
    Sampling,
    StopCheck,
    TokenCallback,
    describe_exception,
)

CHARS_PER_TOKEN = 3.0


class OpenAIBackend(LLMBackend):
    name = "openai"

    def __init__(
        self,
        base_url: str,
        *,
        defaults: Sampling,
        api_key: str = "",
        model: str = "",
        n_ctx: int = 2048,
        timeout_s: float = 120.0,
    ) -> None:
        super().__init__(defaults)
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.n_ctx = n_ctx
        self.has_chat_template = False
        self._send_repeat_penalty = True
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)),
        )

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN) + 1

    def models(self) -> list[str]:
        """The model ids the server offers (GET /models)."""
        response = self._request("GET", "/models")
        data = response.json().get("data") or []
        return [str(m.get("id")) for m in data if isinstance(m, dict) and m.get("id")]

    def test_connection(self) -> ConnectionReport:
        began = time.perf_counter()
        try:
            models = self.models()
        except LLMError as exc:
            return ConnectionReport(False, self.name, self.model, str(exc), time.perf_counter() - began)
        report = super().test_connection()
        report.models = models
        report.latency_s = time.perf_counter() - began
        return report

    # -- calls ---------------------------------------------------------------------------

    def _complete(
        self, prompt: str, max_tokens: int, sampling: Sampling, stop: list[str],
        on_token: TokenCallback | None, should_stop: StopCheck,
    ) -> Completion:
        if self.has_chat_template:
            return self._chat([{"role": "user", "content": prompt}], max_tokens, sampling, stop, on_token, should_stop)
        body = {"prompt": prompt, **self._body(max_tokens, sampling, stop)}
        try:
            return self._stream("/completions", body, prompt, on_token, should_stop)
        except _NoEndpoint:
            self.has_chat_template = True
            return self._chat([{"role": "user", "content": prompt}], max_tokens, sampling, stop, on_token, should_stop)

    def _chat(
        self, messages: list[dict[str, str]], max_tokens: int, sampling: Sampling, stop: list[str],
        on_token: TokenCallback | None, should_stop: StopCheck,
    ) -> Completion:
        body = {"messages": messages, **self._body(max_tokens, sampling, stop)}
        text = "\n".join(m.get("content", "") for m in messages)
        try:
            return self._stream("/chat/completions", body, text, on_token, should_stop)
        except _NoEndpoint as exc:
            raise LLMError(f"the server at {self.base_url} offers neither /completions nor /chat/completions") from exc

    def _body(self, max_tokens: int, sampling: Sampling, stop: list[str]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model or "default", "max_tokens": max_tokens, "temperature": sampling.temperature,
            "top_p": sampling.top_p, "stream": True,
        }
        if self._send_repeat_penalty:
            body["repeat_penalty"] = sampling.repeat_penalty
        if stop:
            body["stop"] = stop[:4]  # OpenAI accepts at most four
        if sampling.seed >= 0:
            body["seed"] = sampling.seed
        return body

    def _stream(
        self, path: str, body: dict[str, Any], prompt_text: str, on_token: TokenCallback | None, should_stop: StopCheck
    ) -> Completion:
        try:
            return self._stream_once(path, body, prompt_text, on_token, should_stop)
        except LLMError as exc:
            if "repeat_penalty" not in body or "HTTP 400" not in str(exc) or "repeat_penalty" not in str(exc):
                raise
            self._send_repeat_penalty = False
            body = {k: v for k, v in body.items() if k != "repeat_penalty"}
            return self._stream_once(path, body, prompt_text, on_token, should_stop)

    def _stream_once(
        self, path: str, body: dict[str, Any], prompt_text: str, on_token: TokenCallback | None, should_stop: StopCheck
    ) -> Completion:
        parts: list[str] = []
        finish: Any = "stop"
        usage: dict[str, Any] = {}
        first_at: float | None = None
        stream_state = {"done": False}
        url = f"{self.base_url}{path}"
        try:
            with self._client.stream("POST", path, json=body) as response:
                if response.status_code == 404:
                    raise _NoEndpoint(url)
                if response.status_code >= 400:
                    response.read()
                    raise _http_error(url, response)
                for event in _sse_events(response.iter_lines(), stream_state):
                    usage = event.get("usage") or usage
                    choices = event.get("choices") or []
                    if not choices:
                        continue
                    choice = choices[0]
                    piece = choice.get("text")
                    if piece is None:
                        piece = (choice.get("delta") or {}).get("content") or ""
                    if piece:
                        first_at = first_at or time.perf_counter()
                        parts.append(piece)
                        if on_token is not None:
                            on_token(piece)
                    finish = choice.get("finish_reason") or finish
                    if should_stop():
                        break  # leaving the block closes the connection; the server stops generating
        except httpx.TransportError as exc:
            raise LLMError(
                f"cannot reach the model server at {self.base_url} ({describe_exception(exc)}); "
                "is it running? Check the URL in Settings → Model", retryable=True,
            ) from exc
        text = "".join(parts)
        if should_stop():
            finish = "cancelled"
        elif not stream_state["done"] and not text:
            raise LLMError(
                f"the model server at {url} ended its answer without any text or end marker; "
                "it probably failed (a prompt longer than its context?); see the server's log",
                retryable=True,
            )
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or self.count_tokens(prompt_text)),
            completion_tokens=int(usage.get("completion_tokens") or len(parts)),
            duration_s=0.0, finish_reason=finish if finish in ("stop", "length", "cancelled") else "stop",
            first_token_at=first_at,
        )

    def _request(self, method: str, path: str) -> httpx.Response:
        url = f"{self.base_url}{path}"
        try:
            response = self._client.request(method, path)
        except httpx.TransportError as exc:
            raise LLMError(
                f"cannot reach the model server at {self.base_url} ({describe_exception(exc)})", retryable=True
            ) from exc
        if response.status_code >= 400:
            raise _http_error(url, response)
        return response

    def close(self) -> None:
        self._client.close()


class _NoEndpoint(Exception):
    """The server answered 404 for an endpoint."""


def _http_error(url: str, response: httpx.Response) -> LLMError:
    detail = response.text.strip()
    try:
        parsed = response.json()
        error = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(error, dict):
            detail = str(error.get("message") or detail)
        elif isinstance(parsed, dict) and parsed.get("detail"):
            detail = str(parsed["detail"])
    except (json.JSONDecodeError, ValueError):
        pass
    status = response.status_code
    return LLMError(
        f"the model server at {url} answered HTTP {status}: {detail[:300] or response.reason_phrase}",
        retryable=status >= 500 or status == 429,
    )


def _sse_events(lines: Iterator[str], state: dict[str, bool]) -> Iterator[dict[str, Any]]:
    """The JSON payloads of an SSE stream's `data:` lines, up to `[DONE]` (noted in `state`)."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            state["done"] = True
            return
        try:
            event = json.loads(payload)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            if event.get("error"):
                message = event["error"].get("message") if isinstance(event["error"], dict) else event["error"]
                raise LLMError(f"the model server reported an error mid-stream: {message}", retryable=True)
            yield event
