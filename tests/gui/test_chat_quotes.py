"""A grounded reply in the chat pane: the quote is shown as a quote whose chapter opens the source."""

from __future__ import annotations

from reyna_desktop.gui.chat_pane import content_html


def test_a_quoted_reply_links_its_chapter_and_leaves_the_sources_line_to_the_links() -> None:
    sources = [{"blob_id": "bl_1", "title": "Chapter III"}]
    shown = content_html("It was a blue coat.\n\n> He wore a blue coat & hat.\n— Chapter III\n\n"
                         "Sources: Chapter III (bl_1)", sources)
    assert shown.startswith("It was a blue coat.<br><blockquote")
    assert "<i>He wore a blue coat &amp; hat.</i>" in shown and "<a href='open:bl_1'>Chapter III</a>" in shown
    assert "Sources:" not in shown
    refusal = "Your project does not mention that: nothing in it matches “ship”."
    assert content_html(refusal, []) == "Your project does not mention that: nothing in it matches “ship”."


def test_a_chinese_books_sources_line_is_left_to_the_links_too() -> None:
    sources = [{"blob_id": "bl_3", "title": "三"}]
    shown = content_html("> 陈老五赶上前，硬把我拖回家中了。\n— 三\n\n来源：三 (bl_3)", sources)
    assert "<a href='open:bl_3'>三</a>" in shown and "来源" not in shown
