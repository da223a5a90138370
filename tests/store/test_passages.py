"""The paragraph index for grounded chat: passages, lazy re-indexing, stemmed search."""

from __future__ import annotations

from reyna_desktop.store import Store
from reyna_desktop.store.passages import MIN_WORDS, split_passages


def test_short_paragraphs_join_the_next_until_a_passage_is_long_enough() -> None:
    line = "“Who is there?” she asked."
    long = " ".join(["word"] * MIN_WORDS)
    assert split_passages(f"{line}\n\n{long}\n\n{line}") == [f"{line}\n\n{long}", line]
    assert split_passages("") == []


def test_passages_are_indexed_lazily_found_by_stem_and_reindexed_after_an_edit(store: Store) -> None:
    book = store.buckets.create("Book", "book")
    blob = store.blobs.create({"content": "The keepers lit the lamps at dusk.\n\n" + "Rain fell. " * 30},
                              bucket_ids=[book.id])
    other = store.blobs.create({"content": "Bread is baked on Sundays."}, bucket_ids=[book.id])
    assert store.passages.sync([blob.id, other.id]) == 2
    assert store.passages.sync([blob.id, other.id]) == 0  # nothing changed, nothing redone
    assert store.passages.count([blob.id, other.id]) == 2

    hits = store.passages.search([blob.id, other.id], '"keeper"* AND "lamp"*')  # plural and stem
    assert [(h.blob_id, h.position) for h in hits] == [(blob.id, 0)] and "lit the lamps" in hits[0].text
    assert store.passages.search([other.id], '"keeper"*') == []  # only the blobs asked about
    assert store.passages.matching([blob.id, other.id], '"baking"*') == {(other.id, 0)}  # porter: baking ~ baked
    assert store.passages.at([(other.id, 0), (other.id, 1)]) == {(other.id, 0): "Bread is baked on Sundays."}
    assert store.passages.at([]) == {}

    store.blobs.update(blob.id, {"content": "The keepers slept."})
    assert store.passages.sync([blob.id]) == 1
    assert store.passages.search([blob.id], '"lamp"*') == []
    assert store.passages.count([blob.id]) == 1
