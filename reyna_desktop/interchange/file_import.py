"""Import files and folders into a bucket (File → Import…, files dropped on the tree).

One importer per file suffix, registered with `register()`: a format plugs in with one call,
e.g.

    register([".txt"], lambda store, path, bucket_id: Imported([store.blobs.create(...).id]))

Projects of other writing tools (a .docx, a novelWriter project, a Scrivener project; see
`importers/`) are registered the same way, and a dropped folder that IS such a project is
imported as one rather than walked file by file.

An import is all or nothing: every blob and sub-bucket is made in one store transaction, so a
failure or a cancel leaves the store as it was. A file that cannot be taken (unknown type, too
large, unreadable) is skipped and named in the summary with the reason; a dropped folder
becomes a sub-bucket of the same name. Hidden and temporary files are left out silently, and
the walk is bounded (MAX_FILES) so a drop of a whole disk cannot hang the import.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange import importers
from reyna_desktop.interchange.folder_sync import is_hidden_or_temporary, read_text_file
from reyna_desktop.schema_ids import CHORDPRO, TEXT_INPUT
from reyna_desktop.store import media

if TYPE_CHECKING:
    from reyna_desktop.store import Store

MAX_FILE_BYTES = 512 * 1024 * 1024  # a long lossless bounce fits; a disk image does not
MAX_FILES = 10_000
FOLDER_TYPE = "folder"


@dataclass
class Imported:
    """What one file's importer made, and what it could not take (shown with the skipped files)."""

    blob_ids: list[str]
    warnings: list[str] = field(default_factory=list)


Importer = Callable[["Store", Path, str], Imported]
"""Makes the blobs for one file in the bucket with this id (inside the import's transaction)."""

_IMPORTERS: dict[str, Importer] = {}


class ImportCancelled(ReynaError):
    """The user cancelled; nothing was imported."""


def register(suffixes: Iterable[str], importer: Importer) -> None:
    """Take files with these suffixes (".docx", case-insensitive) with `importer`."""
    for suffix in suffixes:
        _IMPORTERS[suffix.lower()] = importer


