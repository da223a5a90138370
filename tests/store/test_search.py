"""Search: FTS5 over blob text, titles, tags and bucket names/descriptions/tags, ranked, filtered."""

from __future__ import annotations

from reyna_desktop.store import Store
from reyna_desktop.store.search import match_expression


def test_ranked_with_snippets_and_filters(store: Store) -> None:
    book = store.buckets.create("Sea Novel", "book")
    chapter = store.buckets.create("Chapter", "chapter", parent_id=book.id)
    research = store.buckets.create("Notes", "research", description="lighthouse sources")
    title_hit = store.blobs.create({"content": "Nothing here.", "title": "Lighthouse"}, bucket_ids=[chapter.id])
    body_hit = store.blobs.create(
        {"content": "Once there was a lighthouse keeper who kept a lighthouse."}, bucket_ids=[research.id]
    )
    hits = store.search("lighthouse")
    assert {h.id for h in hits} == {title_hit.id, body_hit.id, research.id}
    blob_hits = [h for h in hits if h.kind == "blob"]
    assert blob_hits[0].id == title_hit.id  # a title match ranks above body text
    body = next(h for h in hits if h.id == body_hit.id)
    assert "[lighthouse]" in body.snippet
    in_books = store.search("lighthouse", types=["book"])
    assert [h.id for h in in_books] == [title_hit.id]
    assert [h.id for h in store.search("lighthouse", kinds=("bucket",))] == [research.id]
    assert [h.id for h in store.search("lighthouse", within=research.id, kinds=("blob",))] == [body_hit.id]


def test_prefix_matching_and_hostile_input(store: Store) -> None:
    bucket = store.buckets.create("B", "research")
    blob = store.blobs.create(
        {"content": "The storm approached the harbour."}, bucket_ids=[bucket.id], tags=["weather"]
    )
    assert store.search("harb")[0].id == blob.id
    assert store.search("weather")[0].id == blob.id
    for hostile in ['"', "NEAR(", "*", "AND OR NOT", "storm)", "-", "'; DROP TABLE blobs; --"]:
        store.search(hostile)  # never raises on what a person can type
    assert store.search("") == []
    assert match_expression('"the storm" harb') == '"the storm" "harb"*'


def test_diacritics_are_folded(store: Store) -> None:
    bucket = store.buckets.create("B", "research")
    blob = store.blobs.create({"content": "Un café à Montréal"}, bucket_ids=[bucket.id])
    assert store.search("cafe montreal")[0].id == blob.id


def test_the_best_live_hits_come_back_when_the_best_matches_are_in_the_trash(store: Store) -> None:
    """Search ranks an index's best matches before it checks their buckets: when those are all
    trashed, it ranks every match instead of returning too few."""
    old = store.buckets.create("Old drafts", "folder")
    live = store.buckets.create("Chapter", "chapter")
    for n in range(12):  # titles weigh most: these rank first
        store.blobs.create({"content": f"Lantern lantern {n}.", "title": "Lantern"}, bucket_ids=[old.id])
    kept = [store.blobs.create({"content": f"A lantern in chapter {n}."}, bucket_ids=[live.id]).id for n in range(3)]
    store.buckets.trash(old.id)
    hits = store.search("lantern", kinds=("blob",), limit=2)
    assert len(hits) == 2 and {h.id for h in hits} <= set(kept)
