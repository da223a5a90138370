"""The unit a count is in, named wherever the window shows one (tree, stats, goals, status bar,
compile summary): "characters" for a Chinese, Japanese, Korean or Thai book, else "words".

The count itself is the store's one rule (`store.text.word_count`: such scripts one per
character). A book's unit comes from its `language` metadata (the book's own or an ancestor's);
a book without one is judged on its text (`store.sections.count_unit`). A blob outside any
book with a language is judged on its own text. The functions that read the store run on
worker threads; the labels are for the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from PySide6.QtCore import QCoreApplication

from reyna_desktop.book_language import bucket_language, primary_subtag
from reyna_desktop.models import Bucket
from reyna_desktop.store.text import CHARACTERS, WORDS, count_unit

# Languages whose script `word_count` counts per character (see store/text.py).
CHARACTER_LANGUAGES = frozenset({"zh", "ja", "ko", "th", "lo", "km", "my"})
CONTEXT = "Counts"


def unit_for_language(language: object) -> str | None:
    """The unit a BCP 47 language tag ("zh-Hant", "ja", "en_GB") implies; None without a tag."""
    if not isinstance(language, str) or not language.strip():
        return None
    return CHARACTERS if primary_subtag(language.strip()) in CHARACTER_LANGUAGES else WORDS


def chain_unit(chain: list[Bucket], judge_text: Callable[[str], str]) -> str:
    """The unit of the last bucket of `chain` (root first): the nearest `language`, else the text
    of its book (the nearest bucket of type book, else the top-level bucket) as `judge_text` finds it."""
    for bucket in reversed(chain):
        if (unit := unit_for_language(bucket.metadata.get("language"))) is not None:
            return unit
    holder = next((b for b in reversed(chain) if b.type == "book"), chain[0])
    return judge_text(holder.id)


def bucket_unit(store, bucket_id: str) -> str:
    """Off the UI thread: the unit of one bucket's counts."""
    return chain_unit([*store.buckets.ancestors(bucket_id), store.buckets.get(bucket_id)],
                      store.sections.count_unit)


@dataclass(frozen=True)
class Units:
    """Every live bucket's unit, and whether any came from judging text (then an edit of a
    text may change it; a unit set by a language changes only with the buckets)."""

    by_bucket: dict[str, str] = field(default_factory=dict)
    text_judged: bool = False


def bucket_units(store) -> Units:
    """Off the UI thread: every live bucket's unit (for the tree), each book's text judged once."""
    buckets = {b.id: b for b in store.buckets.all()}
    judge = cache(store.sections.count_unit)
    units = {b.id: chain_unit([*(buckets[a] for a in b.ancestor_ids if a in buckets), b], judge)
             for b in buckets.values()}
    return Units(units, judge.cache_info().currsize > 0)


def blob_language_unit(store, blob_id: str) -> str | None:
    """Off the UI thread: the unit the language of the blob's (first) bucket implies, None when
    no bucket above it names a language (then its own text decides: `draft_unit`)."""
    blob = store.blobs.get(blob_id)
    return unit_for_language(bucket_language(store, blob.bucket_ids[0])) if blob.bucket_ids else None


def draft_unit(language_unit: str | None, text: str) -> str:
    """The unit of an open draft: its book's language's, else its own text's."""
    return language_unit or count_unit(text)


def common_unit(units: Iterable[str]) -> str | None:
    """The one unit all these counts share, None when they differ (or there are none)."""
    found = set(units)
    return found.pop() if len(found) == 1 else None


# -- labels (UI thread) ----------------------------------------------------------------------


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def unit_title(unit: str | None) -> str:
    """A column or row heading: "Words", "Characters", or "Count" when the units differ."""
    if unit == CHARACTERS:
        return _tr("Characters")
    if unit == WORDS:
        return _tr("Words")
    return _tr("Count")


def unit_name(unit: str) -> str:
    """The unit inside a sentence: "words" / "characters"."""
    return _tr("characters") if unit == CHARACTERS else _tr("words")


def count_text(count: int, unit: str) -> str:
    """"1,234 words" / "1,234 characters"."""
    template = _tr("%1 characters") if unit == CHARACTERS else _tr("%1 words")
    return template.replace("%1", f"{count:,}")


def unit_suffix(unit: str) -> str:
    """A spin box's suffix: " words" / " characters"."""
    return _tr(" characters") if unit == CHARACTERS else _tr(" words")


def target_text(count: int, target: int, unit: str) -> str:
    """"1,234 of 50,000 words (2%)"."""
    template = _tr("%1 of %2 characters (%3%)") if unit == CHARACTERS else _tr("%1 of %2 words (%3%)")
    percent = f"{100 * count / target:.0f}" if target else "0"
    return template.replace("%1", f"{count:,}").replace("%2", f"{target:,}").replace("%3", percent)


def per_day_title(unit: str) -> str:
    return _tr("Characters per day, last four weeks") if unit == CHARACTERS else _tr("Words per day, last four weeks")


def compile_summary(result: Any, unit: str) -> str:
    """The status line after a compile (an export `CompileResult`): where, how much, warnings."""
    text = (_tr("Compiled %1: %2 chapters, %3").replace("%1", str(result.path))
            .replace("%2", f"{result.chapter_count:,}").replace("%3", count_text(result.word_count, unit)))
    if result.warnings:
        text += " · " + _tr("%1 warnings (the first: %2)").replace("%1", str(len(result.warnings))).replace(
            "%2", str(result.warnings[0]))
    return text
