"""A chat reply about a book that rests on the book's own sentences, or says it cannot.

The retrieval (retrieval.find_evidence) finds the passages that cover the question. None
above the threshold: the reply says plainly that the project does not mention it, and the
model is not asked (it would invent). Otherwise the reply is the model's one-line answer,
kept only when its words come from the quoted sentences in their order (no "blue horse"
from "a blue coat and a black horse"), it adds a word the question does not have, and it
names nobody they do not (a small base model answers from the wrong line as readily as
from the right one, or echoes the question), then the
supporting sentences quoted with their chapter, then the sources.

    Bingley has taken Netherfield Park.

    > “Bingley.” …
    — Chapter I: Netherfield Park Is Let

    Sources: Chapter I: Netherfield Park Is Let (bl_…)

The fixed texts (the refusal, the "Sources" label, the line that frames the question for the
model) are in the book's language (prompt_texts.py), so a Chinese book's chat is asked and
answered in Chinese.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from reyna_desktop.processors import expansion_checks as checks
from reyna_desktop.processors import language as lang
from reyna_desktop.processors.base import ProcessorError
from reyna_desktop.processors.codex_context import codex_context
from reyna_desktop.processors.prompt_texts import ENGLISH, PromptTexts, texts_for
from reyna_desktop.processors.question_kinds import STOPWORDS
from reyna_desktop.processors.retrieval import Evidence, Source, find_evidence
from reyna_desktop.processors.text_chunks import quotes_balanced
from reyna_desktop.processors.word_forms import stem

if TYPE_CHECKING:
    from reyna_desktop.processors.base import JobContext

SUPPORTED = 0.75  # share of the answer's content words that must occur in the quoted sentences
ANSWER_TOKENS = 40
ANSWER_TEMPERATURE = 0.1
PAIR_GAP = 3  # content words between two that the model's line puts side by side
CODEX_TOKENS = 200  # the codex entries the question or the passages name, before the passages


def answer_from_book(ctx: JobContext, bucket_id: str, question: str, *, limit: int = 3) -> tuple[str, list[Source]]:
    """The reply's text and its sources (empty when the project does not mention the subject)."""
    texts = texts_for(lang.language_at(ctx.store, bucket_id, question))
    evidence = find_evidence(ctx.store, bucket_id, question, limit=max(1, limit))
    if not evidence.found:
        reply = texts.not_mentioned.format(terms=texts.term_joiner.join(evidence.terms) or question.strip())
        ctx.partial(reply)
        return reply, []
    codex = codex_context(ctx.store, bucket_id, question + "\n" + "\n".join(evidence.passages),
                          ctx.llm.count_tokens, budget_tokens=CODEX_TOKENS, header=texts.codex_header)
    line = model_line(ctx, evidence, codex, texts)
    parts = [line] if line else []
    parts.extend(f"> {source.snippet}\n— {source.title}" for source in evidence.sources)
    parts.append(texts.sources + "; ".join(f"{s.title} ({s.blob_id})" for s in _unique(evidence.sources)))
    reply = "\n\n".join(parts)
    ctx.partial(reply[len(line):] if line else reply)
    return reply, evidence.sources


def model_line(ctx: JobContext, evidence: Evidence, codex: str = "", texts: PromptTexts = ENGLISH) -> str:
    """The model's short answer from the passages (after the codex entries they or the question
    name), or "" when it has no support in them."""
    passages = "\n\n".join(f"{s.title}: {text}" for s, text in zip(evidence.sources, evidence.passages, strict=True))
    if codex:
        passages = f"{codex}\n\n{passages}"
    prompt = f"{passages}\n\n{texts.ask.format(question=evidence.question.strip())}"
    sampling = {} if "temperature" in ctx.params else {"temperature": ANSWER_TEMPERATURE}
    try:
        raw = ctx.generate(prompt, max_tokens=ANSWER_TOKENS, stop=lang.line_stop(evidence.question), stream=False,
                           **sampling).text
    except ProcessorError:  # the model had nothing to say: the quote alone is the answer
        return ""
    first = next((text for text in raw.split("\n") if text.strip()), "")  # a Chinese answer starts on a new line
    line = lang.flatten(first).strip(" \"“”「」")
    if not line:
        return ""
    quoted = " ".join(s.snippet for s in evidence.sources)
    words = checks.content_stems(line)
    supported = len(words & checks.content_stems(quoted)) / len(words) if words else 0.0
    adds = words - checks.content_stems(evidence.question)  # "Mrs. Bennet." to "Who told Mrs. Bennet?" adds nothing
    names = checks.new_names(line, checks.known_words(quoted, evidence.question))
    # The pairs of a Chinese or Japanese line are not words with spaces: whole sentences instead.
    cjk = lang.cjk_share(evidence.question) > 0.5
    said_so = whole_sentences(line) if cjk else keeps_quote_order(line, quoted)
    if supported < SUPPORTED or not adds or names or checks.has_label(line) or not said_so:
        return ""
    ctx.partial(line)
    return line


def keeps_quote_order(line: str, quoted: str) -> bool:
    """True when each two neighbouring content words of the line also stand in the quoted
    sentences in that order, at most PAIR_GAP content words apart: "It was a blue horse." is
    not what "he wore a blue coat and rode a black horse" says, though every word is there.
    A line of one content word has no pair to check ("Mr. Bennet." to "Who has taken Netherfield
    Park?", a name the quote holds too): it is not kept, and the quote answers alone."""
    said = _content_words(line)
    if len(said) < 2:
        return False
    order: dict[str, list[int]] = {}
    for index, word in enumerate(_content_words(quoted)):
        order.setdefault(word, []).append(index)
    return all(any(0 < j - i <= PAIR_GAP for i in order.get(a, []) for j in order.get(b, []))
               for a, b in pairwise(said))


def _content_words(text: str) -> list[str]:
    return [stem(w) for w in checks.words(text) if len(w) >= 3 and w.lower() not in STOPWORDS]


def whole_sentences(line: str) -> bool:
    """One or more whole sentences: ending as a sentence ends, quotations closed, no markup
    (asked of an answer to a Chinese or Japanese question)."""
    return lang.ends_sentence(line) and quotes_balanced(line) and "<" not in line


def _unique(sources: list[Source]) -> list[Source]:
    seen: set[str] = set()
    out = []
    for source in sources:
        if source.blob_id not in seen:
            seen.add(source.blob_id)
            out.append(source)
    return out
