"""Summaries of a text, a chapter or a whole book, by map-reduce (mapreduce.py).

Each piece is first cut to its key sentences, ranked deterministically (key_sentences: the
words the piece uses most, and an early position), and the model compresses those. A
summary that names someone the piece never mentions is written again greedily; if it still
does, the key sentences themselves are the summary (nothing invented reaches the book's
pitch).

The prompt is in the book's language (prompt_texts.py: task line, labels, two examples), so
a Chinese chapter is summarised in Chinese. Chinese has no capitals to tell an invented name
by; there a summary using a content term of the examples that the piece lacks (the example's
安娜 or 渔船) counts as invented instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from reyna_desktop.processors import expansion_checks as checks
from reyna_desktop.processors import language as lang
from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.mapreduce import map_reduce
from reyna_desktop.processors.prompt_texts import ENGLISH, PromptTexts, texts_for
from reyna_desktop.processors.sources import manuscript_blobs
from reyna_desktop.processors.text_chunks import sentences
from reyna_desktop.store.text import CHARACTERS, count_unit, word_count

SUMMARY_TEMPERATURE = 0.3  # a summary should stay with the text, not invent; a job's own setting wins
SCOPES = {"chapter": "chapter", "book": "book", "part": "chapter"}


def stops(texts: PromptTexts = ENGLISH) -> list[str]:
    """Where a summary ends: the next text's label, a blank line, another summary label."""
    return [f"\n\n{texts.text_label}", f"\n{texts.text_label}", "\n\n", f"\n{texts.summary_label}"]


def summary_prompt(text: str, texts: PromptTexts = ENGLISH) -> str:
    """Few-shot, with the text on one line like the examples' (paragraph breaks would read as the
    end of the text, and dialogue as something to continue)."""
    shots = [f"{lang.join(texts.text_label, example)}\n{lang.join(texts.summary_label, summary)}"
             for example, summary in texts.summary_examples]
    return "\n\n".join([texts.summary_task, *shots, f"{lang.join(texts.text_label, lang.flatten(text))}\n"
                                                     f"{texts.summary_label}"])


KEY_SHARE = 0.4  # of a piece's sentences kept for the model to compress
MIN_KEY_SENTENCES = 3


def key_sentences(text: str) -> list[str]:
    """The piece's most central sentences, in their order: each scored by how often the piece
    uses its content words (per word, so long sentences do not win by length) plus a bonus
    for coming early. Deterministic: the same text gives the same sentences."""
    found = sentences(lang.flatten(text))
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


def invented_names(summary: str, text: str, texts: PromptTexts = ENGLISH) -> list[str]:
    """People or places the summary names that the summarised text never mentions (in CJK text:
    the examples' content terms it copies; see the module's docstring)."""
    if count_unit(summary) == CHARACTERS:
        examples = lang.content_bigrams(" ".join(e for pair in texts.summary_examples for e in pair))
        return sorted((lang.content_bigrams(summary) & examples) - lang.content_bigrams(text))
    return checks.new_names(summary, checks.known_words(text))


def summarise_with(ctx: JobContext, texts: PromptTexts = ENGLISH) -> Callable[[str, int], str]:
    """A map-reduce step: summarise one piece's key sentences with the job's model, in `texts`' language."""

    sampling: dict[str, Any] = {} if "temperature" in ctx.params else {"temperature": SUMMARY_TEMPERATURE}

    def write(key: str, max_tokens: int, options: dict[str, Any]) -> str:
        if ctx.llm.has_chat_template:
            messages = [{"role": "user", "content": texts.summarise_ask.format(text=key)}]
            return ctx.chat(messages, max_tokens=max_tokens, **options).text.strip()
        return ctx.generate(summary_prompt(key, texts), max_tokens=max_tokens, stop=stops(texts),
                            **options).text.strip()

    def summarise(text: str, max_tokens: int) -> str:
        key = lang.join_all(key_sentences(text))
        summary = write(key, max_tokens, sampling)
        if invented_names(summary, text, texts):
            ctx.partial("\n")
            summary = write(key, max_tokens, {**sampling, "temperature": 0.0})
        if invented_names(summary, text, texts):
            summary = lang.join_all(key_sentences(text)[:2])
        return summary

    return summarise


class Summarizer(Processor):
    id = "summarizer"
    version = "1.2.0"
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
            where = blob.primary_bucket_id or (blob.bucket_ids[0] if blob.bucket_ids else None)
        else:
            bucket = ctx.input_bucket()
            sources, scope, parent = manuscript_blobs(ctx.store, bucket.id), SCOPES[bucket.type], None
            buckets = [bucket.id]
            title = f"Summary: {bucket.name}"
            where = bucket.id
        text = "\n\n".join(ctx.store.blobs.text(b.id).strip() for b in sources).strip()
        if not text:
            raise ProcessorError(f"{ctx.job.input} has no text to summarise (drafts or a blob marked final)")
        texts = texts_for(lang.language_at(ctx.store, where, text))
        result = map_reduce(
            ctx, text, summarise_with(ctx, texts), prompt_overhead=ctx.llm.count_tokens(summary_prompt("", texts)),
            map_tokens=int(ctx.params.get("map_tokens") or 80), final_tokens=int(ctx.params.get("max_tokens") or 160),
            chunk_tokens=ctx.params.get("chunk_tokens"),
        )
        data = {
            "summary": result.summary, "scope": scope, "source_blob_ids": [b.id for b in sources],
            "source_word_count": word_count(text), "chunks": result.chunk_summaries,
        }
        return ctx.save_output(data, parent_id=parent, bucket_ids=buckets, title=title[:120])
