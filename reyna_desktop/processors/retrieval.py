"""Context for chat: the blobs of an attached bucket that best match a question (FTS5 bm25).

The question's content words (three letters or more, common words left out) are matched
with OR and as prefixes, so "lighthouses?" finds "lighthouse"; chat messages themselves are
never used as sources, nor are style analyses (numbers, no prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reyna_desktop.store import Store

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_KEYWORDS = 10
STOPWORDS = frozenset(
    "the and for are but not you your with this that what which who whom whose when where why how was were "
    "has have had does did can could would should will shall may might must about into from over under than "
    "then there their them they she her his him its our out all any some been being also just very more most "
    "tell me please know story book chapter".split()
)


@dataclass
class Source:
    blob_id: str
    title: str
    snippet: str

    def as_dict(self) -> dict[str, str]:
        return {"blob_id": self.blob_id, "title": self.title, "snippet": self.snippet}


def keywords(question: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(question.lower()):
        if len(word) >= 3 and word not in STOPWORDS and word not in out:
            out.append(word)
    return out[:MAX_KEYWORDS]


def find_sources(
    store: Store, bucket_id: str, question: str, *, limit: int = 3, snippet_tokens: int = 40
) -> list[Source]:
    words = keywords(question)
    if not words or limit <= 0:
        return []
    expression = " OR ".join(f'"{w}"*' for w in words)
    rows = store.query(
        """SELECT b.id, b.title, bm25(blobs_fts, 10.0, 1.0, 3.0) AS score,
                  snippet(blobs_fts, 1, '', '', '…', ?) AS snip
           FROM blobs_fts JOIN blobs b ON b.seq = blobs_fts.rowid
           WHERE blobs_fts MATCH ? AND b.deleted_at IS NULL AND b.schema_id NOT IN ('message-v1', 'style-analysis-v1')
             AND EXISTS (SELECT 1 FROM blob_buckets bb JOIN buckets c ON c.id = bb.bucket_id
                         WHERE bb.blob_id = b.id AND c.deleted_at IS NULL
                           AND c.path LIKE (SELECT path FROM buckets WHERE id = ?) || '%')
           ORDER BY score LIMIT ?""",
        (snippet_tokens, expression, bucket_id, limit),
    )
    return [Source(r["id"], r["title"], (r["snip"] or "").strip()) for r in rows]
