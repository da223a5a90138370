"""GUI benchmark: the longest UI-thread stall while the window imports 200 files and while it
scans a linked folder of 1,000 files (issue 10's target: < 100 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_bench.py [--files 200] [--linked 1000]

A 5 ms timer ticks on the UI thread (tests/gui/helpers.StallProbe); the longest gap between
ticks is the longest stall. The import is the window's own path (Importer.start, as a drop
does); the scan is the window's watcher catching up with a folder linked from the tree.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.gui.helpers import StallProbe  # noqa: E402
from tests.interchange.media_files import CHART, write_png, write_wav  # noqa: E402

LINE = "The harbour light turned slowly while the boats came home one by one. "


def make_files(folder: Path, count: int) -> list[Path]:
    """Markdown, ChordPro, WAV and PNG files in the proportions of a songwriter's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        kind = i % 10
        if kind < 6:
            path = folder / f"note-{i:04}.md"
            path.write_text(f"# Note {i}\n\n" + LINE * 40, encoding="utf-8")
        elif kind < 8:
            path = folder / f"song-{i:04}.cho"
            path.write_text(CHART * 8, encoding="utf-8")
        elif kind == 8:
            path = write_wav(folder / f"take-{i:04}.wav", seconds=0.5)
        else:
            path = write_png(folder / f"cover-{i:04}.png", 64, 64)
        out.append(path)
    return out


def wait(app, predicate, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.001)


def settle(app, seconds: float = 2.0) -> None:
    """Let start-up work (the job runner, the watcher's first scan, the tree) finish first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--linked", type=int, default=1000)
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="reyna-gui-bench-"))
    os.environ["REYNA_DATA_DIR"] = str(temp / "data")
    os.environ["REYNA_CONFIG_DIR"] = str(temp / "config")
    from reyna_desktop.gui import workers
    from reyna_desktop.gui.app import build_window, make_application

    app = make_application(sys.argv[:1])
    window = build_window(temp / "data", sample=False)
    window.show()
    store = window.store
    probe = StallProbe()

    drop = make_files(temp / "drop", args.files)
    track = store.buckets.create("Track", "track")
    finished: list[object] = []
    window.importer.finished.connect(finished.append)
    settle(app)
    probe.start()
    started = time.perf_counter()
    window.importer.start(track.id, [str(p) for p in drop])
    wait(app, lambda: bool(finished))
    took = time.perf_counter() - started
    stall = probe.stop()
    summary = window.importer.last_summary
    assert summary is not None and len(summary.blob_ids) == args.files, summary
    print(f"import of {args.files} files: {took:.2f} s, longest UI stall {stall * 1000:.0f} ms")

    linked = make_files(temp / "linked", args.linked)
    folder = store.buckets.create("Linked", "folder")
    settle(app)
    probe.start()
    started = time.perf_counter()
    window.links.link(folder.id, str(linked[0].parent))
    wait(app, lambda: any(f"{args.linked} file(s)" in line for line in window.links_panel.lines()))
    took = time.perf_counter() - started
    stall = probe.stop()
    print(f"scan of a linked folder of {args.linked} files: {took:.2f} s, longest UI stall {stall * 1000:.0f} ms")
    window.close()
    workers.wait_idle()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
