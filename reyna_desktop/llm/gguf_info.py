"""What a GGUF file says about itself (read with the `gguf` package), and how much RAM it needs.

`read_gguf_info` refuses a file that is not GGUF or is truncated (its tensors reach past the
end of the file) with a message naming the file. `estimate_ram` adds the KV cache at a given
context to the file's size: llama.cpp maps the whole file and allocates the cache up front.
"""

from __future__ import annotations

import mmap
import os
import struct
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
        size = path.stat().st_size
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise NotAModel(f"{path} is not a GGUF model (it does not start with 'GGUF')")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                header = _Header(data)
                fields, tensors_end = header.read()
    except OSError as exc:
        raise NotAModel(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (struct.error, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise NotAModel(f"{path} is a damaged or truncated GGUF file: its header cannot be read ({exc})") from exc
    if tensors_end > size:
        raise NotAModel(
            f"{path} is truncated: its tensors need {tensors_end} bytes but the file has {size} "
            f"({100 * size / tensors_end:.1f}% of it); download or copy it again"
        )
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
        chat_template=str(fields.get("tokenizer.chat_template", "")), tensor_count=header.tensor_count,
    )


class _Header:
    """A walk over a GGUF header (v2/v3, little-endian) using the gguf package's type tables.

    gguf's own GGUFReader builds a numpy view per vocabulary entry, which takes tens of seconds
    for a 262k-token vocabulary; this keeps scalars and short arrays and skips the long ones.
    """

    KEEP_ARRAY_ITEMS = 1024

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.at = 4
        self.tensor_count = 0

    def read(self) -> tuple[dict[str, Any], int]:
        """The key/value fields, and the byte where the last tensor's data ends."""
        from gguf import GGML_QUANT_SIZES, GGUF_DEFAULT_ALIGNMENT, GGMLQuantizationType

        version, self.tensor_count, kv_count = self._unpack("<IQQ")
        if version not in (2, 3):
            raise ValueError(f"GGUF version {version} is not supported")
        fields: dict[str, Any] = {}
        for _ in range(kv_count):
            key = self._string()
            (kind,) = self._unpack("<I")
            fields[key] = self._value(kind)
        end = 0
        for _ in range(self.tensor_count):
            self._string()
            (n_dims,) = self._unpack("<I")
            dims = self._unpack(f"<{n_dims}Q")
            kind, offset = self._unpack("<IQ")
            block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(kind)]
            elements = 1
            for dim in dims:
                elements *= dim
            end = max(end, offset + elements // block * type_size)
        alignment = int(fields.get("general.alignment", GGUF_DEFAULT_ALIGNMENT))
        data_start = -(-self.at // alignment) * alignment
        return fields, data_start + end

    def _unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def _string(self) -> str:
        (length,) = self._unpack("<Q")
        if self.at + length > len(self.data):
            raise ValueError("a string runs past the end of the file")
        text = self.data[self.at:self.at + length].decode("utf-8")
        self.at += length
        return text

    def _value(self, kind: int) -> Any:
        from gguf import GGUFValueType

        value_type = GGUFValueType(kind)
        if value_type == GGUFValueType.STRING:
            return self._string()
        if value_type == GGUFValueType.ARRAY:
            item_kind, count = self._unpack("<IQ")
            items = [self._value(item_kind) for _ in range(min(count, self.KEEP_ARRAY_ITEMS))]
            self._skip(item_kind, count - len(items))
            return items
        (value,) = self._unpack("<" + _SCALAR_FORMATS[kind])
        return bool(value) if value_type == GGUFValueType.BOOL else value

    def _skip(self, kind: int, count: int) -> None:
        if kind in _SCALAR_FORMATS:
            self.at += struct.calcsize(_SCALAR_FORMATS[kind]) * count
            return
        if kind != 8:  # arrays of arrays: walk them
            for _ in range(count):
                self._value(kind)
            return
        for _ in range(count):  # strings (the vocabulary): only their lengths are read
            self.at += 8 + struct.unpack_from("<Q", self.data, self.at)[0]
        if self.at > len(self.data):
            raise ValueError("an array runs past the end of the file")


# GGUFValueType -> struct format (the numbering is the GGUF spec's, as in gguf.GGUFValueType)
_SCALAR_FORMATS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


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
    """Refuse, with the numbers, a model that would not fit in the memory available now, or a
    context longer than the model was trained for (it would answer garbage past that)."""
    if info.context_length and n_ctx > info.context_length:
        raise LLMError(f"{Path(info.path).name} was trained for {info.context_length} tokens of context; "
                       f"the context size {n_ctx} in Settings is longer: lower it to {info.context_length} or less")
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
