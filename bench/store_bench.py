"""Store benchmark: a 1,000,000-word English project (1 book, 40 parts, 2,000 chapters, 10,000
blobs) and, beside it, a 1,000,000-character Chinese one of the same shape (indexed by words
and by trigrams; its counts are characters).

Prints figures; it is not a test. Targets on a 2-core machine: save p95 < 5 ms, validation
< 0.1 ms, cold open + full tree < 300 ms, search p95 < 20 ms, peak RSS < 300 MB.

    .venv/bin/python bench/store_bench.py [--language en|zh|both] [--dir DIR] [--keep]
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
from collections.abc import Callable
from pathlib import Path

from reyna_desktop.schema_ids import TEXT_INPUT
from reyna_desktop.store import Store

PARTS, CHAPTERS_PER_PART, BLOBS_PER_CHAPTER, WORDS_PER_BLOB = 40, 50, 5, 100
COMMON = (
    "the and of to a in was he she it that his her with as had on at for by they not but from "
    "sea light storm harbour keeper night boat letter island wind house door window mother"
).split()


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [*COMMON, *("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size))]


# Han characters for the Chinese project: those of the public-domain passages in
# tests/store/data/cjk_texts.py first (so common words recur), then the commonest block.
HAN = "".join(dict.fromkeys(
    "今天晚上很好的月光我不见他已是三十多年精神分外爽快才知道以前全是发昏然而须十分小心那赵家狗何以看两眼呢"
    "子曰學而時習之不亦說乎有朋自遠方來樂人知慍君為也孝弟好犯上者鮮矣作亂未務本立道生仁與"
    + "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2500))
))
ZH_PUNCTUATION = "，。；、？！"


def chinese_vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Words of 1 to 4 characters, two-character words the most common (as in Chinese)."""
    lengths = [1] * 2 + [2] * 6 + [3] * 1 + [4] * 1
    return ["".join(rng.choice(HAN[: 400 if i < 300 else len(HAN)]) for _ in range(rng.choice(lengths)))
            for i in range(size)]


def chinese_paragraph(rng: random.Random, words: list[str], n_chars: int) -> str:
    out: list[str] = []
    count = 0
    while count < n_chars:
        word = rng.choice(words[:300]) if rng.random() < 0.4 else rng.choice(words)
        out.append(word)
        count += len(word)
        if rng.random() < 0.12:
            out.append(rng.choice(ZH_PUNCTUATION))
    return "".join(out) + "。"


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


def build(store: Store, rng: random.Random, words: list[str], text_of: Callable[..., str] = paragraph
          ) -> tuple[str, list[str]]:
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
                    text = text_of(rng, words, WORDS_PER_BLOB)
                    blob = store.blobs.create({"content": text}, bucket_ids=[chapter.id], title=f"Scene {b + 1}")
                    blob_ids.append(blob.id)
    return book.id, blob_ids


COLD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from reyna_desktop.schema_ids import TEXT_INPUT
from reyna_desktop.store import Store
t1 = time.perf_counter()
store = Store.open(sys.argv[1])
t2 = time.perf_counter()
buckets = store.buckets.all()
counts = store.sections.subtree_counts()
t3 = time.perf_counter()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "tree_s": t3 - t2, "buckets": len(buckets),
                  "book_words": max(counts.values()), "rss_mb": rss_mb}))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(rows: list[tuple[str, str]], args: argparse.Namespace, folder: Path) -> None:
    """Print the figures as aligned rows, then keep or remove the store."""
    print_rows(rows)
    if args.keep:
        print(f"store kept in {folder}")
    elif args.dir is None:
        shutil.rmtree(folder)


def bench_folder(description: str | None, prefix: str) -> tuple[argparse.Namespace, Path]:
    """The `--dir`/`--keep` options every store bench takes, and the folder to build in."""
    parser = bench_options(description)
    args = parser.parse_args()
    return args, args.dir or Path(tempfile.mkdtemp(prefix=prefix))


def bench_options(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="where to build the store (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the store afterwards")
    return parser


