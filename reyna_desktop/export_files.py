"""Writing a file the user asked for without ever leaving half of it at the path."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reyna_desktop.errors import ReynaError


def write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temp file beside `path`, fsync, then rename over it."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReynaError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise ReynaError(f"{path}: cannot write there: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReynaError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path
