"""The chat processor: a user's message-v1 in a conversation (or thread) bucket becomes the
assistant's reply, a message-v1 derived from it, with the attached bucket's best-matching
blobs given to the model as notes and recorded as the reply's sources.

The prompt is role/content messages: models with a chat template get them through it, base
models as a "User: … / Assistant:" transcript (llm/transcript.py). Older turns are dropped
first when the conversation outgrows the context.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from reyna_desktop.models import Blob, Bucket
from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.grounded_answer import answer_from_book
from reyna_desktop.processors.retrieval import Source

CONVERSATION_TYPES = ("conversation", "thread")
DEFAULT_SYSTEM = "A conversation between a writer and a helpful, concise writing assistant."
DEFAULT_MAX_TOKENS = 128


class ChatProcessor(Processor):
    id = "chat"
    version = "1.0.0"
    description = "Answers a message in a conversation, using the attached bucket's notes"
    input_schemas: ClassVar[tuple[str, ...]] = ("message-v1",)
    output_schema = "message-v1"
    uses_model = True
    cacheable = False  # a reply depends on the whole conversation, not only on the message
    default_params: ClassVar[dict[str, Any]] = {"max_tokens": None, "context_limit": 3, "replace_blob_id": None}

    def run(self, ctx: JobContext) -> str:
        message = ctx.input_blob()
        data = ctx.store.blobs.data(message.id)
        if data.get("role", "user") != "user":
            raise ProcessorError(f"message {message.id} is from the {data.get('role')}; only user messages get replies")
        conversation = conversation_of(ctx, message)
        settings = conversation_settings(ctx, conversation)
        question = str(data.get("content", ""))
        if settings.get("attached_bucket_id"):
            limit = int(ctx.params.get("context_limit") or 0)
            reply, sources = answer_from_book(ctx, str(settings["attached_bucket_id"]), question, limit=limit)
            return self._save(ctx, message, conversation, reply, sources)
        reply = self._converse(ctx, message, conversation, settings, question)
        return self._save(ctx, message, conversation, reply, [])

    def _converse(
        self, ctx: JobContext, message: Blob, conversation: Bucket, settings: dict[str, Any], question: str
    ) -> str:
        """A reply from the model alone (a conversation attached to nothing)."""
        sources: list[Source] = []
        opening = [{"role": "system", "content": system_text(settings, sources)}]
        if not ctx.llm.has_chat_template:
            opening += BASE_MODEL_EXAMPLE
        earlier = history(ctx, conversation, message)
        messages = [*opening, *earlier, {"role": "user", "content": question}]
        model = settings.get("model_settings") or {}
        max_tokens = int(ctx.params.get("max_tokens") or model.get("max_tokens") or DEFAULT_MAX_TOKENS)
        sampling = {k: model[k] for k in ("temperature", "top_p") if k in model and k not in ctx.params}
        # A base model reads a transcript and would go on to invent the next notes or turns.
        stop = [] if ctx.llm.has_chat_template else ["\n\n", "\n["]
        reply = clean_reply(ctx.chat(messages, max_tokens=max_tokens, stop=stop, **sampling).text)
        if earlier and is_echo(reply, messages):  # a small model may repeat an earlier turn: ask afresh
            ctx.partial("\n")
            messages = [*opening, {"role": "user", "content": question}]
            reply = clean_reply(ctx.chat(messages, max_tokens=max_tokens, stop=stop, **sampling).text)
        if not reply:
            raise ProcessorError(f"the model ({ctx.llm.model}) gave no usable answer; try rephrasing the question")
        return reply

    @staticmethod
    def _save(ctx: JobContext, message: Blob, conversation: Bucket, reply: str, sources: list[Source]) -> str:
        out = {"content": reply, "sender_id": "assistant", "role": "assistant", "reply_to": message.id,
               "sources": [s.as_dict() for s in sources]}
        replace = ctx.params.get("replace_blob_id")
        if replace:
            return ctx.save_version(str(replace), out)
        return ctx.save_output(out, parent_id=message.id, bucket_ids=[conversation.id], title=reply[:80] or "Reply")


def earlier_messages(store: Any, conversation: Bucket, message: Blob, skip: str | None = None) -> list[Blob]:
    """The message blobs before `message` in its conversation, oldest first, after the turns a
    thread carries from where it branched; `skip` (the reply being regenerated) left out."""
    own = [b for b in store.blobs.in_bucket(conversation.id, schema_ids=["message-v1"])
           if b.created_at < message.created_at and b.id != skip]
    return _branched_from(store, conversation) + own


def _branched_from(store: Any, thread: Bucket, depth: int = 0) -> list[Blob]:
    """For a thread: the messages of its parent conversation up to the one it hangs from
    (recursively for a thread on a thread, at most 20 levels)."""
    parent_id = thread.metadata.get("parent_message_id") if thread.type == "thread" else None
    if not parent_id or not store.blobs.exists(str(parent_id)) or depth > 20 or not thread.parent_id:
        return []
    anchor = store.blobs.get(str(parent_id))
    parent = store.buckets.get(thread.parent_id)
    earlier = [b for b in store.blobs.in_bucket(parent.id, schema_ids=["message-v1"])
               if b.created_at <= anchor.created_at]
    if anchor.id not in {b.id for b in earlier}:
        earlier.append(anchor)
    return _branched_from(store, parent, depth + 1) + earlier


# A base model copies the shape of what it reads: one exchange shows it answers in plain sentences.
BASE_MODEL_EXAMPLE = [
    {"role": "user", "content": "Please answer in a sentence or two, in plain words."},
    {"role": "assistant", "content": "Of course. I will answer briefly, using the notes when they help."},
]
_SOURCE_MARK = re.compile(r"\[bl_[0-9a-f]+\]:?\s*")


def clean_reply(text: str) -> str:
    """The reply without source ids the model copied from the notes (the sources are recorded
    separately) and without stray Markdown heading marks."""
    text = _SOURCE_MARK.sub("", text).strip()
    return text.strip("#").strip()


def is_echo(reply: str, messages: list[dict[str, str]]) -> bool:
    """True when the reply only repeats something a user already said."""
    said = {m["content"].strip().lower() for m in messages if m.get("role") == "user"}
    return reply.strip().lower() in said


def conversation_of(ctx: JobContext, message: Blob) -> Bucket:
    for bucket_id in message.bucket_ids:
        bucket = ctx.store.buckets.get(bucket_id)
        if bucket.type in CONVERSATION_TYPES:
            return bucket
    raise ProcessorError(f"message {message.id} is not in a conversation or thread bucket")


def conversation_settings(ctx: JobContext, conversation: Bucket) -> dict[str, Any]:
    """The bucket's metadata over its enclosing conversations' (a thread inherits its chat's)."""
    merged: dict[str, Any] = {}
    for bucket in [*ctx.store.buckets.ancestors(conversation.id), conversation]:
        if bucket.type in CONVERSATION_TYPES:
            merged.update({k: v for k, v in bucket.metadata.items() if v not in (None, "")})
    return merged


def system_text(settings: dict[str, Any], sources: list[Source]) -> str:
    text = str(settings.get("system_prompt") or DEFAULT_SYSTEM)
    if sources:
        notes = "\n".join(f"[{s.blob_id}] {s.title}: {s.snippet}" for s in sources)
        text += f"\n\nNotes from the writer's project:\n{notes}"
    return text


def history(ctx: JobContext, conversation: Bucket, message: Blob) -> list[dict[str, str]]:
    """Earlier messages, oldest first; a thread (a branch) carries the turns of the conversation
    it branched from, up to and including the message it hangs from."""
    store = ctx.store
    out = []
    for blob in earlier_messages(store, conversation, message, skip=ctx.params.get("replace_blob_id")):
        data = store.blobs.data(blob.id)
        role = data.get("role") or ("assistant" if data.get("sender_id") == "assistant" else "user")
        if role in ("user", "assistant"):
            out.append({"role": role, "content": str(data.get("content", ""))})
    return out
