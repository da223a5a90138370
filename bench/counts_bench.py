"""What naming the count's unit costs the tree: `gui/counts.bucket_units` (each bucket's unit,
each book's text judged once) beside the counts it is fetched with (`store.sections.subtree_counts`),
on the 1,000,000-word project of tests/gui/helpers.build_big_project (2,000 chapters, 10,000 drafts).
Both run on a worker thread after a change; the UI thread only reads the dicts.

    .venv/bin/python bench/counts_bench.py [--chapters 2000] [--runs 7]

Prints the median and the slowest run of each, without a language (the book's text is judged)
and with `language: en` on the book (no text judged). The tree works units out again only
after a bucket changed, or after a text changed where a book is judged by its text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reyna_desktop.gui.counts import bucket_units  # noqa: E402
from reyna_desktop.store import Store  # noqa: E402
from tests.gui.helpers import build_big_project  # noqa: E402


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reyna-counts-") as temp:
        built = time.perf_counter()
        build_big_project(Path(temp), chapters=args.chapters)
        print(f"project: {args.chapters} chapters x 5 drafts x 100 words, built in {time.perf_counter() - built:.1f} s")
        with Store.open(Path(temp)) as store:
            book = store.buckets.roots()[0]
            for label in ("book without a language", "book with language en"):
                if label.endswith("en"):
                    store.buckets.update(book.id, metadata={"language": "en"}, merge_metadata=True)
                counts = timed(store.sections.subtree_counts, args.runs)
                units = timed(lambda: bucket_units(store), args.runs)
                print(f"{label}: subtree_counts median {counts[0]:.0f} ms (max {counts[1]:.0f}); "
                      f"bucket_units median {units[0]:.0f} ms (max {units[1]:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
