"""sync/text_merge.merge_text: both sides' edits of one text kept."""

from __future__ import annotations

from reyna_desktop.sync.text_merge import merge_text

BASE = "The rain came at night. The keeper slept."


def test_edits_in_different_places_are_both_kept() -> None:
    theirs = "The rain came at night. Mara opened the door. The keeper slept."
    mine = "The cold rain came at night. The keeper slept."
    assert merge_text(BASE, theirs, mine) == "The cold rain came at night. Mara opened the door. The keeper slept."


def test_one_side_unchanged_takes_the_other() -> None:
    assert merge_text(BASE, BASE, "Mine.") == "Mine."
    assert merge_text(BASE, "Theirs.", BASE) == "Theirs."
    assert merge_text(BASE, "Same.", "Same.") == "Same."


def test_cjk_and_emoji_positions() -> None:
    base = "今天晚上，很好的月光。"
    theirs = "今天晚上，很好的月光。我不见他。"
    mine = "🌙今天晚上，很好的月光。"
    assert merge_text(base, theirs, mine) == "🌙今天晚上，很好的月光。我不见他。"
