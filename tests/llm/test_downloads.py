"""The download manager against a real loopback HTTP server serving the default model's GGUF."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reyna_desktop.llm.catalogue import CatalogueEntry, load_catalogue
from reyna_desktop.llm.downloads import (
    Download,
    DownloadError,
    DownloadStopped,
    Progress,
    part_path,
    pending_downloads,
    state_path,
)
from reyna_desktop.llm.library import ModelLibrary
from tests.llm.helpers import model_path  # noqa: F401  (fixture)
from tests.llm.model_server import ModelServer

FAST = {"backoff_s": 0.01, "timeout_s": 5.0}


@pytest.fixture
def server(model_path: Path) -> ModelServer:  # noqa: F811
    with ModelServer(model_path) as running:
        yield running


def entry_for(server: ModelServer, **changes: object) -> CatalogueEntry:
    shipped = load_catalogue().get("gemma-3-270m-base")
    return shipped.model_copy(update={"id": "test-model", "file": "test-model.gguf", "url": server.url, **changes})


def test_download_reports_progress_and_lists_the_checked_model(server: ModelServer, tmp_path: Path) -> None:
    library = ModelLibrary(tmp_path / "models")
    seen: list[Progress] = []
    model = library.download(entry_for(server), on_progress=seen.append, **FAST)
    assert Path(model.path).stat().st_size == server.path.stat().st_size
    assert model.verified and model.sha256 == load_catalogue().get("gemma-3-270m-base").sha256
    assert [m.id for m in library.installed()] == ["test-model"]
    downloading = [p for p in seen if p.state == "downloading"]
    assert downloading[-1].done_bytes == downloading[-1].total_bytes == model.size_bytes
    assert any(p.speed_bps > 0 and p.eta_s is not None for p in downloading)
    assert seen[-1].state == "done"
    assert not part_path(Path(model.path)).exists() and not state_path(Path(model.path)).exists()


def test_interrupted_transfer_resumes_with_range(server: ModelServer, tmp_path: Path) -> None:
    server.cut_after = 40_000_000
    library = ModelLibrary(tmp_path / "models")
    model = library.download(entry_for(server), **FAST)
    assert server.ranges[0] is None
    assert server.ranges[1] == "bytes=40000000-"
    assert model.verified


def test_paused_download_resumes_after_a_restart(server: ModelServer, tmp_path: Path) -> None:
    library = ModelLibrary(tmp_path / "models")
    entry = entry_for(server)
    download = library.new_download(entry, **FAST)

    def pause_early(progress: Progress) -> None:
        if progress.done_bytes > 20_000_000:
            download.pause()

    download.on_progress = pause_early
    with pytest.raises(DownloadStopped, match="paused") as stopped:
        library.download(entry, download)
    assert stopped.value.paused
    assert library.installed() == []  # a partial file is never offered
    pending = pending_downloads(library.folder)
    assert [p["catalogue_id"] for p in pending] == ["test-model"] and pending[0]["done_bytes"] > 20_000_000
    # A new library object, as after a restart, picks up the partial file.
    model = ModelLibrary(tmp_path / "models").download(entry, **FAST)
    assert server.ranges[-1] == f"bytes={pending[0]['done_bytes']}-"
    assert model.verified and pending_downloads(library.folder) == []


def test_cancel_deletes_the_partial_file(server: ModelServer, tmp_path: Path) -> None:
    target = tmp_path / "m.gguf"
    download = Download(server.url, target, **FAST)
    download.on_progress = lambda p: download.cancel() if p.done_bytes > 5_000_000 else None
    with pytest.raises(DownloadStopped, match="cancelled"):
        download.run()
    assert list(tmp_path.iterdir()) == []


def test_wrong_sha256_is_rejected_and_the_file_removed(server: ModelServer, tmp_path: Path) -> None:
    library = ModelLibrary(tmp_path / "models")
    with pytest.raises(DownloadError, match=r"sha256 mismatch.*deleted"):
        library.download(entry_for(server, sha256="0" * 64), **FAST)
    assert list(library.folder.iterdir()) == [] and library.installed() == []


def test_missing_file_gives_404_message(server: ModelServer, tmp_path: Path) -> None:
    server.missing = True
    with pytest.raises(DownloadError, match=r"not found \(HTTP 404\)"):
        Download(server.url, tmp_path / "m.gguf", **FAST).run()
    assert len(server.ranges) == 1  # a 404 is not retried


def test_refused_connection_is_retried_then_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match=r"connection refused.*gave up after 3 attempts"):
        Download(f"http://127.0.0.1:{port}/m.gguf", tmp_path / "m.gguf", retries=2, backoff_s=0.01).run()


def test_stalling_server_times_out(server: ModelServer, tmp_path: Path) -> None:
    server.stall_after = 1_000_000
    download = Download(server.url, tmp_path / "m.gguf", timeout_s=0.5, retries=1, backoff_s=0.01)
    with pytest.raises(DownloadError, match=r"sent nothing for 0 s \(timed out\).*partial file is kept"):
        download.run()
    assert part_path(tmp_path / "m.gguf").stat().st_size >= 1_000_000
    assert not (tmp_path / "m.gguf").exists()


CHILD = """
import resource, signal, sys
from pathlib import Path
from reyna_desktop.llm.downloads import Download, DownloadError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (30_000_000, 30_000_000))
try:
    Download(sys.argv[1], Path(sys.argv[2]), backoff_s=0.01).run()
except DownloadError as exc:
    print(exc)
    sys.exit(3)
"""


def test_disk_full_leaves_no_partial_file(server: ModelServer, tmp_path: Path) -> None:
    target = tmp_path / "m.gguf"
    result = subprocess.run([sys.executable, "-c", CHILD, server.url, str(target)], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).parents[2])
    assert result.returncode == 3, result.stderr
    assert "the disk is full" in result.stdout and "partial download was deleted" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_unverified_entry_is_checked_against_the_server_size_and_recorded(server: ModelServer, tmp_path: Path) -> None:
    library = ModelLibrary(tmp_path / "models")
    model = library.download(entry_for(server, sha256=None, verified=False, size_bytes=1), **FAST)
    assert not model.verified
    assert model.sha256 == load_catalogue().get("gemma-3-270m-base").sha256
    assert json.loads(library.index_path.read_text())["models"][0]["sha256"] == model.sha256


def test_pause_from_another_thread(server: ModelServer, tmp_path: Path) -> None:
    download = Download(server.url, tmp_path / "m.gguf", **FAST)
    started = threading.Event()
    download.on_progress = lambda p: started.set()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            download.run()
        except DownloadStopped as exc:
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(30)
    download.pause()
    worker.join(30)
    assert failure and isinstance(failure[0], DownloadStopped) and failure[0].paused
