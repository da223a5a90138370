"""Text expansion: a short draft becomes prose several times as long, and keeps every word of it.

The draft is the skeleton. Each of its sentences is kept as written; the model writes the
gap after each one, as a continuation of the text so far that leads towards the next draft
sentence (shown to it as "where the passage goes"). A small base model continues text well
and follows instructions badly, so the prompt is a page of the book: its title, the
chapter's neighbourhood, the character/place notes, a style line, the passage's plan, then
the passage itself. For every gap N candidates are sampled and cut at the first sentence
that breaks a rule (a prompt label, a run copied from a style sample, a proper name that the
draft, its chapter and the notes never use, a repeat, or the next draft sentence arriving);
the best is kept (overlap with the neighbouring draft sentences, length, no repetition).

A long draft is expanded paragraph by paragraph (sections), with the end of the previous
expanded section in the prompt. The draft's sentences are streamed at once; each gap is
streamed when it has been chosen.

The page is in the book's language (processors/language.py, prompt_texts.py): a Chinese
book's page has Chinese headings and a Chinese style sample, so the model goes on in Chinese;
sentences end at 。！？ too, and Chinese and Japanese pieces are joined without spaces.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from reyna_desktop.processors import expansion_checks as checks
from reyna_desktop.processors import language as lang
from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.book_context import DraftContext, draft_context
from reyna_desktop.processors.expansion_styles import DEFAULT_STYLE, STYLE_IDS, STYLES, Style, style
from reyna_desktop.processors.prompt_texts import ENGLISH, STYLE_SAMPLES, PromptTexts, texts_for
from reyna_desktop.processors.style_metrics import analyze
from reyna_desktop.processors.text_chunks import has_open_quote, paragraphs, sentences, split_to_fit
from reyna_desktop.store.text import word_count

MIN_WORDS = 10
TOKENS_PER_WORD = 1.4  # English prose with this tokenizer, rounded up
GAP_TEMPERATURE = 0.8  # varied candidates; the rules and the score pick among them
MAX_ROUNDS = 3  # a gap shorter than its share is continued (or tried afresh when every candidate failed)
ARRIVED = 0.5  # a generated sentence sharing this much with the next draft sentence is that sentence again
REPEATED = 0.5  # ... or this share of trigrams already written is a repeat
CONTEXT_SHARE = 0.45  # of the context for the chapter's neighbourhood and the notes
SAMPLES = STYLE_SAMPLES  # every language's style samples: never to be copied


_STRUCTURE = re.compile(r"^\s*(#{1,6}\s.*|[*\-_~#](\s*[*\-_~#]){2,}|[*\-_~#]{1,2})\s*$")


def is_structure(section: str) -> bool:
    """Headings and scene breaks ("***", "* * *", "---", "#") are kept as written, not expanded."""
    return bool(_STRUCTURE.match(section))


@dataclass
class Gap:
    """What one gap is asked for: the prompt up to it, its neighbours and its word share."""

    prompt: str
    before: str  # the draft sentence it follows
    after: str | None  # the draft sentence it leads to (None after the last)
    words: int
    written: str  # the passage so far (for the repeat rule)
    borrowed: tuple[str, ...] = SAMPLES  # texts in the prompt it must not copy (samples, chapter, notes)
    texts: PromptTexts = ENGLISH  # the book's language's fixed texts (for a model with a chat template)
    # Where a candidate stops. A small model writes Chinese as one-sentence paragraphs, most
    # often starting with a blank line, so a CJK gap is not stopped at a newline: its leading
    # complete lines are read instead (language.leading_sentences).
    stop: tuple[str, ...] = ("\n",)


class TextExpansion(Processor):
    id = "text-expansion"
    version = "2.1.0"
    description = "Turns a short draft into prose 3–5 times as long, keeping every sentence of the draft"
    input_schemas: ClassVar[tuple[str, ...]] = ("text-input-v1",)
    output_schema = "expanded-text-v1"
    concurrency = 1
    uses_model = True
    model_task = "expansion"
    default_params: ClassVar[dict[str, Any]] = {
        "ratio": 3.0, "style": DEFAULT_STYLE, "candidates": 2, "temperature": None, "max_tokens": None,
    }
    styles: ClassVar[tuple[Style, ...]] = STYLES

    def run(self, ctx: JobContext) -> str:
        blob = ctx.input_blob()
        original = ctx.store.blobs.text(blob.id).strip()
        ratio, chosen, candidates = self._options(ctx, original, blob.id)
        llm = ctx.llm
        around = draft_context(ctx.store, blob, int(llm.n_ctx * CONTEXT_SHARE), llm.count_tokens)
        known = checks.known_words(original, around.chapter_text, around.notes, around.book_title,
                                   around.chapter_title, around.codex_names)
        texts = texts_for(lang.prompt_language(around.language, original))
        sections = self._sections(ctx, original, ratio)
        outputs: list[dict[str, str]] = []
        previous = ""
        for index, section in enumerate(sections):
            if index:
                ctx.partial("\n\n")
            if is_structure(section):
                expanded = section
                ctx.partial(section)
            else:
                expanded = self._expand(ctx, section, previous, around, chosen, ratio, candidates, known, texts)
                previous = expanded
            outputs.append({"original": section, "expanded": expanded})
            ctx.progress((index + 1) / len(sections))
        expanded_text = "\n\n".join(o["expanded"] for o in outputs)
        metrics = analyze(expanded_text)
        data: dict[str, Any] = {
            "original": original,
            "expanded": expanded_text,
            "expansion_ratio": round(word_count(expanded_text) / max(1, word_count(original)), 3),
            "style": chosen.id,
            "target_ratio": ratio,
            "style_analysis": {k: v for k, v in metrics.items() if k != "exclamation_share"},
            "sections": outputs,
        }
        return ctx.save_output(data, parent_id=blob.id, title=f"{blob.title} (expanded)"[:120])

    # -- options and sections -------------------------------------------------------------

    def _options(self, ctx: JobContext, original: str, blob_id: str) -> tuple[float, Style, int]:
        words = word_count(original)
        if words < MIN_WORDS:
            raise ProcessorError(f"blob {blob_id} has {words} words; text expansion needs at least {MIN_WORDS}")
        try:
            ratio = float(ctx.params.get("ratio") or 3.0)
            candidates = int(ctx.params.get("candidates") or 2)
        except (TypeError, ValueError):
            raise ProcessorError(
                f"ratio and candidates must be numbers, not {ctx.params.get('ratio')!r} and "
                f"{ctx.params.get('candidates')!r}") from None
        if not 1.5 <= ratio <= 6.0:
            raise ProcessorError(f"ratio must be between 1.5 and 6, not {ratio}")
        if not 1 <= candidates <= 8:
            raise ProcessorError(f"candidates must be between 1 and 8, not {candidates}")
        name = str(ctx.params.get("style") or DEFAULT_STYLE)
        try:
            return ratio, style(name), candidates
        except KeyError:
            raise ProcessorError(f"style {name!r} is not one of {', '.join(STYLE_IDS)}") from None

    @staticmethod
    def _sections(ctx: JobContext, text: str, ratio: float) -> list[str]:
        """Paragraphs (split further if needed) whose expansion fits what is left of the context."""
        llm = ctx.llm
        room = llm.n_ctx * (1 - CONTEXT_SHARE) - 128
        budget = max(32, int(room / (1 + 2 * TOKENS_PER_WORD * ratio)))
        sections: list[str] = []
        for paragraph in paragraphs(text):
            sections.extend(split_to_fit(paragraph, budget, llm.count_tokens))
        return sections

    # -- one section ----------------------------------------------------------------------

    def _expand(
        self, ctx: JobContext, section: str, previous: str, around: DraftContext, chosen: Style, ratio: float,
        candidates: int, known: set[str], texts: PromptTexts,
    ) -> str:
        skeleton = sentences(section)
        gap_words = max(6, round((ratio - 1) * word_count(section) / len(skeleton)))
        header = page_header(around, chosen, previous, texts)
        borrowed = (*SAMPLES, around.neighbourhood, around.notes, previous)
        stop = lang.line_stop(section)
        written = ""
        for k, sentence in enumerate(skeleton):
            ctx.partial(lang.join(written, sentence)[len(written):])
            written = lang.join(written, sentence)
            after = skeleton[k + 1] if k + 1 < len(skeleton) else None
            gap = Gap(prompt=f"{header}{written}", before=sentence, after=after, words=gap_words,
                      written=written, borrowed=borrowed, texts=texts, stop=stop)
            text = self._write_gap(ctx, gap, candidates, known, seed=k)
            if text:
                ctx.partial(lang.join(written, text)[len(written):])
                written = lang.join(written, text)
        return written

    def _write_gap(self, ctx: JobContext, gap: Gap, candidates: int, known: set[str], seed: int) -> str:
        """The best of `candidates` continuations, continued once if it is much shorter than asked."""
        written = ""
        for round_ in range(MAX_ROUNDS):
            missing = gap.words - word_count(written)
            if missing < gap.words * 0.4:
                break
            prompt = lang.join(gap.prompt, written)
            options = [self._candidate(ctx, prompt, gap, missing, known, seed * 97 + round_ * 13 + i)
                       for i in range(candidates)]
            best = max(options, key=lambda text: score(text, gap, missing))
            if not best:
                continue  # every candidate broke a rule at once: new seeds next round
            written = lang.join(written, best)
            gap = replace(gap, written=lang.join(gap.written, best))
        return written

    def _candidate(self, ctx: JobContext, prompt: str, gap: Gap, missing: int, known: set[str], offset: int) -> str:
        max_tokens = math.ceil(missing * TOKENS_PER_WORD * 1.5) + 24
        if ctx.params.get("max_tokens"):
            max_tokens = min(max_tokens, int(ctx.params["max_tokens"]))
        sampling: dict[str, Any] = {"seed": self._seed(ctx) + offset}
        if ctx.params.get("temperature") is None:
            sampling["temperature"] = GAP_TEMPERATURE
        try:
            if ctx.llm.has_chat_template:
                ask = gap.texts.continue_ask.format(after=gap.after or gap.texts.its_end, written=gap.written)
                raw = ctx.chat([{"role": "user", "content": ask}], max_tokens=max_tokens, stop=gap.stop,
                               **sampling).text
            else:
                raw = ctx.generate(prompt, max_tokens=max_tokens, stop=gap.stop, stream=False, **sampling).text
        except ProcessorError:  # the model had nothing to add here
            return ""
        return keep_good_sentences(raw, gap, missing, known)

    @staticmethod
    def _seed(ctx: JobContext) -> int:
        seed = ctx.params.get("seed")
        if seed is None:
            seed = ctx.llm.defaults.seed
        return int(seed) if int(seed) >= 0 else secrets.randbelow(2**30)


def page_header(around: DraftContext, chosen: Style, previous: str, texts: PromptTexts = ENGLISH) -> str:
    """The start of the page the model continues: book, notes, chapter, style, what came before.

    The draft itself is not shown ahead of the passage: a small model then copies its next
    sentence instead of writing towards it."""
    parts = []
    if around.book_title:
        parts.append(around.book_title)
    if around.notes:
        parts.append(f"{texts.people_and_places}\n{around.notes}")
    if around.chapter_title:
        parts.append(around.chapter_title)
    if around.neighbourhood:
        parts.append(around.neighbourhood)
    local = texts.styles[chosen.id]
    parts.append(texts.style_line.format(label=local.label, guidance=local.guidance, example=local.example))
    if previous:
        parts.append(previous)
    return "\n\n".join(parts) + "\n\n"


def keep_good_sentences(raw: str, gap: Gap, missing: int, known: set[str]) -> str:
    """The candidate's complete sentences up to the first that breaks a rule, about `missing` words long."""
    kept: list[str] = []
    found = sentences(lang.leading_sentences(raw))
    if found and not lang.ends_sentence(found[-1]):
        found = found[:-1]  # cut off mid-sentence
    if found and lang.cjk_share(found[-1]) > 0.5 and has_open_quote(found[-1]):
        found = found[:-1]  # a quotation left open: the draft's next sentence would land inside it
    written = gap.written
    for sentence in found:
        if (checks.has_label(sentence) or checks.copied_from(sentence, gap.borrowed, allowed=gap.written)
                or checks.new_names(sentence, known)
                or (gap.after and checks.overlap(sentence, gap.after) >= ARRIVED)
                or checks.overlap(sentence, gap.before) >= 0.8
                or checks.trigram_repeats(sentence, written) >= REPEATED or word_count(sentence) < 3):
            break
        kept.append(sentence)
        written = lang.join(written, sentence)
        if word_count(lang.join_all(kept)) >= missing:
            break
    return lang.join_all(kept)


def score(text: str, gap: Gap, missing: int) -> float:
    """Higher is better: stays with the neighbouring draft sentences, near the asked length, no repeats."""
    if not text:
        return -1.0
    neighbours = f"{gap.before} {gap.after or ''}"
    length = word_count(text)
    fit = 1.0 - min(1.0, abs(length - missing) / max(1, missing))
    return checks.overlap(text, neighbours) + 0.5 * fit - checks.trigram_repeats(text, gap.written)
