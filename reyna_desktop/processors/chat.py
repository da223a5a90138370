"""Chat for the GUI and the CLI (seed 001): conversations are buckets of type `conversation`
(optionally attached to another bucket through metadata `attached_bucket_id`), messages are
message-v1 blobs in them, a thread is a child bucket of type `thread` hanging from a message.

    conversation = create_conversation(store, "About my novel", attached_bucket_id=book.id)
    user_blob, job = send_message(store, runner, conversation.id, "Who keeps the lighthouse?")
    reply = store.blobs.get(runner.wait(job.id, 60).result_blob_id)
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.models import Blob, Bucket, Job
from reyna_desktop.processors.chat_processor import CONVERSATION_TYPES, ChatProcessor

if TYPE_CHECKING:
    from reyna_desktop.processors.runner import JobRunner
    from reyna_desktop.store import Store

USER_ID = "me"


def create_conversation(
    store: Store, name: str, *, attached_bucket_id: str | None = None, system_prompt: str = "",
    parent_id: str | None = None,
) -> Bucket:
    metadata: dict[str, Any] = {"participants": [USER_ID, "assistant"]}
    if attached_bucket_id:
        metadata["attached_bucket_id"] = store.buckets.get(attached_bucket_id).id
    if system_prompt:
        metadata["system_prompt"] = system_prompt
    return store.buckets.create(name, "conversation", parent_id=parent_id, metadata=metadata)


def set_attachment(store: Store, conversation_id: str, bucket_id: str | None) -> Bucket:
    """Attach the conversation to a bucket (its replies draw on that bucket's notes), or detach it."""
    conversation = _conversation(store, conversation_id)
    attached = store.buckets.get(bucket_id).id if bucket_id else None
    return store.buckets.update(conversation.id, metadata={"attached_bucket_id": attached}, merge_metadata=True)


def reply_alternatives(store: Store, reply_blob_id: str) -> list[str]:
    """The texts a reply has had, oldest first: each regeneration is a new version of the reply
    (a version that kept the text, e.g. when a thread was started on it, is not an alternative)."""
    texts: list[str] = []
    for version in reversed(store.blobs.history(reply_blob_id)):
        text = str(store.blobs.data(reply_blob_id, version.version).get("content", ""))
        if not texts or texts[-1] != text:
            texts.append(text)
    return texts


def list_conversations(store: Store) -> list[Bucket]:
    """Every conversation and thread, the most recently changed first."""
    found = [b for t in CONVERSATION_TYPES for b in store.buckets.all(type=t)]
    return sorted(found, key=lambda b: b.updated_at, reverse=True)


def conversations_mentioning(store: Store, text: str, limit: int = 200) -> set[str]:
    """Ids of the conversations (and threads) whose messages match `text` (full-text search)."""
    found: set[str] = set()
    for hit in store.search(text, schema_ids=["message-v1"], kinds=("blob",), limit=limit):
        for bucket_id in hit.bucket_ids:
            if store.buckets.get(bucket_id).type in CONVERSATION_TYPES:
                found.add(bucket_id)
    return found


def conversation_for(store: Store, bucket_id: str) -> Bucket:
    """The bucket itself if it is a conversation or thread; else the conversation attached to
    it (made at the top level the first time), so `reyna chat BOOK "..."` talks about the book."""
    bucket = store.buckets.get(bucket_id)
    if bucket.type in CONVERSATION_TYPES:
        return bucket
    for candidate in store.buckets.all(type="conversation"):
        if candidate.metadata.get("attached_bucket_id") == bucket.id:
            return candidate
    return create_conversation(store, f"Chat about {bucket.name}", attached_bucket_id=bucket.id)


def messages(store: Store, conversation_id: str) -> list[Blob]:
    """The conversation's messages in order (a thread's own messages for a thread bucket)."""
    return store.blobs.in_bucket(conversation_id, schema_ids=["message-v1"])


def send_message(
    store: Store, runner: JobRunner, conversation_id: str, text: str, *, sender_id: str = USER_ID,
    params: dict[str, Any] | None = None,
) -> tuple[Blob, Job]:
    """Store the user's message and queue the assistant's reply."""
    conversation = _conversation(store, conversation_id)
    if not text.strip():
        raise ReynaError("a message needs some text")
    data = {"content": text, "sender_id": sender_id, "role": "user"}
    blob = store.blobs.create(data, schema_id="message-v1", bucket_ids=[conversation.id], title=text.strip()[:80])
    return blob, runner.submit(ChatProcessor.id, {"blob_id": blob.id}, params)


def regenerate(store: Store, runner: JobRunner, assistant_blob_id: str) -> Job:
    """Write the reply again; the new text becomes a new version of the same reply blob."""
    data = store.blobs.data(assistant_blob_id)
    if data.get("role") != "assistant" or not data.get("reply_to"):
        raise InvalidOperation(f"blob {assistant_blob_id} is not an assistant reply; only replies can be regenerated")
    # A fresh seed, so a model sampling at temperature > 0 gives a different answer.
    params = {"replace_blob_id": assistant_blob_id, "seed": secrets.randbelow(2**31)}
    return runner.submit(ChatProcessor.id, {"blob_id": str(data["reply_to"])}, params)


def edit_message(
    store: Store, runner: JobRunner, message_blob_id: str, text: str, *, regenerate_reply: bool = True
) -> tuple[Blob, Job | None]:
    """Save the edit as a new version (marked edited); for a user message, redo its reply."""
    data = store.blobs.data(message_blob_id)
    if store.blobs.get(message_blob_id).schema_id != "message-v1":
        raise InvalidOperation(f"blob {message_blob_id} is not a chat message")
    blob = store.blobs.update(message_blob_id, {**data, "content": text, "edited": True}, title=text.strip()[:80],
                              note="edited")
    if not regenerate_reply or data.get("role", "user") != "user":
        return blob, None
    reply = reply_to(store, message_blob_id)
    if reply is None:
        return blob, runner.submit(ChatProcessor.id, {"blob_id": message_blob_id})
    return blob, regenerate(store, runner, reply.id)


def reply_to(store: Store, user_blob_id: str) -> Blob | None:
    """The newest assistant reply made from this message."""
    replies = [b for b in store.blobs.derived(user_blob_id)
               if b.schema_id == "message-v1" and b.processor_id == ChatProcessor.id]
    return replies[-1] if replies else None


def start_thread(store: Store, message_blob_id: str, name: str | None = None) -> Bucket:
    """A thread on a message: a child bucket of its conversation; the same one if it exists."""
    message = store.blobs.get(message_blob_id)
    data = store.blobs.data(message_blob_id)
    existing = data.get("thread_bucket_id")
    if existing and store.buckets.exists(str(existing)):
        return store.buckets.get(str(existing))
    conversation = next((store.buckets.get(b) for b in message.bucket_ids
                         if store.buckets.get(b).type in CONVERSATION_TYPES), None)
    if conversation is None:
        raise InvalidOperation(f"message {message_blob_id} is not in a conversation")
    metadata: dict[str, Any] = {"parent_message_id": message_blob_id}
    with store.transaction():
        thread = store.buckets.create(name or f"Thread: {message.title}"[:80], "thread", parent_id=conversation.id,
                                      metadata=metadata)
        store.blobs.update(message_blob_id, {**data, "thread_bucket_id": thread.id}, note="thread started")
    return thread


def _conversation(store: Store, bucket_id: str) -> Bucket:
    bucket = store.buckets.get(bucket_id)
    if bucket.type not in CONVERSATION_TYPES:
        raise InvalidOperation(f"bucket {bucket_id} is a {bucket.type}, not a conversation or thread")
    return bucket
