"""One rule for the text that counts: the tree's counts, a bucket's stats and the compiler
pick the same blob in every section (store/sections.py)."""

from __future__ import annotations

from reyna_desktop.export.assemble import assemble
from reyna_desktop.export.options import CompileOptions
from reyna_desktop.gui.tree_data import subtree_word_counts
from reyna_desktop.schema_ids import EXPANDED_TEXT, TEXT_INPUT
from reyna_desktop.store import Store


def _text(store: Store, bucket_id: str, content: str, **data: str) -> str:
    return store.blobs.create({"content": content, **data}, schema_id=TEXT_INPUT, bucket_ids=[bucket_id]).id


def _book(store: Store) -> tuple[str, dict[str, str], dict[str, str]]:
    """A book whose chapters each exercise one tier of the rule; returns the chapters and the
    blob that must count in each."""
    book = store.buckets.create("Book", "book").id
    ch = {name: store.buckets.create(name, "chapter", parent_id=book).id for name in "ABCDEF"}
    expect: dict[str, str] = {}
    # A: newest draft wins among drafts; notes never count, even when newer and longer.
    _text(store, ch["A"], "old draft words here")
    expect["A"] = _text(store, ch["A"], "new draft", role="draft")
    _text(store, ch["A"], "notes " * 50, role="notes")
    # B: an edited text beats a newer draft.
    expect["B"] = _text(store, ch["B"], "edited text of three", role="edited")
    _text(store, ch["B"], "a newer draft")
    # C: an expansion counts as edited; marked final beats it.
    draft = _text(store, ch["C"], "the seed")
    store.blobs.derive(draft, {"expanded": "a long grown expansion", "original": "the seed", "expansion_ratio": 2.5},
                       schema_id=EXPANDED_TEXT, processor_id="text-expansion")
    expect["C"] = _text(store, ch["C"], "the final words")
    store.blobs.set_final(expect["C"])
    # D: role final also counts as final.
    _text(store, ch["D"], "edited one", role="edited")
    expect["D"] = _text(store, ch["D"], "final by role", role="final")
    # E: final_blob_id names a blob, even one kept in another bucket.
    elsewhere = store.buckets.create("Drafts", "folder").id
    expect["E"] = _text(store, elsewhere, "chosen from elsewhere by name")
    _text(store, ch["E"], "final here", role="final")
    store.buckets.update(ch["E"], metadata={"final_blob_id": expect["E"]}, merge_metadata=True)
    # F: an empty draft does not hide an older one with text.
    expect["F"] = _text(store, ch["F"], "has some text")
    _text(store, ch["F"], "   ")
    return book, ch, expect


def test_tree_stats_and_compiler_count_the_same_blob(store: Store) -> None:
    book, chapters, expect = _book(store)
    for name, bucket_id in chapters.items():
        assert store.sections.chosen_blob(bucket_id) == expect[name], name
    manuscript = assemble(store, book, CompileOptions())
    compiled = {s.blob_id for s in manuscript.sources}
    assert compiled == set(expect.values())
    words = {name: store.blobs.get(blob_id).word_count for name, blob_id in expect.items()}
    counts = subtree_word_counts(store)
    assert counts[book] == sum(words.values()) == store.buckets.stats(book)["total_words"]
    for name, bucket_id in chapters.items():
        assert counts[bucket_id] == words[name]


def test_a_trashed_blob_stops_counting(store: Store) -> None:
    _, chapters, expect = _book(store)
    store.blobs.trash(expect["B"])
    newer_draft = store.sections.chosen_blob(chapters["B"])
    assert newer_draft is not None and store.blobs.text(newer_draft) == "a newer draft"
