"""Summaries of a text, a chapter or a whole book, by map-reduce (mapreduce.py).

Each piece is first cut to its key sentences, ranked deterministically (key_sentences: the
words the piece uses most, and an early position), and the model compresses those. A
summary that names someone the piece never mentions is written again greedily; if it still
does, the key sentences themselves are the summary (nothing invented reaches the book's
pitch).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from reyna_desktop.processors import expansion_checks as checks
from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.mapreduce import map_reduce
from reyna_desktop.processors.sources import manuscript_blobs
from reyna_desktop.processors.text_chunks import sentences
from reyna_desktop.store.text import word_count

STOP = ["\n\nText:", "\nText:", "\n\n", "\nSummary:"]
SUMMARY_TEMPERATURE = 0.3  # a summary should stay with the text, not invent; a job's own setting wins
EXAMPLE = (
    "Text: The storm came in from the sea at night. Anna closed the shutters and sat with her brother by the "
    "fire until morning, when the fishing boats were found broken on the rocks below the harbour.\n"
    "Summary: A night storm wrecks the village boats while Anna and her brother shelter at home."
)
SCOPES = {"chapter": "chapter", "book": "book", "part": "chapter"}


DIALOGUE_EXAMPLE = (
    'Text: "Give me the key," said Tom. "Never," Ruth answered, and threw it into the river. Tom watched it '
    "sink and walked away without a word.\n"
    "Summary: Ruth refuses to give Tom the key and throws it into the river."
)


def summary_prompt(text: str) -> str:
    """Few-shot, with the text on one line like the examples' (paragraph breaks would read as the
    end of the text, and dialogue as something to continue)."""
    flat = " ".join(text.split())
    return (f"Each text is followed by a short summary of what happens.\n\n{EXAMPLE}\n\n{DIALOGUE_EXAMPLE}\n\n"
            f"Text: {flat}\nSummary:")


KEY_SHARE = 0.4  # of a piece's sentences kept for the model to compress
MIN_KEY_SENTENCES = 3


def key_sentences(text: str) -> list[str]:
    """The piece's most central sentences, in their order: each scored by how often the piece
    uses its content words (per word, so long sentences do not win by length) plus a bonus
    for coming early. Deterministic: the same text gives the same sentences."""
    found = sentences(" ".join(text.split()))
    if len(found) <= MIN_KEY_SENTENCES:
        return found
    counts: dict[str, int] = {}
    for sentence in found:
        for word in checks.content_stems(sentence):
            counts[word] = counts.get(word, 0) + 1

    def score(index: int) -> float:
        words = checks.content_stems(found[index])
        weight = sum(counts[w] for w in words) / (len(words) + 2)
        return weight + 1.0 / (1 + index)

    keep = max(MIN_KEY_SENTENCES, round(len(found) * KEY_SHARE))
    chosen = sorted(sorted(range(len(found)), key=lambda i: (-score(i), i))[:keep])
    return [found[i] for i in chosen]


def invented_names(summary: str, text: str) -> list[str]:
    """People or places the summary names that the summarised text never mentions."""
    return checks.new_names(summary, checks.known_words(text))


def summarise_with(ctx: JobContext) -> Callable[[str, int], str]:
    """A map-reduce step: summarise one piece's key sentences with the job's model."""

    sampling: dict[str, Any] = {} if "temperature" in ctx.params else {"temperature": SUMMARY_TEMPERATURE}

    def write(key: str, max_tokens: int, options: dict[str, Any]) -> str:
        if ctx.llm.has_chat_template:
            ask = f"Summarise what happens in this text in a few sentences:\n\n{key}"
            messages = [{"role": "user", "content": ask}]
            return ctx.chat(messages, max_tokens=max_tokens, **options).text.strip()
        return ctx.generate(summary_prompt(key), max_tokens=max_tokens, stop=STOP, **options).text.strip()

    def summarise(text: str, max_tokens: int) -> str:
        key = " ".join(key_sentences(text))
        summary = write(key, max_tokens, sampling)
        if invented_names(summary, text):
            ctx.partial("\n")
            summary = write(key, max_tokens, {**sampling, "temperature": 0.0})
        if invented_names(summary, text):
            summary = " ".join(key_sentences(text)[:2])
        return summary

    return summarise


class Summarizer(Processor):
    id = "summarizer"
    version = "1.1.0"
    description = "Summarises a text, a chapter or a whole book (map-reduce, so any length fits the context)"
    input_schemas: ClassVar[tuple[str, ...]] = (
        "text-input-v1", "expanded-text-v1", "bucket:chapter", "bucket:part", "bucket:book",
    )
    output_schema = "summary-v1"
    uses_model = True
    default_params: ClassVar[dict[str, Any]] = {"max_tokens": 160, "map_tokens": 80, "chunk_tokens": None}

    def run(self, ctx: JobContext) -> str:
        if "blob_id" in ctx.job.input:
            blob = ctx.input_blob()
            sources, scope, parent, buckets = [blob], "blob", blob.id, None
            title = f"Summary: {blob.title}"
        else:
            bucket = ctx.input_bucket()
            sources, scope, parent = manuscript_blobs(ctx.store, bucket.id), SCOPES[bucket.type], None
            buckets = [bucket.id]
            title = f"Summary: {bucket.name}"
        text = "\n\n".join(ctx.store.blobs.text(b.id).strip() for b in sources).strip()
        if not text:
            raise ProcessorError(f"{ctx.job.input} has no text to summarise (drafts or a blob marked final)")
        result = map_reduce(
            ctx, text, summarise_with(ctx), prompt_overhead=ctx.llm.count_tokens(summary_prompt("")),
            map_tokens=int(ctx.params.get("map_tokens") or 80), final_tokens=int(ctx.params.get("max_tokens") or 160),
            chunk_tokens=ctx.params.get("chunk_tokens"),
        )
        data = {
            "summary": result.summary, "scope": scope, "source_blob_ids": [b.id for b in sources],
            "source_word_count": word_count(text), "chunks": result.chunk_summaries,
        }
        return ctx.save_output(data, parent_id=parent, bucket_ids=buckets, title=title[:120])
