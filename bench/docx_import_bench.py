"""DOCX and import bench: the 150,000-word generated book compiled to DOCX (both layouts) and
imported back, and the import of the novelWriter sample and the Scrivener fixture.

    PYTHONPATH=$PWD .venv/bin/python bench/docx_import_bench.py [--words 150000] [--chapters 60]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reyna_desktop.export import compile_bucket
from reyna_desktop.export.samples import make_generated_book
from reyna_desktop.interchange.importers import import_project
from reyna_desktop.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "interchange" / "fixtures"
T = TypeVar("T")


def timed(label: str, fn: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = fn()
    print(f"{label:<52} {time.perf_counter() - started:7.2f} s", flush=True)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--chapters", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reyna-bench-") as folder:
        out = Path(folder)
        with Store.open(out / "data") as store:
            book, _ = make_generated_book(store, chapters=args.chapters, words=args.words)
            for layout in ("manuscript", "book"):
                cache = " (cold section cache)" if layout == "manuscript" else " (warm cache)"
                result = timed(f"DOCX compile, {layout} layout{cache}",
                               lambda layout=layout: compile_bucket(store, book, "docx", out / f"{layout}.docx",
                                                                    preset=layout))
                print(f"  {result.word_count:,} words, {result.chapter_count} chapters, {result.size:,} bytes")
            imported = timed("import of that book's DOCX (book layout)",
                             lambda: import_project(store, out / "book.docx"))
            print(f"  {len(imported.bucket_ids)} buckets, {len(imported.blob_ids)} blobs")
            projects = (("import of novelWriter's sample project", FIXTURES / "novelwriter_sample"),
                        ("import of marion.scriv (Scrivener 3)", FIXTURES / "scrivener_marion" / "marion.scriv"))
            for label, path in projects:
                imported = timed(label, lambda path=path: import_project(store, path))
                print(f"  {len(imported.bucket_ids)} buckets, {len(imported.blob_ids)} blobs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
