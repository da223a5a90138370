"""Context for chat: the passages of an attached bucket that answer a question, or none.

Passages are paragraphs (store/passages.py, FTS5 with the Porter stemmer). The question's
content words are matched with OR; each hit is then scored by how much of the question it
covers, every word weighted by how rare it is in the book (a word the book never uses
weighs most, so "the ship" in a book without ships is not covered by the sisters being
there). A passage below THRESHOLD is not evidence: with none above it, the chat says the
project does not mention the subject. From the best passages the sentences that share most
with the question are the quote. Chat messages and style analyses are never sources.

A Chinese or Japanese question's terms come from cjk_terms.py (its runs cut with the book as
the dictionary) and are matched in the passages' bigram index; they weigh and cover as words do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reyna_desktop.processors.cjk_terms import question_terms
from reyna_desktop.processors.language import join_all
from reyna_desktop.processors.sources import TEXT_SCHEMAS
from reyna_desktop.processors.text_chunks import sentences
from reyna_desktop.store.passages import BIGRAMS, WORDS, PassageHit
from reyna_desktop.store.text import bigram_expression, has_unspaced_script, split_unspaced

if TYPE_CHECKING:
    from reyna_desktop.store import Store

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_KEYWORDS = 10
THRESHOLD = 0.5  # the share of the question's (weighted) words a passage must cover
CANDIDATES = 12  # passages ranked by bm25 before they are scored
QUOTE_SENTENCES = 2
STOPWORDS = frozenset(
    "the and for are but not you your with this that what which who whom whose when where why how was were "
    "has have had does did can could would should will shall may might must about into from over under than "
    "then there their them they she her his him its our out all any some been being also just very more most "
    "tell me please know story book chapter "
    # the frame of a question, not its subject
    "name named called colour color many much long old kind sort happen happened happens say said says "
    "mr mrs miss sir lady".split()
)


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


def keywords(question: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(split_unspaced(question.lower())[1]):  # CJK runs: cjk_terms.py
        if len(word) >= 3 and word not in STOPWORDS and word not in out:
            out.append(word)
    return out[:MAX_KEYWORDS]


def find_evidence(store: Store, bucket_id: str, question: str, *, limit: int = 3) -> Evidence:
    """The passages under `bucket_id` that answer `question`, with their quoted sentences."""
    terms = keywords(question)
    evidence = Evidence(question, terms)
    if not (terms or has_unspaced_script(question)) or limit <= 0:
        return evidence
    blobs = store.blobs.in_bucket(bucket_id, recursive=True, schema_ids=list(TEXT_SCHEMAS))
    blob_ids = [b.id for b in blobs]
    store.passages.sync(blob_ids)
    cjk = question_terms(store, blob_ids, question)[: MAX_KEYWORDS - len(terms)]
    terms = evidence.terms = [*terms, *cjk]
    if not terms:
        return evidence
    total = store.passages.count(blob_ids)
    where = {t: _matching(store, blob_ids, t) for t in terms}
    weights = {t: math.log((total + 1) / (max(1, len(found)) + 0.5)) for t, found in where.items()}
    weight_sum = sum(weights.values()) or 1.0
    hits = _candidates(store, blob_ids, [t for t in terms if t not in cjk], cjk)

    def covered(blob_id: str, position: int) -> float:
        return sum(w for t, w in weights.items() if (blob_id, position) in where[t]) / weight_sum

    scored = sorted(((covered(h.blob_id, h.position), h) for h in hits), key=lambda pair: -pair[0])
    titles = {b.id: _title(store, b.id) for b in blobs}
    for value, hit in scored[:limit]:
        if value < THRESHOLD:
            break
        quote = join_all(best_sentences(hit.text, terms, weights, QUOTE_SENTENCES))
        evidence.sources.append(Source(hit.blob_id, titles[hit.blob_id], quote, hit.position, value))
        evidence.passages.append(hit.text)
    return evidence


def _term_expression(term: str) -> str:
    """The term as an FTS5 prefix query; the index's Porter stemmer applies to it too."""
    return f'"{term}"*'


def _matching(store: Store, blob_ids: list[str], term: str) -> set[tuple[str, int]]:
    """The passages holding the term: a CJK one in the bigram index, a word in the stemmed one."""
    if has_unspaced_script(term):
        return store.passages.matching(blob_ids, bigram_expression(term), index=BIGRAMS)
    return store.passages.matching(blob_ids, _term_expression(term), index=WORDS)


def _candidates(store: Store, blob_ids: list[str], words: list[str], cjk: list[str]) -> list[PassageHit]:
    """The passages matching any term, best (bm25) first in each index, each passage once."""
    hits: dict[tuple[str, int], PassageHit] = {}
    for found in (
        store.passages.search(blob_ids, " OR ".join(_term_expression(t) for t in words), limit=CANDIDATES),
        store.passages.search(blob_ids, " OR ".join(bigram_expression(t) for t in cjk), limit=CANDIDATES,
                              index=BIGRAMS),
    ):
        for hit in found:
            hits.setdefault((hit.blob_id, hit.position), hit)
    return list(hits.values())


def stem(word: str) -> str:
    """A rough stem for matching words within a passage: common endings off, then five letters."""
    word = word.lower()
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    return word[:5]


def best_sentences(passage: str, terms: list[str], weights: dict[str, float], count: int) -> list[str]:
    """The passage's sentences that cover most of the question, in their order."""
    found = sentences(" ".join(passage.split()))

    def coverage(sentence: str) -> float:
        have = {stem(w) for w in _WORD.findall(sentence)}
        return sum(weights[t] for t in terms if (t in sentence if has_unspaced_script(t) else stem(t) in have))

    ranked = sorted(range(len(found)), key=lambda i: -coverage(found[i]))
    chosen = [i for i in ranked[:count] if coverage(found[i]) > 0] or ranked[:1]
    return [found[i] for i in sorted(chosen)]


CHAPTER_TYPES = frozenset({"chapter", "part", "scene"})


def _title(store: Store, blob_id: str) -> str:
    """The chapter's name for a blob in a chapter (what a reader cites), else the blob's title."""
    blob = store.blobs.get(blob_id)
    bucket = store.buckets.get(blob.primary_bucket_id) if blob.primary_bucket_id else None
    if bucket is not None and bucket.type in CHAPTER_TYPES:
        return bucket.name
    return blob.title or (bucket.name if bucket else blob_id)


def find_sources(store: Store, bucket_id: str, question: str, *, limit: int = 3) -> list[Source]:
    """The supporting passages only (for callers that do not need the weights)."""
    return find_evidence(store, bucket_id, question, limit=limit).sources
