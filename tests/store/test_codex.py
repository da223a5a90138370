"""The codex: entries with aliases, the mention index kept on save, appearances and the grid."""

from __future__ import annotations

import pytest

from reyna_desktop.errors import InvalidOperation, ValidationFailed
from reyna_desktop.models import Bucket
from reyna_desktop.name_matcher import NameMatcher
from reyna_desktop.sample import ensure_sample_project
from reyna_desktop.store import Store


def _book(store: Store, *texts: str) -> tuple[Bucket, list[Bucket], list[str]]:
    """A book with one chapter per text (in Part One) and the blob ids of their drafts."""
    book = store.buckets.create("Novel", "book")
    part = store.buckets.create("Part One", "part", parent_id=book.id)
    chapters, blob_ids = [], []
    for number, text in enumerate(texts, 1):
        chapter = store.buckets.create(f"Chapter {number}", "chapter", parent_id=part.id)
        chapters.append(chapter)
        blob_ids.append(store.blobs.create({"content": text, "role": "draft"}, bucket_ids=[chapter.id]).id)
    return book, chapters, blob_ids


def test_matcher_whole_words_case_possessives_and_longest_name() -> None:
    matcher = NameMatcher([("mara", ["Mara", "Captain Mara Voss"]), ("tomas", ["Tomas", "the Harbourmaster"])])
    text = "Mara's boat. MARA, Maral and Amara; Captain Mara\nVoss met THE harbourmaster and Tomas' dog."
    found = [(m.entry_id, m.text) for m in matcher.find(text)]
    assert found == [
        ("mara", "Mara"),
        ("mara", "MARA"),
        ("mara", "Captain Mara\nVoss"),
        ("tomas", "THE harbourmaster"),
        ("tomas", "Tomas"),
    ]
    assert matcher.counts(text) == {"mara": (3, 0), "tomas": (2, text.index("THE"))}
    assert not NameMatcher([]) and list(NameMatcher([]).find("Mara")) == []


def test_aliases_and_possessives_found_in_the_right_chapters(store: Store) -> None:
    book, chapters, _ = _book(
        store,
        "Mara climbed the steps. The Keeper's lamp was dark.",
        "Tomas mended nets all day.",
        "Mara's letter came. MARA read it twice; Maral the cat slept.",
    )
    mara = store.codex.add(book.id, "character", "Mara", aliases=["the keeper"], fields={"role": "keeper"})
    tomas = store.codex.add(book.id, "character", "Tomas", description="A fisherman")
    seen = store.codex.appearances(mara.id)
    assert [(s.section_id, s.mentions) for s in seen.sections] == [(chapters[0].id, 2), (chapters[2].id, 2)]
    assert seen.total == 4 and seen.first and seen.first.section_id == chapters[0].id
    assert seen.last and seen.last.section_id == chapters[2].id
    assert [(s.section_name, s.mentions) for s in store.codex.appearances(tomas.id).sections] == [("Chapter 2", 1)]
    grid = store.codex.grid(book.id)
    assert [s.id for s in grid.sections] == [c.id for c in chapters]
    assert [e.name for e in grid.entries] == ["Mara", "Tomas"]
    assert [[grid.count(c.id, e.id) for e in grid.entries] for c in chapters] == [[2, 0], [0, 1], [2, 0]]
    assert store.codex.entry(mara.id).fields == {"role": "keeper"}
    assert store.codex.find(book.id, "THE KEEPER").id == mara.id


def test_editing_a_chapter_updates_the_index(store: Store) -> None:
    book, chapters, blob_ids = _book(store, "Nobody here.", "Mara waits.")
    mara = store.codex.add(book.id, "character", "Mara")
    assert [s.section_id for s in store.codex.appearances(mara.id).sections] == [chapters[1].id]
    store.blobs.update_text(blob_ids[0], "Mara arrives. Mara leaves.")
    store.blobs.update_text(blob_ids[1], "Nobody waits.")
    assert [(s.section_id, s.mentions) for s in store.codex.appearances(mara.id).sections] == [(chapters[0].id, 2)]
    store.blobs.trash(blob_ids[0])
    assert store.codex.appearances(mara.id).sections == []
    store.blobs.restore(blob_ids[0])
    assert store.codex.appearances(mara.id).total == 2
    new = store.blobs.create({"content": "Mara again."}, bucket_ids=[chapters[1].id])
    assert store.codex.appearances(mara.id).total == 3
    store.blobs.move(new.id, chapters[1].id, store.codex.entries(book.id)[0].id)  # into the entry: notes now
    assert store.codex.appearances(mara.id).total == 2


