"""Safety benchmark: backups of a 1,000,000-word project, linked-folder latency, frozen build.

    .venv/bin/python bench/safety_bench.py [--dir DIR] [--build] [--changes N]

Prints: the time to generate the project (1 book, 40 parts, 2,000 chapters, 10,000 blobs of
~100 words, through the store API in one transaction); a full backup's time and size, a second
(incremental) backup's, a verify and a restore; the time from a file change in a linked folder
to the new version in the store (target < 1 s); and the frozen build's time and size (with
--build it builds now; else it reports the cached build of tests/test_packaging.py if any).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reyna_desktop.interchange.folder_sync import LinkedFolders  # noqa: E402
from reyna_desktop.interchange.folder_watcher import FolderWatcher  # noqa: E402
from reyna_desktop.safety.backup import create_backup, restore_backup, verify_backup  # noqa: E402
from reyna_desktop.store import Store  # noqa: E402

PARTS, CHAPTERS, BLOBS, WORDS = 40, 2000, 10_000, 100
LEXICON = ("the sea light storm harbour keeper night boat letter island wind house door window mother and of to "
           "a in was he she it that his her with as had on at for by they not but from").split()


def generate(store: Store) -> int:
    rng = random.Random(7)
    words = 0
    with store.transaction():
        book = store.buckets.create("Bench Book", "book", metadata={"title": "Bench"})
        for p in range(PARTS):
            part = store.buckets.create(f"Part {p + 1}", "part", parent_id=book.id)
            for c in range(CHAPTERS // PARTS):
                number = p * (CHAPTERS // PARTS) + c + 1
                chapter = store.buckets.create(f"Chapter {number}", "chapter", parent_id=part.id)
                for _ in range(BLOBS // CHAPTERS):
                    text = " ".join(rng.choice(LEXICON) for _ in range(WORDS)).capitalize() + "."
                    words += WORDS
                    store.blobs.create({"content": text}, bucket_ids=[chapter.id])
    return words


def size_of(path: Path) -> int:
    seen: set[int] = set()
    total = 0
    for file in path.rglob("*"):
        if file.is_file() and not file.is_symlink():
            st = file.stat()
            if st.st_ino not in seen:
                seen.add(st.st_ino)
                total += st.st_size
    return total


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def bench_backup(store: Store, work: Path) -> None:
    folder = work / "backups"
    first = create_backup(store, folder, reason="bench")
    print(f"backup (full):        {first.seconds:.2f} s, {mib(size_of(first.path))} "
          f"({first.files} content files, db {mib((first.path / 'reyna.sqlite3').stat().st_size)})")
    store.blobs.update_text(store.blobs.in_bucket(store.buckets.roots()[0].id, recursive=True)[0].id, "one change")
    second = create_backup(store, folder, reason="bench")
    print(f"backup (after 1 edit): {second.seconds:.2f} s, {mib(size_of(second.path))}")
    started = time.perf_counter()
    verify_backup(second.path)
    print(f"verify backup:        {time.perf_counter() - started:.2f} s")
    target = work / "restored"
    started = time.perf_counter()
    restore_backup(second.path, target)
    print(f"restore (new dir):    {time.perf_counter() - started:.2f} s")


def bench_linked(store: Store, work: Path, changes: int) -> None:
    folder = work / "linked"
    folder.mkdir()
    note = folder / "note.md"
    note.write_text("start", encoding="utf-8")
    bucket = store.buckets.create("Linked", "research")
    links = LinkedFolders(store)
    links.link(bucket.id, folder)
    blob_id = links.files(bucket.id)["note.md"]
    watcher = FolderWatcher(store)
    watcher.start(rescan=False)
    latencies = []
    try:
        for i in range(changes):
            version = store.blobs.get(blob_id).version
            started = time.perf_counter()
            note.write_text(f"change {i}", encoding="utf-8")
            while store.blobs.get(blob_id).version == version:
                if time.perf_counter() - started > 10:
                    raise SystemExit("the watcher did not see a change within 10 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.05)
    finally:
        watcher.stop()
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(f"linked folder change -> new version: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms over {changes} changes "
          f"(debounce {watcher.debounce_s * 1000:.0f} ms; target < 1000 ms)")


def bench_build(build: bool) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_packaging import build_dir  # type: ignore[import-not-found]

    target = build_dir()
    app = target / "dist" / "reyna-desktop"
    if build or not app.is_dir():
        if not build:
            print("frozen build: none cached for this source tree (run with --build, or the slow test)")
            return
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "packaging" / "build_linux.sh"), str(target / "dist"),
                        str(target / "work")], check=True, env={**os.environ, "PYTHON": sys.executable})
        seconds = time.perf_counter() - started
        (target / "build-seconds.txt").write_text(f"{seconds:.0f}\n")
    recorded = target / "build-seconds.txt"
    took = f"{recorded.read_text().strip()} s" if recorded.is_file() else "time not recorded"
    print(f"frozen build:         {took}, {mib(size_of(app))} ({app})")
    started = time.perf_counter()
    done = subprocess.run([str(app / "reyna-desktop"), "--self-test"], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    print(f"frozen --self-test:   exit {done.returncode} in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="work folder (default: a temp folder, removed afterwards)")
    parser.add_argument("--build", action="store_true", help="build the frozen app now and time it")
    parser.add_argument("--changes", type=int, default=20, help="file changes to time in the linked folder")
    args = parser.parse_args()
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="reyna-safety-bench-"))
    try:
        store = Store.open(work / "data")
        started = time.perf_counter()
        words = generate(store)
        print(f"project:              {words:,} words, {BLOBS:,} blobs, {CHAPTERS:,} chapters, generated in "
              f"{time.perf_counter() - started:.1f} s; store {mib(size_of(work / 'data'))}")
        bench_backup(store, work)
        bench_linked(store, work, args.changes)
        store.close()
        bench_build(args.build)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
