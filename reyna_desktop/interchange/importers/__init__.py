"""Imports from other writing tools: a Word .docx, a novelWriter project, a Scrivener 3 project.

    result = import_project(store, Path("Novel.scriv"), into=None,
                            on_progress=lambda f: ..., should_cancel=lambda: False)
    result.root_ids, result.bucket_ids, result.blob_ids, result.warnings

Each format has a reader module that turns the source into an `ImportPlan` without touching the
store (`docx`, `novelwriter`, `scrivener`); `plan.write_plan` then writes it in one transaction.
Bad input raises ReynaError naming the file and what is wrong, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange.importers import docx, novelwriter, scrivener
from reyna_desktop.interchange.importers.plan import (
    CancelFn,
    ImportCancelled,
    ImportPlan,
    ImportResult,
    ProgressFn,
    write_plan,
)

if TYPE_CHECKING:
    from reyna_desktop.store import Store

__all__ = ["HEADING_LEVELS", "PROJECT_SUFFIXES", "ImportCancelled", "ImportResult", "import_project", "is_project",
           "read_project"]
HEADING_LEVELS = docx.HEADING_LEVELS
PROJECT_SUFFIXES = (".docx", ".nwx", ".scrivx")
"""Files that `import_project` reads; a project folder (.scriv, a novelWriter folder) is found by `is_project`."""


def is_project(path: Path) -> bool:
    """Whether `path` is something `import_project` reads (a .docx, a novelWriter or Scrivener project)."""
    return path.suffix.lower() == ".docx" or novelwriter.is_project(path) or scrivener.is_project(path)


def read_project(path: Path, *, headings: str = "parts") -> ImportPlan:
    """The import plan for `path`, whichever tool made it (decided by what the path holds).

    `headings` says what a .docx's Heading 1 starts: "parts" (Heading 2: chapters) or "chapters"
    (Heading 2: scenes)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ReynaError(f"{path}: no such file or folder")
    if path.suffix.lower() == ".docx":
        return docx.read(path, headings)
    if novelwriter.is_project(path):
        return novelwriter.read(path)
    if scrivener.is_project(path):
        return scrivener.read(path)
    raise ReynaError(f"{path}: not a .docx, a novelWriter project (nwProject.nwx) or a Scrivener project (.scriv)")


def import_project(store: Store, path: Path | str, into: str | None = None, *,
                   headings: str = "parts", on_progress: ProgressFn | None = None,
                   should_cancel: CancelFn | None = None) -> ImportResult:
    """Import the project at `path` under the bucket `into` (None: as new top-level buckets).

    `on_progress(fraction)` is called as buckets are written; `should_cancel()` returning True stops
    the import (ImportCancelled) with nothing written."""
    plan = read_project(Path(path), headings=headings)
    if on_progress is not None:
        on_progress(0.0)
    return write_plan(store, plan, into, on_progress=on_progress, should_cancel=should_cancel)