def test_changing_names_rescans_the_book(store: Store) -> None:
    book, chapters, _ = _book(store, "Mara and the captain.", "The Captain sleeps.")
    mara = store.codex.add(book.id, "character", "Mara")
    assert store.codex.appearances(mara.id).total == 1
    store.codex.update(mara.id, aliases=["the captain"])
    assert [(s.section_id, s.mentions) for s in store.codex.appearances(mara.id).sections] == [
        (chapters[0].id, 2),
        (chapters[1].id, 1),
    ]
    store.codex.update(mara.id, name="Maren")
    assert store.codex.appearances(mara.id).total == 2
    store.buckets.trash(mara.id)
    assert store.codex.entries(book.id) == []


def test_notes_and_codex_buckets_are_not_story_text(store: Store) -> None:
    book, _, _ = _book(store, "A quiet chapter.")
    notes = store.buckets.create("Research", "research", parent_id=book.id)
    store.blobs.create({"content": "Mara research"}, bucket_ids=[notes.id])
    mara = store.codex.add(book.id, "character", "Mara", notes="Mara is the keeper. Mara!")
    assert store.codex.appearances(mara.id).sections == []
    assert store.codex.rebuild(book.id) == {"books": 1, "blobs": 1, "mentions": 0}


def test_rebuild_from_scratch_matches_the_kept_index(store: Store) -> None:
    book, _, _ = _book(store, "Mara, Tomas.", "Tomas, Tomas.")
    store.codex.add(book.id, "character", "Mara")
    store.codex.add(book.id, "character", "Tomas")
    kept = store.query("SELECT * FROM codex_mentions ORDER BY entry_id, blob_id")
    store.conn.execute("DELETE FROM codex_mentions")
    assert store.codex.rebuild() == {"books": 1, "blobs": 2, "mentions": 4}
    assert [dict(r) for r in store.query("SELECT * FROM codex_mentions ORDER BY entry_id, blob_id")] == [
        dict(r) for r in kept
    ]


def test_bad_entries_are_refused(store: Store) -> None:
    book, _, _ = _book(store, "text")
    with pytest.raises(InvalidOperation, match="codex kind 'monster'"):
        store.codex.add(book.id, "monster", "Grendel")
    with pytest.raises(InvalidOperation, match="alias must not be empty"):
        store.codex.add(book.id, "character", "Mara", aliases=["  "])
    with pytest.raises(ValidationFailed):
        store.codex.add(book.id, "character", "Mara", fields={"age": 34})
    assert store.codex.entries(book.id) == []
    chapter = store.buckets.all(type="chapter")[0]
    with pytest.raises(InvalidOperation, match="not a codex entry"):
        store.codex.entry(chapter.id)


def test_sample_book_characters_are_codex_entries(store: Store) -> None:
    ensure_sample_project(store)
    book = store.buckets.all(type="book")[0]
    entries = {e.name: e for e in store.codex.entries(book.id)}
    assert {"Mara", "Tomas", "The Island", "The Letter"} <= entries.keys()
    mara = entries["Mara"]
    assert mara.kind == "character" and mara.fields["age"] == "thirty-four"
    notes = store.blobs.in_bucket(mara.id)
    assert "reads the weather" in store.blobs.text(notes[0].id)
    assert [s.section_name for s in store.codex.appearances(mara.id).sections] == [
        "The Lighthouse Keeper",
        "A Letter From the Sea",
        "Storm Warning",
    ]


def test_a_book_never_scanned_is_scanned_whole_at_its_next_save(store: Store) -> None:
    book, chapters, blob_ids = _book(store, "Mara here.", "Mara there.")
    mara = store.codex.add(book.id, "character", "Mara")
    with store.transaction() as tx:  # as a store made before the codex existed would be
        tx.execute("DELETE FROM codex_mentions")
        tx.execute("DELETE FROM kv WHERE namespace = 'codex.names'")
    assert store.codex.appearances(mara.id).sections == []
    store.blobs.update_text(blob_ids[0], "Mara here again.")
    assert [s.section_id for s in store.codex.appearances(mara.id).sections] == [c.id for c in chapters]
