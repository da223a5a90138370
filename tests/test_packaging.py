"""The frozen app: build it with PyInstaller (cached by a hash of the sources) and run --self-test.

Slow (a cold build takes minutes on 2 cores): marked `slow`. The build lands in
REYNA_BUILD_CACHE (default: ~/.cache/reyna-desktop-build/<key>/), where <key> hashes the package
sources, schemas, resources, packaging files and the installed distributions, so an unchanged
tree reuses the last build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def build_key() -> str:
    hasher = hashlib.sha256()
    for folder in ("reyna_desktop", "schemas", "resources", "packaging"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hasher.update(str(path.relative_to(ROOT)).encode())
                hasher.update(path.read_bytes())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    hasher.update("\n".join(dists).encode())
    hasher.update(sys.version.encode())
    return hasher.hexdigest()[:16]


def build_dir() -> Path:
    base = os.environ.get("REYNA_BUILD_CACHE") or str(Path.home() / ".cache" / "reyna-desktop-build")
    return Path(base) / build_key()


def frozen_app() -> tuple[Path, float | None]:
    """The built executable, building it first if this source tree has no cached build."""
    target = build_dir()
    exe = target / "dist" / "reyna-desktop" / "reyna-desktop"
    if exe.is_file():
        return exe, None
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(["bash", str(ROOT / "packaging" / "build_linux.sh"), str(target / "dist"), str(target / "work")],
                   check=True, timeout=540, env={**os.environ, "PYTHON": sys.executable})
    seconds = time.perf_counter() - started
    shutil.rmtree(target / "work", ignore_errors=True)
    (target / "build-seconds.txt").write_text(f"{seconds:.0f}\n")
    return exe, seconds


def test_packaging_files_exist() -> None:
    for name in ("reyna.spec", "build_linux.sh", "launcher.py", "README.md", "linux/reyna-desktop.desktop",
                 "linux/reyna-desktop.svg", "linux/reyna-desktop.png"):
        assert (ROOT / "packaging" / name).is_file(), name
    desktop = (ROOT / "packaging" / "linux" / "reyna-desktop.desktop").read_text()
    assert "Exec=reyna-desktop" in desktop and "Icon=reyna-desktop" in desktop
    assert (ROOT / "packaging" / "linux" / "reyna-desktop.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux build")
def test_frozen_app_passes_its_self_test(session_cache: Path) -> None:
    exe, seconds = frozen_app()
    app_dir = exe.parent
    size = sum(p.stat().st_size for p in app_dir.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nfrozen build: {'cached' if seconds is None else f'{seconds:.0f}s'}, {size / 2**20:.0f} MiB in {app_dir}")
    assert (app_dir / "_internal" / "schemas" / "text-input-v1.json").is_file()
    assert list((app_dir / "_internal").rglob("libllama.so*"))
    assert list((app_dir / "_internal").rglob("gemma-3-270m-q4_k_m.gguf.part00"))
    assert not list((app_dir / "_internal").rglob("*WebEngine*"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "REYNA_CACHE_DIR": str(session_cache)}
    done = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, timeout=300, env=env)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "self-test passed" in done.stdout and "(frozen" in done.stdout
