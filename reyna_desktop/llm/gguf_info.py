"""What a GGUF file says about itself (read with the `gguf` package), and how much RAM it needs.

`read_gguf_info` refuses a file that is not GGUF or is truncated (its tensors reach past the
end of the file) with a message naming the file. `estimate_ram` adds the KV cache at a given
context to the file's size: llama.cpp maps the whole file and allocates the cache up front.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reyna_desktop.llm.base import LLMError

GGUF_MAGIC = b"GGUF"
KV_BYTES_PER_VALUE = 2  # llama.cpp's default KV cache type is f16
COMPUTE_OVERHEAD_BYTES = 64 * 1024 * 1024  # scratch buffers, measured at ~40-60 MB for small models


@dataclass
class GGUFInfo:
    path: str
    size_bytes: int
    architecture: str
    name: str
    context_length: int
    block_count: int
    embedding_length: int
    head_count: int
    head_count_kv: int
    key_length: int
    value_length: int
    chat_template: str
    tensor_count: int

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["has_chat_template"] = self.has_chat_template
        return data


class NotAModel(LLMError):
    """A file that is not a complete GGUF model."""


def read_gguf_info(path: Path) -> GGUFInfo:
    """The metadata of a GGUF file; raise NotAModel when it is not GGUF or is cut short."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
        size = path.stat().st_size
    except OSError as exc:
        raise NotAModel(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if magic != GGUF_MAGIC:
        raise NotAModel(f"{path} is not a GGUF model (it does not start with 'GGUF')")
    from gguf import GGUFReader

    try:
        reader = GGUFReader(str(path), "r")
    except (ValueError, IndexError, OSError, KeyError) as exc:
        # The reader walks the header and tensor table; a file cut inside them fails here.
        raise NotAModel(f"{path} is a damaged or truncated GGUF file ({exc})") from exc
    end = max((t.data_offset + int(t.n_bytes) for t in reader.tensors), default=reader.data_offset)
    if end > size:
        raise NotAModel(
            f"{path} is truncated: its tensors need {end} bytes but the file has {size} "
            f"({100 * size / end:.1f}% of it); download or copy it again"
        )
    fields = {name: _field_value(field) for name, field in reader.fields.items()}
    arch = str(fields.get("general.architecture", ""))

    def number(key: str, default: int = 0) -> int:
        value = fields.get(f"{arch}.{key}", default)
        return int(value[0] if isinstance(value, list) else value)  # per-layer arrays: take the first

    head_count = number("attention.head_count")
    embedding = number("embedding_length")
    head_dim = embedding // head_count if head_count else 0
    return GGUFInfo(
        path=str(path), size_bytes=size, architecture=arch, name=str(fields.get("general.name", path.stem)),
        context_length=number("context_length"), block_count=number("block_count"), embedding_length=embedding,
        head_count=head_count, head_count_kv=number("attention.head_count_kv", head_count),
        key_length=number("attention.key_length", head_dim), value_length=number("attention.value_length", head_dim),
        chat_template=str(fields.get("tokenizer.chat_template", "")), tensor_count=len(reader.tensors),
    )


def _field_value(field: Any) -> Any:
    try:
        return field.contents()
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


def kv_cache_bytes(info: GGUFInfo, n_ctx: int) -> int:
    """Keys and values for every layer at `n_ctx` tokens, in f16."""
    per_token = info.block_count * info.head_count_kv * (info.key_length + info.value_length)
    return per_token * n_ctx * KV_BYTES_PER_VALUE


def estimate_ram(info: GGUFInfo, n_ctx: int) -> int:
    """Bytes of RAM the model needs loaded at `n_ctx`: weights + KV cache + scratch buffers."""
    return info.size_bytes + kv_cache_bytes(info, n_ctx) + COMPUTE_OVERHEAD_BYTES


def available_ram() -> int:
    """Bytes of memory available to a new allocation without swapping (Linux: MemAvailable)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")


def total_ram() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_memory(info: GGUFInfo, n_ctx: int, available: int | None = None) -> None:
    """Refuse, with the numbers, a model that would not fit in the memory available now."""
    need = estimate_ram(info, n_ctx)
    have = available_ram() if available is None else available
    if need > have:
        raise LLMError(
            f"{Path(info.path).name} needs about {gib(need)} of RAM at a context of {n_ctx} tokens "
            f"({gib(info.size_bytes)} of weights + {gib(kv_cache_bytes(info, n_ctx))} of KV cache) but only "
            f"{gib(have)} is available; close other programs, lower the context size, or pick a smaller model"
        )


def gib(n: int | float) -> str:
    return f"{n / 1024**3:.2f} GiB"
