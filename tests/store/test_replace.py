"""Project-wide replace and codex rename: exact previews, one transaction, one-step undo."""

from __future__ import annotations

import pytest

from reyna_desktop.errors import InvalidOperation
from reyna_desktop.store import Store

TEXTS = [
    "Mara climbed the steps. Mara's lamp was dark. Amara slept.",
    "Tomas mended nets. MARA called from the cliff.",
    "Nobody came that night.",
]


def _book(store: Store) -> tuple[str, list[str], list[str]]:
    book = store.buckets.create("Novel", "book")
    chapters, blobs = [], []
    for number, text in enumerate(TEXTS, 1):
        chapter = store.buckets.create(f"Chapter {number}", "chapter", parent_id=book.id)
        chapters.append(chapter.id)
        blobs.append(store.blobs.create({"content": text, "role": "draft"}, bucket_ids=[chapter.id]).id)
    return book.id, chapters, blobs


def _texts(store: Store, blob_ids: list[str]) -> list[str]:
    return [store.blobs.text(b) for b in blob_ids]


def test_rename_changes_exactly_the_previewed_places_and_one_undo_restores_all(store: Store) -> None:
    book_id, chapters, blobs = _book(store)
    mara = store.codex.add(book_id, "character", "Mara", aliases=["the cliff"])
    plan = store.codex.rename_preview(mara.id, "Maren", {"the cliff": "the headland"})
    one, two = "Mara climbed the steps. Mara's lamp was dark", "Tomas mended nets. MARA called from the cliff."
    assert [(c.section_name, c.before, c.after) for c in plan.changes] == [
        ("Chapter 1", one + "…", "Maren climbed the steps. Mara's lamp was dark…"),
        ("Chapter 1", one + ". Amara slept.", "Mara climbed the steps. Maren's lamp was dark. Amara slept."),
        ("Chapter 2", two, "Tomas mended nets. MAREN called from the cliff."),
        ("Chapter 2", two, "Tomas mended nets. MARA called from the headland."),
    ]
    versions = [store.blobs.get(b).version for b in blobs]
    batch = store.codex.rename(mara.id, plan)
    assert batch.blob_count == 2
    assert _texts(store, blobs) == [
        "Maren climbed the steps. Maren's lamp was dark. Amara slept.",
        "Tomas mended nets. MAREN called from the headland.",
        TEXTS[2],
    ]
    assert [store.blobs.get(b).version for b in blobs] == [versions[0] + 1, versions[1] + 1, versions[2]]
    renamed = store.codex.entry(mara.id)
    assert (renamed.name, renamed.aliases) == ("Maren", ["the headland"])
    assert store.codex.appearances(mara.id).total == 4

    undone = store.replace.undo(root_id=book_id)
    assert undone.id == batch.id and undone.undone_at
    assert _texts(store, blobs) == TEXTS
    assert [store.blobs.get(b).version for b in blobs] == [versions[0] + 2, versions[1] + 2, versions[2]]
    restored = store.codex.entry(mara.id)
    assert (restored.name, restored.aliases) == ("Mara", ["the cliff"])
    assert [s.section_id for s in store.codex.appearances(mara.id).sections] == chapters[:2]
    with pytest.raises(InvalidOperation, match="no replace to undo"):
        store.replace.undo(root_id=book_id)


def test_replace_is_case_sensitive_by_default_and_options_widen_it(store: Store) -> None:
    book_id, _, blobs = _book(store)
    assert len(store.replace.preview(book_id, [("Mara", "Nell")]).changes) == 2  # Mara, Mara's; not MARA
    inside = store.replace.preview(book_id, [("mara", "nell")]).changes
    assert [c.after for c in inside] == ["…imbed the steps. Mara's lamp was dark. Anell slept."]
    whole = store.replace.preview(book_id, [("mara", "nell")], whole_word=True, ignore_case=True)
    assert [c.after.split(".")[0] for c in whole.changes][:1] == ["Nell climbed the steps"]
    assert len(whole.changes) == 3 and not any("Anell" in c.after for c in whole.changes)
    store.replace.apply(whole)
    assert _texts(store, blobs)[1] == "Tomas mended nets. NELL called from the cliff."


def test_replace_refuses_an_empty_pattern_and_reports_zero_matches_without_writing(store: Store) -> None:
    book_id, _, blobs = _book(store)
    with pytest.raises(InvalidOperation, match="pattern is empty"):
        store.replace.preview(book_id, [("", "x")])
    with pytest.raises(InvalidOperation, match="with itself"):
        store.replace.preview(book_id, [("Mara", "Mara")])
    events = store.last_event_id()
    plan = store.replace.preview(book_id, [("Zebedee", "Zed")])
    assert plan.changes == [] and plan.edits == []
    assert store.replace.apply(plan) is None
    assert store.last_event_id() == events and store.replace.batches() == []
    assert [store.blobs.get(b).version for b in blobs] == [1, 1, 1]


def test_apply_refuses_a_stale_preview_and_undo_refuses_to_lose_later_edits(store: Store) -> None:
    book_id, _, blobs = _book(store)
    plan = store.replace.preview(book_id, [("Tomas", "Tom")])
    store.blobs.update_text(blobs[1], "Tomas left.")
    with pytest.raises(InvalidOperation, match="changed after the preview"):
        store.replace.apply(plan)
    assert store.replace.batches() == []
    batch = store.replace.apply(store.replace.preview(book_id, [("Tomas", "Tom"), ("night", "day")]))
    assert batch and batch.blob_count == 2
    store.blobs.update_text(blobs[2], "Nobody came that day, or the next.")
    with pytest.raises(InvalidOperation, match="was changed after it"):
        store.replace.undo(batch.id)
    assert _texts(store, blobs)[1:] == ["Tom left.", "Nobody came that day, or the next."]
    assert store.replace.batch(batch.id).undone_at is None


def test_replace_stays_inside_the_book(store: Store) -> None:
    book_id, _, blobs = _book(store)
    other = store.buckets.create("Other", "book")
    elsewhere = store.blobs.create({"content": "Tomas elsewhere."}, bucket_ids=[other.id])
    batch = store.replace.apply(store.replace.preview(book_id, [("Tomas", "Tom")]))
    assert batch and batch.blob_count == 1
    assert store.blobs.text(elsewhere.id) == "Tomas elsewhere."
    assert _texts(store, blobs)[1].startswith("Tom mended")
