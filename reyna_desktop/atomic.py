"""Writing files so that a reader, or a crash, sees the old file or the new one, never half.

Every writer in the app goes through here: a temp file in the same folder, fsync, rename over
the target, then fsync the folder so the rename itself survives a power cut.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; its renames are journaled
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write `data` to `path` atomically. Raises OSError; callers say what failed for the user."""
    with atomic_path(path, mode=mode) as tmp, open(tmp, "wb") as out:
        out.write(data)


@contextmanager
def atomic_path(path: Path, *, mode: int = 0o600) -> Iterator[Path]:
    """A temp path beside `path` for a writer that wants a file name (EbookLib);
    it replaces `path` only when the block succeeds, and is removed when it fails."""
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
