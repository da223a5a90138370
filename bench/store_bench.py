"""Store benchmark: a 1,000,000-word project (1 book, 40 parts, 2,000 chapters, 10,000 blobs).

Prints figures; it is not a test. Targets on a 2-core machine: save p95 < 5 ms, validation
< 0.1 ms, cold open + full tree < 300 ms, search p95 < 20 ms, peak RSS < 300 MB.

    .venv/bin/python bench/store_bench.py [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reyna_desktop.store import Store

PARTS, CHAPTERS_PER_PART, BLOBS_PER_CHAPTER, WORDS_PER_BLOB = 40, 50, 5, 100
COMMON = (
    "the and of to a in was he she it that his her with as had on at for by they not but from "
    "sea light storm harbour keeper night boat letter island wind house door window mother"
).split()


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [*COMMON, *("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size))]


def paragraph(rng: random.Random, words: list[str], n: int) -> str:
    picked = [rng.choice(COMMON) if rng.random() < 0.4 else rng.choice(words) for _ in range(n)]
    sentences, out = [], []
    for i, word in enumerate(picked, 1):
        out.append(word)
        if i % 12 == 0:
            sentences.append(" ".join(out).capitalize() + ".")
            out = []
    if out:
        sentences.append(" ".join(out).capitalize() + ".")
    return " ".join(sentences)


def build(store: Store, rng: random.Random, words: list[str]) -> tuple[str, list[str]]:
    """The project through the public API, in one transaction; returns the book id and blob ids."""
    blob_ids: list[str] = []
    with store.transaction():
        book = store.buckets.create("Benchmark Book", "book", metadata={"title": "Benchmark", "author": "Bench"})
        for p in range(PARTS):
            part = store.buckets.create(f"Part {p + 1}", "part", parent_id=book.id)
            for c in range(CHAPTERS_PER_PART):
                number = p * CHAPTERS_PER_PART + c + 1
                chapter = store.buckets.create(
                    f"Chapter {number}", "chapter", parent_id=part.id, metadata={"chapter_number": number}
                )
                for b in range(BLOBS_PER_CHAPTER):
                    text = paragraph(rng, words, WORDS_PER_BLOB)
                    blob = store.blobs.create({"content": text}, bucket_ids=[chapter.id], title=f"Scene {b + 1}")
                    blob_ids.append(blob.id)
    return book.id, blob_ids


COLD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from reyna_desktop.store import Store
t1 = time.perf_counter()
store = Store.open(sys.argv[1])
t2 = time.perf_counter()
buckets = store.buckets.all()
counts = store.buckets.subtree_word_counts()
t3 = time.perf_counter()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "tree_s": t3 - t2, "buckets": len(buckets),
                  "book_words": max(counts.values()), "rss_mb": rss_mb}))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_folder(description: str | None, prefix: str) -> tuple[argparse.Namespace, Path]:
    """The `--dir`/`--keep` options every store bench takes, and the folder to build in."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="where to build the store (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the store afterwards")
    args = parser.parse_args()
    return args, args.dir or Path(tempfile.mkdtemp(prefix=prefix))


def report(rows: list[tuple[str, str]], args: argparse.Namespace, folder: Path) -> None:
    """Print the figures as aligned rows, then keep or remove the store."""
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.keep:
        print(f"store kept in {folder}")
    elif args.dir is None:
        shutil.rmtree(folder)


def main() -> None:
    args, folder = bench_folder(__doc__, "reyna-bench-")
    rng = random.Random(1)
    words = vocabulary(rng)

    store = Store.open(folder)
    started = time.perf_counter()
    _, blob_ids = build(store, rng, words)
    build_s = time.perf_counter() - started
    total_words = sum(b.word_count for b in store.blobs.many(blob_ids[:1000])) * len(blob_ids) // 1000
    store.close()

    cold = json.loads(
        subprocess.run([sys.executable, "-c", COLD, str(folder)], capture_output=True, text=True, check=True).stdout
    )

    store = Store.open(folder)
    queries = [rng.choice(words[len(COMMON) :]) for _ in range(80)] + ["storm harb", "keeper night", "lette"] * 7
    search_ms = []
    for query in queries:
        t = time.perf_counter()
        store.search(query, limit=20)
        search_ms.append((time.perf_counter() - t) * 1000)

    save_ms = []
    for blob_id in rng.sample(blob_ids, 300):
        text = paragraph(rng, words, WORDS_PER_BLOB)
        t = time.perf_counter()
        store.blobs.update_text(blob_id, text)
        save_ms.append((time.perf_counter() - t) * 1000)

    sample = [{"content": paragraph(rng, words, WORDS_PER_BLOB)} for _ in range(2000)]
    t = time.perf_counter()
    for data in sample:
        store.schemas.validate("text-input-v1", data)
    validation_ms = (time.perf_counter() - t) * 1000 / len(sample)
    store.close()

    rows = [
        (
            "project",
            f"1 book, {PARTS} parts, {PARTS * CHAPTERS_PER_PART} chapters, {len(blob_ids)} blobs, "
            f"~{total_words:,} words",
        ),
        ("import (build through the API, one transaction)", f"{build_s:.1f} s"),
        ("cold open (new process: Store.open)", f"{cold['open_s'] * 1000:.0f} ms"),
        ("full tree load (all buckets + word counts)", f"{cold['tree_s'] * 1000:.0f} ms"),
        ("cold open + full tree", f"{(cold['open_s'] + cold['tree_s']) * 1000:.0f} ms   (target < 300 ms)"),
        (
            "search p50 / p95",
            f"{statistics.median(search_ms):.1f} / {percentile(search_ms, 0.95):.1f} ms   (target p95 < 20 ms)",
        ),
        (
            "single save p50 / p95 (validation, version, FTS, event)",
            f"{statistics.median(save_ms):.2f} / {percentile(save_ms, 0.95):.2f} ms   (target p95 < 5 ms)",
        ),
        ("schema validation per blob", f"{validation_ms:.3f} ms   (target < 0.1 ms)"),
        ("peak RSS, cold open + tree process", f"{cold['rss_mb']:.0f} MB   (target < 300 MB)"),
        ("peak RSS, build + bench process", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"),
        ("store size on disk", f"{sum(f.stat().st_size for f in folder.rglob('*') if f.is_file()) / 1e6:.0f} MB"),
    ]
    report(rows, args, folder)


if __name__ == "__main__":
    main()