def print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def run(language: str, folder: Path) -> list[tuple[str, str]]:
    """Build the project in `folder` and measure; returns (figure, value) rows."""
    rng = random.Random(1)
    chinese = language == "zh"
    words = chinese_vocabulary(rng) if chinese else vocabulary(rng)
    text_of = chinese_paragraph if chinese else paragraph

    store = Store.open(folder)
    started = time.perf_counter()
    _, blob_ids = build(store, rng, words, text_of)
    build_s = time.perf_counter() - started
    total = sum(b.word_count for b in store.blobs.many(blob_ids[:1000])) * len(blob_ids) // 1000
    store.close()

    cold = json.loads(
        subprocess.run([sys.executable, "-c", COLD, str(folder)], capture_output=True, text=True, check=True).stdout
    )

    store = Store.open(folder)
    if chinese:  # two-character words most, as typed; some longer ones; a few two-word queries
        two = [w for w in words[:300] if len(w) == 2]
        longer = [w for w in words if len(w) >= 3]
        queries = ([rng.choice(two) for _ in range(60)] + [rng.choice(longer) for _ in range(30)]
                   + [f"{rng.choice(two)} {rng.choice(two)}" for _ in range(10)])
    else:
        queries = [rng.choice(words[len(COMMON) :]) for _ in range(80)] + ["storm harb", "keeper night", "lette"] * 7
    search_ms = []
    for query in queries:
        t = time.perf_counter()
        store.search(query, limit=20)
        search_ms.append((time.perf_counter() - t) * 1000)

    save_ms = []
    for blob_id in rng.sample(blob_ids, 300):
        text = text_of(rng, words, WORDS_PER_BLOB)
        t = time.perf_counter()
        store.blobs.update_text(blob_id, text)
        save_ms.append((time.perf_counter() - t) * 1000)

    sample = [{"content": text_of(rng, words, WORDS_PER_BLOB)} for _ in range(2000)]
    t = time.perf_counter()
    for data in sample:
        store.schemas.validate(TEXT_INPUT, data)
    validation_ms = (time.perf_counter() - t) * 1000 / len(sample)
    unit = store.sections.count_unit(store.buckets.roots()[0].id)
    store.close()

    return [
        (
            "project",
            f"1 book, {PARTS} parts, {PARTS * CHAPTERS_PER_PART} chapters, {len(blob_ids)} blobs, "
            f"~{total:,} {unit}",
        ),
        ("import + indexing (build through the API, one transaction)", f"{build_s:.1f} s"),
        ("cold open (new process: Store.open)", f"{cold['open_s'] * 1000:.0f} ms"),
        ("full tree load (all buckets + counts)", f"{cold['tree_s'] * 1000:.0f} ms"),
        ("cold open + full tree", f"{(cold['open_s'] + cold['tree_s']) * 1000:.0f} ms   (target < 300 ms)"),
        (
            f"search p50 / p95 ({len(queries)} queries)",
            f"{statistics.median(search_ms):.1f} / {percentile(search_ms, 0.95):.1f} ms   (target p95 < 20 ms)",
        ),
        (
            "single save p50 / p95 (validation, version, FTS, event)",
            f"{statistics.median(save_ms):.2f} / {percentile(save_ms, 0.95):.2f} ms   (target p95 < 5 ms)",
        ),
        ("schema validation per blob", f"{validation_ms:.3f} ms   (target < 0.1 ms)"),
        ("peak RSS, cold open + tree process", f"{cold['rss_mb']:.0f} MB   (target < 300 MB)"),
        ("store size on disk", f"{sum(f.stat().st_size for f in folder.rglob('*') if f.is_file()) / 1e6:.0f} MB"),
    ]


def main() -> None:
    parser = bench_options(__doc__)
    parser.add_argument("--language", choices=["en", "zh", "both"], default="both")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="reyna-bench-"))
    languages = ["en", "zh"] if args.language == "both" else [args.language]
    for language in languages:
        print(f"== {'English, 1,000,000 words' if language == 'en' else 'Chinese, 1,000,000 characters'}")
        print_rows(run(language, root / language))
    print(f"peak RSS, build + bench process  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.keep:
        print(f"stores kept in {root}")
    elif args.dir is None:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
