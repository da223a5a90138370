"""Writers in Chinese and Japanese: counts by character, search inside runs of CJK text
(issue 17), on public-domain passages (tests/store/data/cjk_texts.py says where from)."""

from __future__ import annotations

from pathlib import Path

from reyna_desktop.store import Store
from reyna_desktop.store.text import CHARACTERS, WORDS, count_unit, word_count
from tests.store.data.cjk_texts import KUANGREN_RIJI, LUNYU_XUE_ER, RASHOMON, WAGAHAI


def test_cjk_counts_one_per_character_and_other_scripts_by_word() -> None:
    assert word_count("今天晚上，很好的月光。") == 9  # punctuation does not count
    assert word_count("吾輩は猫である。名前はまだ無い。") == 14
    assert word_count("ニャーニャー") == 4  # the long-vowel mark ー is not a character of its own
    assert word_count("안녕하세요 세계") == 7  # hangul syllables one each
    assert word_count("สวัสดีครับ") == 7  # Thai letters one each, vowel and tone marks not
    assert word_count("The storm broke at dawn, didn't it?") == 7
    assert word_count("Chapter 3: 北京 at night") == 6  # 2 characters + 4 words
    assert count_unit(KUANGREN_RIJI) == count_unit(WAGAHAI) == CHARACTERS
    assert count_unit("An English chapter that quotes 北京 once.") == WORDS


def test_the_tree_and_stats_count_a_chinese_book_in_characters(store: Store) -> None:
    book = store.buckets.create("狂人日记", "book")
    one = store.buckets.create("一", "chapter", parent_id=book.id)
    two = store.buckets.create("二", "chapter", parent_id=book.id)
    store.blobs.create({"content": KUANGREN_RIJI}, bucket_ids=[one.id])
    store.blobs.create({"content": LUNYU_XUE_ER}, bucket_ids=[two.id])
    expected = word_count(KUANGREN_RIJI) + word_count(LUNYU_XUE_ER)
    assert expected > 150  # whitespace splitting gave a handful of "words" for this text
    assert store.sections.subtree_counts()[book.id] == expected
    stats = store.buckets.stats(book.id)
    assert stats["total_words"] == expected and stats["count_unit"] == CHARACTERS


def _library(store: Store) -> dict[str, str]:
    shelf = store.buckets.create("Shelf", "folder")
    texts = {"kuangren": KUANGREN_RIJI, "lunyu": LUNYU_XUE_ER, "wagahai": WAGAHAI, "rashomon": RASHOMON,
             "english": "The storm broke at dawn over the harbour."}
    return {name: store.blobs.create({"content": text}, bucket_ids=[shelf.id]).id for name, text in texts.items()}


def _found(store: Store, query: str) -> set[str]:
    return {hit.id for hit in store.search(query, kinds=("blob",))}


def test_search_finds_words_inside_cjk_runs(store: Store) -> None:
    ids = _library(store)
    assert _found(store, "三十多年") == {ids["kuangren"]}  # mid-run, four characters
    assert _found(store, "月光") == {ids["kuangren"]}  # two characters: below a trigram
    assert _found(store, "君子") == {ids["lunyu"]}
    assert _found(store, "名前") == {ids["wagahai"]}  # Japanese, mid-run
    assert _found(store, "猫") == {ids["wagahai"]}  # one character
    assert _found(store, "下人") == {ids["rashomon"]}
    assert _found(store, "羅生門の下") == {ids["rashomon"]}
    assert _found(store, "不亦 君子") == {ids["lunyu"]}  # every term must match
    assert _found(store, "月光 君子") == set()
    assert _found(store, "storm") == {ids["english"]}  # the word index still serves other text
    assert _found(store, "北京") == set()


def test_cjk_hits_are_ranked_and_have_snippets(store: Store) -> None:
    ids = _library(store)
    shelf = store.blobs.get(ids["kuangren"]).bucket_ids[0]
    once = store.blobs.create({"content": "我看見月光。" + "沒有別的話。" * 40}, bucket_ids=[shelf]).id
    hits = store.search("月光", kinds=("blob",))
    assert [h.id for h in hits] == [ids["kuangren"], once]  # twice in a short text beats once in a long one
    assert "[月光]" in hits[0].snippet and len(hits[0].snippet) < 60
    [long_hit] = store.search("精神分外爽快", kinds=("blob",))
    assert "[精神分外爽快]" in long_hit.snippet


def test_trash_and_edits_keep_the_cjk_index_in_step(store: Store) -> None:
    ids = _library(store)
    store.blobs.update_text(ids["rashomon"], "下人は雨やみを待っていた。")
    assert _found(store, "羅生門") == set() and _found(store, "雨やみ") == {ids["rashomon"]}
    store.blobs.trash(ids["wagahai"])
    assert _found(store, "名前") == set()
    store.blobs.restore(ids["wagahai"])
    assert _found(store, "名前") == {ids["wagahai"]}


# Tables of the migrations after the CJK indexes (codex, sync, passages), children before parents.
LATER_TABLES = ("codex_mentions", "replace_batch_blobs", "replace_batches",
                "sync_settings", "sync_ids", "sync_peers", "sync_doc_updates", "passages_fts", "passage_index",
                "passages_bigram")


def test_a_store_from_before_the_cjk_indexes_gets_them_filled(private_dirs: Path) -> None:
    with Store.open(private_dirs) as store:
        ids = _library(store)
        with store.transaction() as tx:  # the store as migration 3 left it
            tx.execute("DROP TABLE blobs_cjk")
            tx.execute("DROP TABLE blobs_bigram")
            for later in LATER_TABLES:  # made by the migrations after 4, which run again
                tx.execute(f"DROP TABLE {later}")
            tx.execute("PRAGMA user_version = 3")
    with Store.open(private_dirs) as store:
        assert _found(store, "月光") == {ids["kuangren"]} and _found(store, "三十多年") == {ids["kuangren"]}
