"""Where things live on disk: the per-user data directory and the files shipped with the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from reyna_desktop.errors import ReynaError

APP_NAME = "reyna-desktop"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir` wins, then `REYNA_DATA_DIR`, then the platform's per-user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("REYNA_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    env = os.environ.get("REYNA_CACHE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get("REYNA_CONFIG_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by this user alone. A folder that already exists
    keeps its permissions: it may be one the user chose and shares on purpose."""
    try:
        path.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        if not path.is_dir():
            raise ReynaError(f"{path} exists and is not a folder") from None
        return path
    except OSError as exc:
        raise ReynaError(f"cannot create folder {path}: {exc.strerror or exc}") from None
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
    return path


def bundle_root() -> Path:
    """The folder holding `schemas/` and `resources/`: the repo, or PyInstaller's unpack dir."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def schemas_dir() -> Path:
    return bundle_root() / "schemas"


def resources_dir() -> Path:
    return bundle_root() / "resources"
