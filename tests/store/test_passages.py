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


def test_chinese_passages_are_found_by_terms_inside_their_runs(store: Store) -> None:
    from reyna_desktop.store.passages import BIGRAMS
    from reyna_desktop.store.text import bigram_expression
    from tests.store.data.cjk_texts import KUANGREN_RIJI

    book = store.buckets.create("狂人日记", "book")
    blob = store.blobs.create({"content": KUANGREN_RIJI}, bucket_ids=[book.id])
    english = store.blobs.create({"content": "The keepers lit the lamps at dusk."}, bucket_ids=[book.id])
    both = [blob.id, english.id]
    store.passages.sync(both)
    # Passages are measured by the one count: the first short paragraphs join until 40 characters.
    assert split_passages(KUANGREN_RIJI)[0].startswith("今天晚上，很好的月光。\n\n我不见他")
    assert store.passages.matching(both, '"月光"*') == set()  # the word index sees whole runs only
    for term in ("狗", "月光", "赵家的狗", "三十多年"):  # one, two and more characters, mid-run
        hits = store.passages.search(both, bigram_expression(term), index=BIGRAMS)
        assert hits and all(h.blob_id == blob.id and term in h.text for h in hits), term
    assert store.passages.matching(both, bigram_expression("孙悟空"), index=BIGRAMS) == set()
    assert store.passages.matching(both, bigram_expression("家狗"), index=BIGRAMS) == set()  # not a substring

    store.blobs.update(blob.id, {"content": "我怕得有理。"})
    store.passages.sync(both)
    assert store.passages.matching(both, bigram_expression("月光"), index=BIGRAMS) == set()  # old rows gone
    assert store.passages.matching(both, bigram_expression("有理"), index=BIGRAMS) == {(blob.id, 0)}
