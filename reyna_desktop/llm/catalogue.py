"""The catalogue of recommended models (`resources/models.json`) and whether each fits this machine.

The file is meant to be edited: one entry per GGUF file with where to get it, its size and
sha256 (null where they could not be checked: `verified` says which), its licence, context
length, the RAM it needs, its chat template family and what it is good for.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from reyna_desktop import paths
from reyna_desktop.errors import ReynaError
from reyna_desktop.llm.gguf_info import available_ram, gib, total_ram

BUNDLED_URL_PREFIX = "bundled:"
DISK_MARGIN_BYTES = 512 * 1024 * 1024  # leave the disk some room after a download
SLOW_ON_CPU_BYTES = 8 * 1024**3  # above this, CPU-only generation runs at a few tokens/s at best


class CatalogueEntry(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    file: str = Field(pattern=r"^[^/\\]+\.gguf$")
    url: str
    size_bytes: int = Field(gt=0)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    verified: bool = False
    checked_from: str = ""  # where a pinned size and sha256 came from
    licence: str
    context_length: int = Field(gt=0)
    context_default: int = Field(2048, gt=0)
    ram_gb: float = Field(gt=0)
    template: str
    instruct: bool
    good_for: str

    @property
    def bundled(self) -> bool:
        return self.url.startswith(BUNDLED_URL_PREFIX)


class Catalogue(BaseModel):
    version: int
    about: str = ""
    models: list[CatalogueEntry]

    def get(self, model_id: str) -> CatalogueEntry:
        for entry in self.models:
            if entry.id == model_id:
                return entry
        known = ", ".join(e.id for e in self.models)
        raise ReynaError(f"no model {model_id!r} in the catalogue (known: {known})")


def catalogue_path() -> Path:
    return paths.resources_dir() / "models.json"


def load_catalogue(path: Path | None = None) -> Catalogue:
    path = path or catalogue_path()
    try:
        catalogue = Catalogue.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ReynaError(f"cannot read the model catalogue {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ReynaError(f"model catalogue {path}: line {exc.lineno}: {exc.msg}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReynaError(f"model catalogue {path}: {where}: {first['msg']}") from exc
    ids = [e.id for e in catalogue.models]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ReynaError(f"model catalogue {path}: the id {duplicates[0]!r} is used twice")
    return catalogue


@dataclass
class Machine:
    """What decides whether a model fits: memory, the model folder's free disk, GPU offload."""

    total_ram: int
    available_ram: int
    free_disk: int
    gpu_offload: bool

    @classmethod
    def probe(cls, models_folder: Path) -> Machine:
        folder = models_folder
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return cls(total_ram=total_ram(), available_ram=available_ram(),
                   free_disk=shutil.disk_usage(folder).free, gpu_offload=gpu_offload_supported())


def gpu_offload_supported() -> bool:
    """True when this llama-cpp-python build can put layers on a GPU (CUDA, Metal, Vulkan...)."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def accelerator_text() -> str:
    if gpu_offload_supported():
        return "This llama.cpp build can offload layers to a GPU (set GPU layers)"
    return "This llama.cpp build is CPU-only: GPU layers have no effect"


@dataclass
class Fit:
    fits: bool
    reason: str


def fit(entry: CatalogueEntry, machine: Machine, *, installed: bool = False) -> Fit:
    """Whether `entry` can run here, with the reason in words."""
    need_ram = int(entry.ram_gb * 1024**3)
    if need_ram > machine.total_ram:
        return Fit(False, f"needs {gib(need_ram)} of RAM; this machine has {gib(machine.total_ram)}")
    if not installed and not entry.bundled and entry.size_bytes + DISK_MARGIN_BYTES > machine.free_disk:
        return Fit(False, f"needs {gib(entry.size_bytes)} of disk; the model folder has {gib(machine.free_disk)} free")
    where = "GPU offload available" if machine.gpu_offload else "CPU only"
    if not machine.gpu_offload and entry.size_bytes > SLOW_ON_CPU_BYTES:
        where = "CPU only: expect a few tokens/s at best"
    if need_ram > machine.available_ram:
        return Fit(True, f"fits this machine's {gib(machine.total_ram)} of RAM, but only {gib(machine.available_ram)} "
                         f"is free now ({where})")
    return Fit(True, f"fits: needs {gib(need_ram)} of RAM, {gib(machine.available_ram)} free ({where})")
