"""The stats panel's and writing goals' figures, from a real store."""

from __future__ import annotations

from datetime import date, timedelta

from reyna_desktop.store import Store


def test_bucket_figures_and_words_written_per_day(store: Store) -> None:
    book = store.buckets.create("Book", "book", tags=["novel"])
    chapter = store.buckets.create("Chapter", "chapter", parent_id=book.id)
    other = store.buckets.create("Elsewhere", "folder")
    draft = store.blobs.create({"content": "one two three"}, bucket_ids=[chapter.id], tags=["draft", "act-1"])
    store.blobs.update_text(draft.id, "one two three four five six")  # +3
    store.blobs.update_text(draft.id, "one two three four")  # -2
    store.blobs.create({"content": "made by a model here"}, bucket_ids=[chapter.id], processor_id="text-expansion")
    store.blobs.create({"content": "not in the book at all"}, bucket_ids=[other.id])

    stats = store.stats.bucket(book.id)
    assert (stats.blobs, stats.versions) == (2, 4)
    # The words are those of the text that counts, as the tree and the compiler count them
    # (the model's expansion here), not the draft and the expansion added up.
    assert stats.words == store.sections.subtree_count(book.id) == 5
    assert stats.bytes > 0 and stats.processors == {"text-expansion": 1}
    assert stats.activity == {date.today(): 4} and stats.last_activity
    per_day = store.stats.words_per_day(book.id, days=7)
    assert list(per_day) == [date.today() - timedelta(days=6 - i) for i in range(7)]
    assert per_day[date.today()] == 3 + 3 - 2  # the model's 5 words are not the writer's
    assert store.stats.bucket(other.id).words == store.sections.subtree_count(other.id)
    assert store.stats.tags() == ["act-1", "draft", "novel"]
