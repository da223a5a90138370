"""Chat with the real default model: context from the attached bucket, sources, regenerate,
edit, threads, and `reyna chat` from the CLI."""

from __future__ import annotations

import json

import pytest

from reyna_desktop.processors import chat
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.settings import Settings, save_settings
from reyna_desktop.store import Store
from tests.llm.helpers import llm_settings, model_path, runner

__all__ = ["llm_settings", "model_path", "runner"]  # fixtures used by name
SHORT = {"model_settings": {"max_tokens": 12}}


def novel(store: Store) -> tuple[str, str]:
    book = store.buckets.create("The Keeper", "book")
    lighthouse = store.blobs.create(
        {"content": "Old Tomas keeps the lighthouse on Gull Rock and lights the lamp every night."},
        bucket_ids=[book.id], title="Tomas")
    store.blobs.create({"content": "The village bakery sells rye bread on Sundays."}, bucket_ids=[book.id])
    return book.id, lighthouse.id


@pytest.mark.slow
def test_a_turn_uses_the_attached_bucket_and_records_its_sources(store: Store, runner: JobRunner) -> None:
    book_id, lighthouse_id = novel(store)
    conversation = chat.create_conversation(store, "About the book", attached_bucket_id=book_id)
    store.buckets.update(conversation.id, metadata=SHORT, merge_metadata=True)

    question, job = chat.send_message(store, runner, conversation.id, "Who keeps the lighthouse?")
    done = runner.wait(job.id, 120)
    assert done.state == "succeeded", done.error
    reply = store.blobs.get(done.result_blob_id or "")
    data = store.blobs.data(reply.id)
    assert data["role"] == "assistant" and data["reply_to"] == question.id and data["content"]
    assert [s["blob_id"] for s in data["sources"]] == [lighthouse_id]  # the bakery note does not match
    assert reply.parent_id == question.id and reply.bucket_ids == [conversation.id]
    assert [m.id for m in chat.messages(store, conversation.id)] == [question.id, reply.id]
    assert store.blobs.get(question.id).version == 1  # the input is never modified

    # Regenerate: written into the same reply blob (a new version when the text differs; greedy
    # decoding may give the same text, which the store keeps as the same version).
    again = runner.wait(chat.regenerate(store, runner, reply.id).id, 120)
    assert again.state == "succeeded" and again.result_blob_id == reply.id
    assert store.blobs.get(reply.id).processing_meta["job_id"] == again.id

    # Edit the question: a new version marked edited, and the reply is written again.
    edited, redo = chat.edit_message(store, runner, question.id, "Who lights the lamp on Gull Rock?")
    assert edited.version == 2 and store.blobs.data(question.id)["edited"] is True and redo is not None
    assert runner.wait(redo.id, 120).result_blob_id == reply.id
    assert store.blobs.get(reply.id).processing_meta["job_id"] == redo.id
    assert store.blobs.data(reply.id, 1)["content"] == data["content"]  # the first reply stays in the history

    # A thread on the reply: a child bucket of the conversation, found again the second time.
    thread = chat.start_thread(store, reply.id)
    assert thread.type == "thread" and thread.parent_id == conversation.id
    assert thread.metadata["parent_message_id"] == reply.id
    assert store.blobs.data(reply.id)["thread_bucket_id"] == thread.id
    assert chat.start_thread(store, reply.id).id == thread.id
    _, job = chat.send_message(store, runner, thread.id, "Tell me more about Tomas.")
    answer = runner.wait(job.id, 120)
    assert answer.state == "succeeded", answer.error
    assert store.blobs.get(answer.result_blob_id or "").bucket_ids == [thread.id]
    assert [m.id for m in chat.messages(store, conversation.id)] == [question.id, reply.id]  # thread kept apart


def test_chat_refuses_what_it_cannot_answer(store: Store, runner: JobRunner) -> None:
    folder = store.buckets.create("Folder", "folder")
    with pytest.raises(Exception, match="not a conversation"):
        chat.send_message(store, runner, folder.id, "hello?")
    conversation = chat.create_conversation(store, "Empty")
    with pytest.raises(Exception, match="needs some text"):
        chat.send_message(store, runner, conversation.id, "   ")
    question, _ = chat.send_message(store, runner, conversation.id, "Hello", params={"max_tokens": 4})
    with pytest.raises(Exception, match="only replies can be regenerated"):
        chat.regenerate(store, runner, question.id)