def importable_suffixes() -> list[str]:
    return sorted(_IMPORTERS)


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class ImportPlan:
    """The files to import, each with the folder names (relative to what was dropped) it sits in."""

    files: list[tuple[Path, tuple[str, ...]]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class ImportSummary:
    blob_ids: list[str] = field(default_factory=list)
    bucket_ids: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def message(self) -> str:
        text = f"Imported {len(self.blob_ids)} file(s)"
        if self.bucket_ids:
            text += f" into {len(self.bucket_ids)} new folder bucket(s)"
        if self.skipped:
            text += f"; skipped {len(self.skipped)}"
        return text + "."


def plan_import(paths: Iterable[Path | str], max_files: int = MAX_FILES) -> ImportPlan:
    """What importing these files and folders would take, and what it would skip and why."""
    plan = ImportPlan()
    for given in paths:
        path = Path(given)
        if path.is_dir() and not importers.is_project(path):
            _plan_folder(plan, path, max_files)
        else:
            _plan_file(plan, path, (), max_files)
    return plan


def _plan_folder(plan: ImportPlan, root: Path, max_files: int) -> None:
    for folder, dirs, names in os.walk(root):
        rel = Path(folder).relative_to(root.parent)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not is_hidden_or_temporary(name):
                _plan_file(plan, Path(folder) / name, rel.parts, max_files)


def _plan_file(plan: ImportPlan, path: Path, folders: tuple[str, ...], max_files: int) -> None:
    if len(plan.files) >= max_files:
        if not plan.skipped or not plan.skipped[-1].reason.startswith("too many files"):
            plan.skipped.append(Skipped(str(path), f"too many files (more than {max_files:,} in one import)"))
        return
    if _key(path) not in _IMPORTERS:
        plan.skipped.append(Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}"))
        return
    try:
        size = 0 if path.is_dir() else path.stat().st_size
    except OSError as exc:
        plan.skipped.append(Skipped(str(path), f"unreadable: {exc.strerror or exc}"))
        return
    if size > MAX_FILE_BYTES:
        plan.skipped.append(Skipped(str(path), f"too large ({size // (1024 * 1024):,} MB; the limit is "
                                               f"{MAX_FILE_BYTES // (1024 * 1024):,} MB)"))
        return
    plan.files.append((path, folders))


def import_files(
    store: Store, paths: Iterable[Path | str], bucket_id: str, *,
    on_progress: Callable[[int, int], None] | None = None, is_cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Import files and folders into the bucket, all in one transaction (see the module doc).
    Raises ImportCancelled when is_cancelled() turns true; nothing is kept then."""
    store.buckets.get(bucket_id)
    plan = plan_import(paths)
    summary = ImportSummary(skipped=list(plan.skipped))
    total = len(plan.files)
    folders: dict[tuple[str, ...], str] = {(): bucket_id}
    with store.transaction():
        for done, (path, parts) in enumerate(plan.files):
            if is_cancelled is not None and is_cancelled():
                raise ImportCancelled(f"import cancelled after {done} of {total} files; nothing was imported")
            target = _folder_bucket(store, folders, parts, summary)
            try:
                imported = _IMPORTERS[_key(path)](store, path, target)
            except (OSError, UnicodeError) as exc:
                summary.skipped.append(Skipped(str(path), f"unreadable: {exc}"))
            except ReynaError as exc:
                summary.skipped.append(Skipped(str(path), str(exc)))
            else:
                summary.blob_ids.extend(imported.blob_ids)
                summary.skipped.extend(Skipped(str(path), warning) for warning in imported.warnings)
            if on_progress is not None:
                on_progress(done + 1, total)
    return summary


def _folder_bucket(store: Store, folders: dict[tuple[str, ...], str], parts: tuple[str, ...],
                   summary: ImportSummary) -> str:
    """The bucket for a dropped folder (made on first use, nested as on disk)."""
    if parts not in folders:
        parent = _folder_bucket(store, folders, parts[:-1], summary)
        folders[parts] = store.buckets.create(parts[-1], FOLDER_TYPE, parent_id=parent).id
        summary.bucket_ids.append(folders[parts])
    return folders[parts]


def _key(path: Path) -> str:
    """The registry key for a path: its suffix; a project folder (novelWriter's has none) as a project."""
    if path.is_dir() and importers.is_project(path):
        return PROJECT_FOLDER
    return path.suffix.lower()


# -- the built-in importers ------------------------------------------------------------------

PROJECT_FOLDER = "(project folder)"


def _import_text(store: Store, path: Path, bucket_id: str) -> Imported:
    fmt = "markdown" if path.suffix.lower() in (".md", ".markdown") else "plain"
    data = {"content": read_text_file(path), "format": fmt}
    return Imported([store.blobs.create(data, schema_id=TEXT_INPUT, bucket_ids=[bucket_id], title=path.stem).id])


def _import_chordpro(store: Store, path: Path, bucket_id: str) -> Imported:
    data = {"source": read_text_file(path)}
    return Imported([store.blobs.create(data, schema_id=CHORDPRO, bucket_ids=[bucket_id], title=path.stem).id])


def _import_media(store: Store, path: Path, bucket_id: str) -> Imported:
    schema_id = media.schema_for_path(path)
    assert schema_id is not None
    blob = store.blobs.create(schema_id=schema_id, file=path, filename=path.name, bucket_ids=[bucket_id])
    return Imported([blob.id])


def _import_project(store: Store, path: Path, bucket_id: str) -> Imported:
    """A Word file or another tool's project, as buckets and blobs under the bucket."""
    result = importers.import_project(store, path, bucket_id)
    return Imported(result.blob_ids, result.warnings)


register(media.TEXT, _import_text)
register(media.CHORDPRO, _import_chordpro)
register([*media.AUDIO, *media.IMAGE], _import_media)
register([*importers.PROJECT_SUFFIXES, PROJECT_FOLDER], _import_project)
