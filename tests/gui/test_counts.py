"""The count's unit named in the window (gui/counts.py): a Chinese book counts characters in the
tree, the stats panel, the goals and the status bar; an English one words."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reyna_desktop.gui.counts import unit_for_language
from reyna_desktop.gui.tree_model import RowRole
from reyna_desktop.store.text import CHARACTERS, WORDS, word_count
from tests.gui.test_main_window import make_window, open_path, wait_rows
from tests.store.data.cjk_texts import KUANGREN_RIJI, WAGAHAI

__all__ = ["make_window"]  # fixture used by name

TIP = Qt.ItemDataRole.ToolTipRole
ENGLISH = "It is a truth universally acknowledged, that a single man in possession of a good fortune."


def test_language_tags_name_the_unit() -> None:
    assert unit_for_language("zh-Hant") == unit_for_language("ja") == unit_for_language("ko_KR") == CHARACTERS
    assert unit_for_language("en-GB") == unit_for_language("ar") == WORDS
    assert unit_for_language("") is None and unit_for_language(None) is None


def test_chinese_chapter_counts_characters_everywhere_english_words(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    # One book says its language; the other is judged on its text.
    chinese = store.buckets.create("狂人日记", "book", metadata={"language": "zh", "daily_target_words": 500})
    chinese_chapter = store.buckets.create("第一章", "chapter", parent_id=chinese.id)
    chinese_blob = store.blobs.create({"content": KUANGREN_RIJI}, bucket_ids=[chinese_chapter.id])
    japanese = store.buckets.create("吾輩は猫である", "book")
    store.blobs.create({"content": WAGAHAI}, bucket_ids=[store.buckets.create("一", "chapter",
                                                                                  parent_id=japanese.id).id])
    english = store.buckets.create("Pride", "book", metadata={"target_words": 1000})
    english_chapter = store.buckets.create("Chapter 1", "chapter", parent_id=english.id)
    english_blob = store.blobs.create({"content": ENGLISH}, bucket_ids=[english_chapter.id])
    model = window.tree_model

    # The tree: each row's tooltip names its unit; the column says "Count" while they differ.
    chapter_index = open_path(qtbot, model, "狂人日记", "第一章")
    count_index = chapter_index.siblingAtColumn(1)
    expected = f"{word_count(KUANGREN_RIJI):,} characters"
    qtbot.waitUntil(lambda: count_index.data(TIP) == expected, timeout=10000)
    japanese_index = open_path(qtbot, model, "吾輩は猫である")
    assert japanese_index.siblingAtColumn(1).data(TIP) == f"{word_count(WAGAHAI):,} characters"
    english_index = open_path(qtbot, model, "Pride")
    assert english_index.siblingAtColumn(1).data(TIP) == f"{word_count(ENGLISH)} of 1,000 words (2%)"
    english_chapter_index = open_path(qtbot, model, "Pride", "Chapter 1")
    wait_rows(qtbot, model, english_chapter_index, 1)
    blob_index = model.index(0, 1, english_chapter_index)
    assert blob_index.data(RowRole).id == english_blob.id and blob_index.data(TIP).endswith(" words")
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Count"

    # The stats panel and the goals of the Chinese book.
    window.stats_dock.show()
    window.tree.setCurrentIndex(open_path(qtbot, model, "狂人日记"))
    stats = window.stats
    qtbot.waitUntil(lambda: stats.loaded is not None and stats.loaded.bucket_id == chinese.id, timeout=10000)
    assert stats.words_label.text() == "Characters"
    assert stats.figures["words"].text() == f"{word_count(KUANGREN_RIJI):,}"
    assert stats.daily.suffix() == " characters" and stats.chart_title.text().startswith("Characters per day")
    assert stats.book_target.text() == expected
    qtbot.waitUntil(lambda: window.goals_label.text().startswith("Today"), timeout=10000)
    assert "characters" in window.goals_label.text()

    # The status bar's count of the open draft.
    window.editor.open_blob(chinese_blob.id)
    qtbot.waitUntil(lambda: window.words_label.text() == expected, timeout=10000)
    window.editor.open_blob(english_blob.id)
    qtbot.waitUntil(lambda: window.words_label.text() == f"{word_count(ENGLISH)} words", timeout=10000)
    window.tree.setCurrentIndex(open_path(qtbot, model, "Pride"))
    qtbot.waitUntil(lambda: stats.loaded is not None and stats.loaded.bucket_id == english.id, timeout=10000)
    assert stats.words_label.text() == "Words" and stats.daily.suffix() == " words"


def test_a_new_note_takes_its_unit_from_what_is_typed(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    folder = store.buckets.create("Notes", "folder")
    note = store.blobs.create({"content": ""}, bucket_ids=[folder.id])
    window.editor.open_blob(note.id)
    draft = window.editor.draft
    qtbot.waitUntil(lambda: draft.blob_id == note.id and draft.isEnabled(), timeout=5000)
    draft.autosave.setInterval(50)
    draft.editor.setPlainText("今天晚上，很好的月光。")
    assert window.words_label.text() == "9 characters"
    qtbot.waitUntil(lambda: store.blobs.text(note.id) == "今天晚上，很好的月光。", timeout=10000)
    draft.editor.setPlainText("Tonight the moon is bright.")
    assert window.words_label.text() == "5 words"
    qtbot.waitUntil(lambda: store.blobs.text(note.id) == "Tonight the moon is bright.", timeout=10000)
    qtbot.wait(500)  # the reload that follows the save's event, before the store closes


def test_a_book_without_a_language_follows_its_text(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    book = store.buckets.create("Untitled", "book")
    chapter = store.buckets.create("One", "chapter", parent_id=book.id)
    blob = store.blobs.create({"content": ENGLISH}, bucket_ids=[chapter.id])
    count_index = open_path(qtbot, window.tree_model, "Untitled").siblingAtColumn(1)
    qtbot.waitUntil(lambda: count_index.data(TIP) == f"{word_count(ENGLISH)} words", timeout=10000)
    assert window.tree_model.headerData(1, Qt.Orientation.Horizontal) == "Words"
    store.blobs.update_text(blob.id, KUANGREN_RIJI)  # the writer switches to Chinese
    expected = f"{word_count(KUANGREN_RIJI):,} characters"
    qtbot.waitUntil(lambda: count_index.data(TIP) == expected, timeout=10000)
    assert window.tree_model.headerData(1, Qt.Orientation.Horizontal) == "Characters"


def test_the_compile_summary_names_the_unit(store, tmp_path) -> None:
    from reyna_desktop.gui.counts import compile_summary
    from reyna_desktop.gui.main_window import compile_directly

    book = store.buckets.create("狂人日记", "book", metadata={"language": "zh", "title": "狂人日记", "author": "鲁迅"})
    chapter = store.buckets.create("第一章", "chapter", parent_id=book.id)
    store.blobs.create({"content": KUANGREN_RIJI}, bucket_ids=[chapter.id])
    result, unit = compile_directly(store, book.id, "md", str(tmp_path / "book.md"))
    assert unit == CHARACTERS
    summary = compile_summary(result, unit)
    assert summary.startswith(f"Compiled {tmp_path / 'book.md'}: 1 chapters, ")
    assert f"{word_count(KUANGREN_RIJI):,} characters" in summary
