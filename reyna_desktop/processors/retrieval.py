"""Context for chat: the passages of an attached bucket that answer a question, or none.

Passages are paragraphs (store/passages.py, FTS5 with the Porter stemmer). The question is
read first (question_kinds.analyse: its terms, the frame words that only say what kind of
answer is wanted, the names, the kind of answer). Passages that match any term, in any of
its forms (word_forms: "kept" for "keep", "mice" for "mouse"), are candidates; each is then
scored by how much of the question it covers, every term weighted by how rare it is in the
book (a word the book never uses weighs most, so "the ship" in a book without ships is not
covered by the sisters being there) and frame words weighing little. A term counts in full
when the passage has one of its forms, at RELATED_CREDIT when it has a related word ("spoke"
for "said"), and a name at CARRIED_CREDIT when the passage calls someone "he" or "she" and
the passage before it names them. A passage that covers less than THRESHOLD is not
evidence: with none above it, the chat says the project does not mention the subject.

Passages are ranked by their coverage and by their best sentence: the sentence that covers
most of the question (names carried from the sentences before it), with a bonus when it
holds an answer of the kind asked (a number for "how many", a name for "who", a colour for
"what colour"). That sentence is the quote, with the neighbour that holds the answer's kind
when it does not, else the next best sentence. Chat messages and style analyses are never sources.

A Chinese or Japanese question's runs are cut into terms with the book as the dictionary
(cjk_terms.py) and matched in the passages' bigram index; within a passage such a term is
found as a substring (no stems, no spaces), and weighs and covers as a word does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reyna_desktop.processors.cjk_terms import question_terms
from reyna_desktop.processors.language import join_all
from reyna_desktop.processors.question_kinds import Question, analyse, has_kind, has_pronoun, proper_names
from reyna_desktop.processors.sources import TEXT_SCHEMAS
from reyna_desktop.processors.text_chunks import sentences
from reyna_desktop.processors.word_forms import forms, related, stems, surface_forms
from reyna_desktop.store.codex import book_id_of
from reyna_desktop.store.passages import BIGRAMS, PassageHit
from reyna_desktop.store.text import bigram_expression, has_unspaced_script, split_unspaced

if TYPE_CHECKING:
    from reyna_desktop.store import Store

THRESHOLD = 0.5  # the share of the question's (weighted) terms a passage must cover
CANDIDATES = 40  # passages ranked by bm25 before they are scored
QUOTE_SENTENCES = 2
RELATED_CREDIT = 0.7  # a related word covers a term this much
CARRIED_CREDIT = 0.7  # a name in the passage (or sentences) before, where this one says "he"/"she"
CONTEXT_CREDIT = 0.3  # for a sentence: a term found elsewhere in its passage
BEFORE_CREDIT = 0.5  # a term found in the passage before (what led up to this one)
FRAME_WEIGHT = 0.3  # a frame word ("daughter" in "which daughter") weighs this share of its rarity
KIND_BONUS = 0.3  # a sentence holding an answer of the kind asked
MAX_CJK_TERMS = 10
MODEL_TEXT_WEIGHT = 0.8  # a passage of an expansion not yet marked final ranks at this share
GAP = "…"  # between two quoted sentences that are not next to each other in the passage


@dataclass
class Source:
    blob_id: str
    title: str  # the chapter (the blob's bucket) and the blob's own title where they differ
    snippet: str  # the quoted sentences
    passage: int = 0  # the passage's index in the blob, so the window can open the chapter there
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"blob_id": self.blob_id, "title": self.title, "snippet": self.snippet, "passage": self.passage,
                "score": round(self.score, 3)}


@dataclass
class Evidence:
    """What the book says about a question: the supporting passages, best first (none: not mentioned)."""

    question: str
    terms: list[str]
    sources: list[Source] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.sources)


@dataclass
class _Term:
    """One term of the question: the stems that count as it, in full and at a discount, and its weight."""

    word: str
    own: frozenset[str]
    near: frozenset[str]
    weight: float
    name: bool

    def credit(self, have: set[str]) -> float:
        if self.own & have:
            return 1.0
        return RELATED_CREDIT if self.near & have else 0.0


def find_evidence(store: Store, bucket_id: str, question: str, *, limit: int = 3) -> Evidence:
    """The passages under `bucket_id` that answer `question`, with their quoted sentences."""
    asked = analyse(split_unspaced(question)[1])  # CJK runs: cjk_terms.py, below
    evidence = Evidence(question, asked.terms)
    if not (asked.terms or has_unspaced_script(question)) or limit <= 0:
        return evidence
    blobs = store.blobs.in_bucket(bucket_id, recursive=True, schema_ids=list(TEXT_SCHEMAS))
    blob_ids = [b.id for b in blobs]
    store.passages.sync(blob_ids)
    cjk = question_terms(store, blob_ids, question)[:MAX_CJK_TERMS]
    evidence.terms = [*asked.terms, *cjk]
    if not evidence.terms:
        return evidence
    total = store.passages.count(blob_ids)
    aliases = _aliases(store, bucket_id, asked.terms)
    expressions = {t: " OR ".join(_prefix(w) for w in [*surface_forms(t), *aliases.get(t, [])]) for t in asked.terms}
    terms = []
    for word, expression in expressions.items():
        found = len(store.passages.matching(blob_ids, expression))
        if word in asked.frame and not found:
            continue  # "which feast": the text names the feast, it need not say "feast"
        rarity = math.log((total + 1) / (found + 0.5))
        own = forms(word) | frozenset(s for alias in aliases.get(word, []) for s in stems(alias))
        terms.append(_Term(word, own, related(word), rarity * (FRAME_WEIGHT if word in asked.frame else 1.0),
                           word in asked.names))
    for run in cjk:
        found = len(store.passages.matching(blob_ids, bigram_expression(run), index=BIGRAMS))
        terms.append(_Term(run, frozenset({run}), frozenset(), math.log((total + 1) / (found + 0.5)), False))
    hits = _candidates(store, blob_ids, list(expressions.values()), cjk)
    before = store.passages.at([(h.blob_id, h.position - 1) for h in hits if h.position > 0])
    names = proper_names([h.text for h in hits])
    scored = [_score(h.text, before.get((h.blob_id, h.position - 1), ""), terms, asked, names) for h in hits]
    # The author's words before the model's: an expansion repeats its draft's sentences and adds
    # its own, which are no evidence of what the book says until the author marks it final.
    model_made = {b.id for b in blobs if b.processor_id and not b.is_final}
    ranked = sorted(zip(scored, hits, strict=True),
                    key=lambda pair: -pair[0].rank * (MODEL_TEXT_WEIGHT if pair[1].blob_id in model_made else 1.0))
    titles: dict[str, str] = {}
    quoted: set[str] = set()
    for score, hit in ranked:
        if len(evidence.sources) >= limit:
            break
        if score.coverage < THRESHOLD:
            continue
        said = {" ".join(s.split()).casefold() for s in _quoted_sentences(score.quote)}
        if said & quoted:
            continue  # a draft and its expansion share sentences: each is quoted once
        quoted |= said
        title = titles.setdefault(hit.blob_id, _title(store, hit.blob_id))
        evidence.sources.append(Source(hit.blob_id, title, score.quote, hit.position, score.coverage))
        evidence.passages.append(hit.text)
    return evidence


def _candidates(store: Store, blob_ids: list[str], expressions: list[str], cjk: list[str]) -> list[PassageHit]:
    """The passages matching any term, best (bm25) first in each index, each passage once."""
    hits: dict[tuple[str, int], PassageHit] = {}
    for found in (
        store.passages.search(blob_ids, " OR ".join(f"({e})" for e in expressions), limit=CANDIDATES),
        store.passages.search(blob_ids, " OR ".join(bigram_expression(t) for t in cjk), limit=CANDIDATES,
                              index=BIGRAMS),
    ):
        for hit in found:
            hits.setdefault((hit.blob_id, hit.position), hit)
    return list(hits.values())


def _prefix(word: str) -> str:
    """The word as an FTS5 prefix query (the index's Porter stemmer applies to it too)."""
    return '"' + word.replace('"', '""') + '"*'


@dataclass
class _Scored:
    coverage: float  # the passage's weighted share of the question (decides whether it is evidence)
    rank: float  # coverage and best sentence together (decides the order)
    quote: str


def _score(passage: str, before: str, terms: list[_Term], asked: Question, names: set[str]) -> _Scored:
    """How well a passage (with the one before it for carried names) answers the question."""
    total = sum(t.weight for t in terms) or 1.0
    found = sentences(" ".join(passage.split()))
    runs = [t.word for t in terms if has_unspaced_script(t.word)]

    def terms_in(text: str) -> set[str]:
        """The stems of the text's words, and the CJK terms it holds (found as they stand)."""
        return stems(split_unspaced(text)[1]) | {run for run in runs if run in text}

    have = [terms_in(s) for s in found]
    whole = set().union(*have) if have else set()
    earlier = terms_in(before)
    speaks_of_someone = has_pronoun(passage)

    def passage_credit(term: _Term) -> float:
        credit = term.credit(whole)
        if term.name and credit < CARRIED_CREDIT and speaks_of_someone and term.own & earlier:
            credit = CARRIED_CREDIT
        return max(credit, BEFORE_CREDIT * term.credit(earlier))

    coverage = sum(t.weight * passage_credit(t) for t in terms) / total

    def sentence_value(index: int, *, with_context: bool = True) -> float:
        context = earlier if index < 2 else set()
        context = context.union(*have[max(0, index - 2):index])
        value = 0.0
        for term in terms:
            credit = term.credit(have[index])
            carried = term.name and bool(term.own & context) and has_pronoun(found[index])
            if with_context and carried and credit < CARRIED_CREDIT:
                credit = CARRIED_CREDIT
            if with_context and credit < CONTEXT_CREDIT and term.credit(whole):
                credit = CONTEXT_CREDIT
            value += term.weight * credit
        return value / total

    if not found:
        return _Scored(coverage, coverage, "")
    kinds = [has_kind(s, asked, names) for s in found]
    values = [sentence_value(i) + (KIND_BONUS if kinds[i] else 0.0) for i in range(len(found))]
    best = max(range(len(found)), key=lambda i: values[i])
    chosen = {best}
    if asked.kind and not kinds[best]:
        neighbour = next((i for i in (best - 1, best + 1) if 0 <= i < len(found) and kinds[i]), None)
        if neighbour is not None:
            chosen.add(neighbour)
    if len(chosen) < QUOTE_SENTENCES:  # the next best sentence, if its own words cover part of the question
        rest = sorted((i for i in range(len(found)) if i != best), key=lambda i: -values[i])
        chosen.update(i for i in rest[: QUOTE_SENTENCES - len(chosen)] if sentence_value(i, with_context=False) > 0)
    quote = join_all(_with_gaps(found, sorted(chosen)))
    return _Scored(coverage, (coverage + values[best]) / 2, quote)


def _aliases(store: Store, bucket_id: str, terms: list[str]) -> dict[str, list[str]]:
    """For each term that names one of the book's codex entries (a one-word name or alias, or
    the first word of its name: "Elizabeth" for "Elizabeth Bennet"), the entry's other
    one-word names ("Lizzy", "Eliza")."""
    out: dict[str, list[str]] = {}
    for entry in store.codex.entries(book_id_of(store.buckets.get(bucket_id))):
        single = [n for n in entry.names if len(n.split()) == 1]
        called = {n.lower() for n in single} | {w.lower() for w in entry.name.split()[:1]}
        for term in terms:
            if term in called:
                out.setdefault(term, []).extend(n for n in single if n.lower() != term and n not in out[term])
    return out


CHAPTER_TYPES = frozenset({"chapter", "part", "scene"})


def _title(store: Store, blob_id: str) -> str:
    """The chapter's name for a blob in a chapter (what a reader cites), else the blob's title."""
    blob = store.blobs.get(blob_id)
    bucket = store.buckets.get(blob.primary_bucket_id) if blob.primary_bucket_id else None
    if bucket is not None and bucket.type in CHAPTER_TYPES:
        return bucket.name
    return blob.title or (bucket.name if bucket else blob_id)


def _with_gaps(found: list[str], chosen: list[int]) -> list[str]:
    """The chosen sentences in order, with GAP where the quote skips some of the passage."""
    out: list[str] = []
    for n, index in enumerate(chosen):
        if n and index > chosen[n - 1] + 1:
            out.append(GAP)
        out.append(found[index])
    return out


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where a source's quote stands in its blob's text: from the start of its first sentence to
    the end of its last (the quote's whitespace was normalised; its sentences may skip some
    between them). None when the text no longer has it (edited since)."""
    quoted = _quoted_sentences(quote)
    if not quoted:
        return None
    first = _loose(quoted[0]).search(text)
    if first is None:
        return None
    last = _loose(quoted[-1]).search(text, first.start()) if len(quoted) > 1 else first
    return first.start(), (last or first).end()


def _quoted_sentences(quote: str) -> list[str]:
    """The sentences of a quote, without the GAP marks between them."""
    return [q for q in (s.strip().strip(GAP).strip() for s in sentences(quote)) if q]


def _loose(sentence: str) -> re.Pattern[str]:
    """The sentence as a pattern that takes any run of white space between its words."""
    return re.compile(r"\s+".join(re.escape(word) for word in sentence.split()))
