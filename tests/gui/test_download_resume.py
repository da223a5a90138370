"""A model download paused in one session goes on by itself when the window starts again."""

from __future__ import annotations

from pathlib import Path

import pytest

from reyna_desktop.llm.downloads import DownloadStopped, Progress, pending_downloads
from reyna_desktop.llm.library import ModelLibrary
from tests.gui.test_main_window import make_window
from tests.llm.helpers import model_path  # noqa: F401  (fixture)
from tests.llm.model_server import ModelServer
from tests.llm.test_downloads import FAST, entry_for

__all__ = ["make_window"]  # fixture used by name


@pytest.mark.slow
def test_a_paused_download_resumes_when_the_window_starts(make_window, qtbot, model_path: Path,  # noqa: F811
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REYNA_MODELS_DIR", str(tmp_path / "models"))
    with ModelServer(model_path) as server:
        library = ModelLibrary()
        entry = entry_for(server)
        download = library.new_download(entry, **FAST)

        def pause_early(progress: Progress) -> None:
            if progress.done_bytes > 20_000_000:
                download.pause()

        download.on_progress = pause_early
        with pytest.raises(DownloadStopped):
            library.download(entry, download)  # the session that was closed mid-download
        done_before = pending_downloads(library.folder)[0]["done_bytes"]

        window = make_window(sample=False)
        qtbot.waitUntil(lambda: bool(window.downloads.finished), timeout=120_000)

        assert "downloaded and checked" in window.downloads.finished[0]
        assert [m.id for m in ModelLibrary().installed()] == ["test-model"]
        assert server.ranges[-1] == f"bytes={done_before}-"  # went on from the partial file
        assert pending_downloads(library.folder) == []
