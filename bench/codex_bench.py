"""Codex benchmark on the 1,000,000-word project of store_bench.py, with 60 codex entries.

Prints figures; it is not a test. Targets on a 2-core machine: the mention index built from
scratch < 3 s; updated after one chapter save < 20 ms. Also: replace across the whole project
(preview, apply, undo) for a character's name and for a common word.

    .venv/bin/python bench/codex_bench.py [--dir DIR] [--keep]
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

from store_bench import bench_folder, build, paragraph, percentile, report, vocabulary

from reyna_desktop.store import Store, Tx

T = TypeVar("T")
ENTRIES = 60  # 40 characters with a two-word alias each, 20 places


def names(rng: random.Random) -> list[str]:
    syllables = "ma ra to mas el in or wen da vi ka lo su ne bri th".split()
    out: set[str] = set()
    while len(out) < ENTRIES:
        out.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(out)


def timed_hook(store: Store, sink: list[float]) -> None:
    """Time the codex's before-commit hook (the index update) on its own."""
    hook = store.before_commit[0]

    def timed(tx: Tx) -> None:
        t = time.perf_counter()
        hook(tx)
        sink.append((time.perf_counter() - t) * 1000)

    store.before_commit[0] = timed


def seconds(action: Callable[[], T]) -> tuple[float, T]:
    t = time.perf_counter()
    result = action()
    return time.perf_counter() - t, result


def main() -> None:
    args, folder = bench_folder(__doc__, "reyna-codex-bench-")
    rng = random.Random(1)
    people = names(rng)
    # The names join the vocabulary, so each turns up about 100 times in the million words.
    words = [*vocabulary(rng), *people]

    store = Store.open(folder)
    book_id, blob_ids = build(store, rng, words)
    add_s, _ = seconds(lambda: _add_entries(store, book_id, people))
    rebuild = [seconds(lambda: store.codex.rebuild(book_id)) for _ in range(3)]
    found = rebuild[0][1]

    hook_ms: list[float] = []
    timed_hook(store, hook_ms)
    save_ms = []
    for blob_id in rng.sample(blob_ids, 100):
        text = paragraph(rng, words, 100) + f" {rng.choice(people)} met {rng.choice(people)}."
        t = time.perf_counter()
        store.blobs.update_text(blob_id, text)
        save_ms.append((time.perf_counter() - t) * 1000)

    grid_s, grid = seconds(lambda: store.codex.grid(book_id))
    entry = store.codex.entries(book_id)[0]
    rename_preview_s, plan = seconds(lambda: store.codex.rename_preview(entry.id, entry.name + "x"))
    rename_apply_s, _ = seconds(lambda: store.codex.rename(entry.id, plan))
    rename_undo_s, _ = seconds(lambda: store.replace.undo(root_id=book_id))
    word_preview_s, word_plan = seconds(lambda: store.replace.preview(book_id, [("harbour", "harbor")]))
    word_apply_s, _ = seconds(lambda: store.replace.apply(word_plan))
    word_undo_s, _ = seconds(lambda: store.replace.undo(root_id=book_id))
    store.close()

    rebuild_s = [r[0] for r in rebuild]
    rows = [
        ("project", f"{len(blob_ids):,} blobs, ~1,000,000 words; {ENTRIES} entries, {found['mentions']:,} mentions"),
        ("add 60 entries in one transaction (includes one full scan)", f"{add_s:.2f} s"),
        (
            "mention index from scratch (median of 3 / best)",
            f"{statistics.median(rebuild_s):.2f} / {min(rebuild_s):.2f} s   (target < 3 s)",
        ),
        (
            "index update after one save p50 / p95 (the hook alone)",
            f"{statistics.median(hook_ms):.2f} / {percentile(hook_ms, 0.95):.2f} ms   (target < 20 ms)",
        ),
        (
            "whole save incl. index update p50 / p95",
            f"{statistics.median(save_ms):.2f} / {percentile(save_ms, 0.95):.2f} ms",
        ),
        (f"chapters x characters grid ({len(grid.sections)} x {len(grid.entries)})", f"{grid_s * 1000:.0f} ms"),
        (
            f"rename {entry.name!r}: preview / apply / undo ({len(plan.changes)} changes, {len(plan.edits)} blobs)",
            f"{rename_preview_s:.2f} / {rename_apply_s:.2f} / {rename_undo_s:.2f} s",
        ),
        (
            f"replace 'harbour': preview / apply / undo ({len(word_plan.changes):,} changes, "
            f"{len(word_plan.edits):,} blobs)",
            f"{word_preview_s:.2f} / {word_apply_s:.2f} / {word_undo_s:.2f} s",
        ),
    ]
    report(rows, args, folder)


def _add_entries(store: Store, book_id: str, people: list[str]) -> None:
    with store.transaction():
        for index, name in enumerate(people):
            if index < 40:
                store.codex.add(book_id, "character", name, aliases=[f"Captain {name}"], fields={"role": "crew"})
            else:
                store.codex.add(book_id, "place", name, fields={"region": "north"})


if __name__ == "__main__":
    main()
