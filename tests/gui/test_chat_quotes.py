"""A grounded reply in the chat pane: the quote is shown as a quote whose chapter opens the source
at the quoted sentences."""

from __future__ import annotations

from reyna_desktop.gui.chat_pane import content_html
from tests.gui.test_main_window import make_window

__all__ = ["make_window"]  # fixture used by name


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


def test_a_quote_link_opens_the_chapter_with_the_quoted_sentences_selected(qtbot, make_window) -> None:
    from PySide6.QtCore import QUrl

    from reyna_desktop.processors.chat import create_conversation
    from reyna_desktop.processors.retrieval import find_evidence

    window = make_window(sample=False)
    store = window.store
    book = store.buckets.create("Book", "book")
    chapter = store.buckets.create("Chapter One", "chapter", parent_id=book.id)
    text = ("The village slept under the hill, and the boats lay still in the harbour.\n\n"
            "At midnight the storm broke the harbour\nwall, and the sea came in over the quay. "
            "Nobody slept after that.")
    blob = store.blobs.create({"content": text}, bucket_ids=[chapter.id])
    other = store.blobs.create({"content": "A note."}, bucket_ids=[book.id])
    source = find_evidence(store, book.id, "What did the storm break?").sources[0]
    assert source.blob_id == blob.id and "storm broke the harbour wall" in source.snippet
    conversation = create_conversation(store, "About the book", attached_bucket_id=book.id)
    question = store.blobs.create({"content": "What did the storm break?", "role": "user", "sender_id": "me"},
                                  schema_id="message-v1", bucket_ids=[conversation.id])
    reply = store.blobs.create(
        {"content": f"> {source.snippet}\n— {source.title}\n\nSources: {source.title} ({blob.id})",
         "role": "assistant", "sender_id": "assistant", "reply_to": question.id, "sources": [source.as_dict()]},
        schema_id="message-v1", bucket_ids=[conversation.id])

    chat = window.chat
    chat.refresh_conversations()
    chat.open_conversation(conversation.id)
    qtbot.waitUntil(lambda: f"quote:{reply.id}:0" in chat.view.toHtml(), timeout=5000)
    draft = window.editor.draft

    def selected() -> str:
        return draft.editor.textCursor().selectedText().replace("\u2029", "\n")

    chat._link(QUrl(f"quote:{reply.id}:0"))
    qtbot.waitUntil(lambda: draft.blob_id == blob.id and selected() != "", timeout=5000)
    assert selected().startswith("At midnight the storm broke the harbour\nwall") and "Nobody" not in selected()

    window.editor.open_blob(other.id)  # elsewhere, then the quote again: the chapter opens at the quote
    qtbot.waitUntil(lambda: draft.blob_id == other.id and draft.isEnabled(), timeout=5000)
    chat._link(QUrl(f"quote:{reply.id}:0"))
    qtbot.waitUntil(lambda: draft.blob_id == blob.id and selected().startswith("At midnight"), timeout=5000)
    cursor = draft.editor.textCursor()
    cursor.setPosition(0)
    draft.editor.setTextCursor(cursor)
    chat._link(QUrl(f"quote:{reply.id}:0"))  # the chapter is open already: selected again
    qtbot.waitUntil(lambda: selected().startswith("At midnight"), timeout=5000)
