"""Every test gets its own data and config folders; nothing touches the real user's files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder per test run (the assembled default model lives here)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("REYNA_DATA_DIR", str(data))
    monkeypatch.setenv("REYNA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("REYNA_CACHE_DIR", str(session_cache))
    return data


@pytest.fixture
def store(private_dirs: Path) -> Iterator[Store]:  # noqa: F821
    from reyna_desktop.store import Store

    with Store.open(private_dirs) as opened:
        yield opened