@pytest.mark.slow
def test_reyna_chat_does_one_turn_from_the_cli(
    store: Store, llm_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from reyna_desktop.cli import main

    book_id, lighthouse_id = novel(store)
    save_settings(llm_settings)
    assert main(["--json", "chat", book_id, "Who keeps the lighthouse on Gull Rock?"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reply"] and [s["blob_id"] for s in result["sources"]] == [lighthouse_id]
    conversation = store.buckets.get(result["conversation_id"])
    assert conversation.type == "conversation" and conversation.metadata["attached_bucket_id"] == book_id
    # The next question goes to the same conversation.
    assert main(["chat", book_id, "And who bakes the bread?"]) == 0
    assert "Sources:" in capsys.readouterr().out
    assert len(chat.messages(store, conversation.id)) == 4


def test_replies_are_cleaned_of_copied_source_ids_and_echoes_are_detected() -> None:
    from reyna_desktop.processors.chat_processor import clean_reply, is_echo

    assert clean_reply("[bl_8d9bea7d5d23ea00] Mara keeps the light. #") == "Mara keeps the light."
    assert clean_reply("[bl_0a1b]: ") == ""
    history = [{"role": "system", "content": "notes"}, {"role": "user", "content": "Who is Mara?"},
               {"role": "assistant", "content": "The keeper."}]
    assert is_echo("who is mara?", history)
    assert not is_echo("The keeper.", history)


def test_a_branch_carries_the_earlier_turns(store: Store) -> None:
    from reyna_desktop.processors.chat_processor import earlier_messages

    conversation = chat.create_conversation(store, "Turns")

    def say(bucket_id: str, role: str, text: str) -> str:
        return store.blobs.create({"content": text, "role": role, "sender_id": "me" if role == "user" else "assistant"},
                                  schema_id="message-v1", bucket_ids=[bucket_id]).id

    first = [say(conversation.id, "user", "Who keeps the light?"), say(conversation.id, "assistant", "Tomas."),
             say(conversation.id, "user", "And the boat?")]
    anchor = say(conversation.id, "assistant", "Mara rows it.")
    say(conversation.id, "user", "Said after the branch point: not carried.")
    thread = chat.start_thread(store, anchor)
    question = store.blobs.get(say(thread.id, "user", "Tell me more about Mara."))
    carried = [b.id for b in earlier_messages(store, thread, question)]
    assert carried == [*first, anchor]
    deeper = chat.start_thread(store, question.id)
    last = store.blobs.get(say(deeper.id, "user", "Deeper still."))
    assert [b.id for b in earlier_messages(store, deeper, last)] == [*first, anchor, question.id]


@pytest.mark.slow
def test_a_book_question_is_answered_with_a_quote_and_one_it_never_mentions_is_refused(
    store: Store, runner: JobRunner
) -> None:
    book_id, lighthouse_id = novel(store)
    chapter = store.buckets.create("Chapter Two", "chapter", parent_id=book_id)
    storm = store.blobs.create({"content": "The storm broke the harbour wall on the night of the fair. "
                                           "Nobody in the village slept."}, bucket_ids=[chapter.id])
    conversation = chat.create_conversation(store, "About the book", attached_bucket_id=book_id)

    _, job = chat.send_message(store, runner, conversation.id, "What broke the harbour wall?")
    done = runner.wait(job.id, 120)
    assert done.state == "succeeded", done.error
    data = store.blobs.data(done.result_blob_id or "")
    assert [s["blob_id"] for s in data["sources"]] == [storm.id]
    source = data["sources"][0]
    assert source["title"] == "Chapter Two" and "storm broke the harbour wall" in source["snippet"]
    assert "> The storm broke the harbour wall" in data["content"] and "— Chapter Two" in data["content"]
    assert f"Sources: Chapter Two ({storm.id})" in data["content"]

    _, job = chat.send_message(store, runner, conversation.id, "Which regiment marches to the castle?")
    refused = store.blobs.data(runner.wait(job.id, 120).result_blob_id or "")
    assert refused["content"].startswith("Your project does not mention that") and refused["sources"] == []
    assert lighthouse_id  # the lighthouse note is there, and is not what the question is about


@pytest.mark.slow
def test_the_reply_quotes_the_sentence_that_answers_where_the_text_says_she_and_kept(
    store: Store, runner: JobRunner
) -> None:
    from reyna_desktop.processors.grounded_answer import keeps_quote_order

    book = store.buckets.create("The Harbour", "book")
    chapter = store.buckets.create("Landfall", "chapter", parent_id=book.id)
    landfall = store.blobs.create({"content": (
        "Captain Mara Vell brought the Heron into the harbour at dawn, with salt and rope from the north.\n\n"
        "She had been at sea for forty days. Her coat was grey with salt, but she laughed when she saw the town.\n\n"
        "Her brother Tomas kept the lighthouse lamp on Gull Rock, and he came down the steps to meet her.")},
        bucket_ids=[chapter.id])
    store.blobs.create({"content": "The market sold bread and apples on Saturdays."}, bucket_ids=[book.id])
    conversation = chat.create_conversation(store, "About the book", attached_bucket_id=book.id)
    for question, answer in [("How many days was Mara Vell at sea?", "forty days"),
                             ("Who keeps the lighthouse lamp?", "Tomas")]:
        _, job = chat.send_message(store, runner, conversation.id, question)
        done = runner.wait(job.id, 120)
        assert done.state == "succeeded", done.error
        data = store.blobs.data(done.result_blob_id or "")
        assert data["sources"][0]["blob_id"] == landfall.id and answer in data["sources"][0]["snippet"]
        assert f"> {data['sources'][0]['snippet']}\n— Landfall" in data["content"]
        first = data["content"].split("\n\n")[0]
        quoted = " ".join(s["snippet"] for s in data["sources"])
        assert first.startswith("> ") or keeps_quote_order(first, quoted), first  # the model's line, if kept
