"""The models installed on this machine: downloaded from the catalogue, or imported .gguf files.

They live in the model folder (`REYNA_MODELS_DIR`, else `<cache dir>/models`, where the default
model is assembled too), listed in `library.json` there: per model its id, file, how it came
(download, copy or reference to a file elsewhere), size, sha256 and what its GGUF header says.
Only checked files are listed: a download enters the list after its size and sha256 check, an
import after `read_gguf_info` accepted it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from reyna_desktop import paths
from reyna_desktop.atomic import atomic_write
from reyna_desktop.errors import ReynaError
from reyna_desktop.llm.catalogue import CatalogueEntry
from reyna_desktop.llm.downloads import Download, ProgressCallback, part_path, sha256_file, state_path
from reyna_desktop.llm.gguf_info import read_gguf_info

INDEX_NAME = "library.json"
Source = Literal["download", "copy", "reference", "bundled"]
_index_lock = threading.Lock()
_running: set[Path] = set()  # files a download in this process is writing now
_running_lock = threading.Lock()


def models_dir() -> Path:
    env = os.environ.get("REYNA_MODELS_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return paths.cache_dir() / "models"


class InstalledModel(BaseModel):
    id: str
    path: str
    source: Source
    size_bytes: int
    sha256: str
    architecture: str
    context_length: int
    has_chat_template: bool
    catalogue_id: str = ""
    verified: bool = False  # True when the sha256 matched a pinned catalogue value


class ModelLibrary:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else models_dir()

    @property
    def index_path(self) -> Path:
        return self.folder / INDEX_NAME

    def installed(self) -> list[InstalledModel]:
        if not self.index_path.exists():
            return []
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            return [InstalledModel.model_validate(item) for item in data.get("models", [])]
        except (OSError, json.JSONDecodeError, ValidationError, AttributeError) as exc:
            raise ReynaError(f"the model list {self.index_path} is unreadable ({exc}); fix or delete it") from exc

    def get(self, model_id: str) -> InstalledModel:
        for model in self.installed():
            if model.id == model_id:
                return model
        known = ", ".join(m.id for m in self.installed()) or "none yet"
        raise ReynaError(f"no installed model {model_id!r} (installed: {known}); see `reyna models list`")

    def _save(self, models: list[InstalledModel]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"models": [m.model_dump() for m in models]}
        atomic_write(self.index_path, json.dumps(data, indent=2).encode("utf-8"))

    def _add(self, model: InstalledModel) -> InstalledModel:
        with _index_lock:
            models = [m for m in self.installed() if m.id != model.id]
            self._save([*models, model])
        return model

    # -- ways in ----------------------------------------------------------------------------

    def new_download(self, entry: CatalogueEntry, *, on_progress: ProgressCallback | None = None,
                     **options: Any) -> Download:
        """A Download for a catalogue entry (it resumes a partial one); run it with `download`."""
        if entry.bundled:
            raise ReynaError(f"{entry.id} ships with Reyna; there is nothing to download")
        size = entry.size_bytes if entry.verified else None  # an unverified size is only a hint
        return Download(entry.url, self.folder / entry.file, size=size, sha256=entry.sha256,
                        on_progress=on_progress, extra={"catalogue_id": entry.id}, **options)

    def download(self, entry: CatalogueEntry, download: Download | None = None, **options: Any) -> InstalledModel:
        """Run the download (blocking) and list the model once its checks passed."""
        return self._install(download or self.new_download(entry, **options), entry.id, entry.id)

    def resume(self, record: dict[str, Any], *, on_progress: ProgressCallback | None = None,
               on_start: Callable[[Download], object] | None = None, **options: Any) -> InstalledModel:
        """Go on with a download that a pause, a crash or a restart left (a `pending_downloads` record),
        from its partial file, with the checks the record names. `on_start` gets the Download (to
        pause or cancel it from another thread) before it runs."""
        target = Path(record["target"])
        catalogue_id = str(record.get("catalogue_id") or "")
        download = Download(str(record["url"]), target, size=record.get("size"), sha256=record.get("sha256"),
                            on_progress=on_progress, extra={"catalogue_id": catalogue_id} if catalogue_id else None,
                            **options)
        if on_start is not None:
            on_start(download)
        return self._install(download, catalogue_id or slug(target.stem), catalogue_id)

    def _install(self, download: Download, model_id: str, catalogue_id: str) -> InstalledModel:
        """Run `download` (one at a time per file in this process) and list the checked model."""
        with _running_lock:
            if download.target in _running:
                raise ReynaError(f"{download.target.name} is already downloading")
            _running.add(download.target)
        try:
            path = download.run()
        finally:
            with _running_lock:
                _running.discard(download.target)
        model = self._describe(path, model_id, "download", download.computed_sha256, catalogue_id)
        model.verified = bool(download.sha256)
        return self._add(model)

    def import_file(self, source: Path, *, copy: bool = True, model_id: str | None = None) -> InstalledModel:
        """Add a local .gguf: copied into the model folder, or referenced where it is."""
        source = Path(source).expanduser().resolve()
        if not source.is_file():
            raise ReynaError(f"{source}: no such file")
        if source.suffix.lower() != ".gguf":
            raise ReynaError(f"{source}: a model file must end in .gguf")
        read_gguf_info(source)  # refuses non-GGUF and truncated files before anything is copied
        model_id = model_id or slug(source.stem)
        if not copy:
            return self._add(self._describe(source, model_id, "reference", sha256_file(source), ""))
        target = self.folder / source.name
        if target.exists() and target.resolve() != source:
            raise ReynaError(f"{target} already exists; remove that model first or import with another name")
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = part_path(target)
        try:
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ReynaError(f"cannot copy {source} into {self.folder}: {exc.strerror or exc}") from exc
        return self._add(self._describe(target, model_id, "copy", sha256_file(target), ""))

    def _describe(self, path: Path, model_id: str, source: Source, sha256: str, catalogue_id: str) -> InstalledModel:
        info = read_gguf_info(path)
        return InstalledModel(id=model_id, path=str(path), source=source, size_bytes=info.size_bytes, sha256=sha256,
                              architecture=info.architecture, context_length=info.context_length,
                              has_chat_template=info.has_chat_template, catalogue_id=catalogue_id)

    # -- way out ----------------------------------------------------------------------------

    def remove(self, model_id: str) -> InstalledModel:
        """Forget a model; delete its file unless it is a reference to a file the user keeps elsewhere."""
        model = self.get(model_id)
        with _index_lock:
            self._save([m for m in self.installed() if m.id != model_id])
        if model.source in ("download", "copy"):
            Path(model.path).unlink(missing_ok=True)
        return model

    def discard_partial(self, entry: CatalogueEntry) -> bool:
        """Delete a paused download of `entry`; True if there was one."""
        target = self.folder / entry.file
        existed = part_path(target).exists() or state_path(target).exists()
        part_path(target).unlink(missing_ok=True)
        state_path(target).unlink(missing_ok=True)
        return existed


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "model"
