"""Paragraph-level full-text index for grounded chat (FTS5 with the Porter stemmer).

A passage is a paragraph of a text blob; a short paragraph (a line of dialogue) is joined
with the ones after it until the passage has MIN_WORDS words (by the one count, so a Chinese
passage has 40 characters), so a reply rests on a passage with its speaker and setting.
A passage holding CJK (or Thai...) text is also in `passages_bigram`, its runs as
two-character tokens as search.py's `blobs_bigram` has them: the word index sees a run of
Chinese as one token, so `index=BIGRAMS` with `text.bigram_expression(term)` finds a term
inside a run. The index is brought up to date lazily: `sync` re-splits the
blobs whose version changed since they were indexed, so nothing else in the store has to
know about it.

    store.passages.sync(blob_ids)
    hits = store.passages.search(blob_ids, '"lighthous"* OR "keeper"', limit=8)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reyna_desktop.store.text import bigrams, has_unspaced_script, word_count

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

MIN_WORDS = 40
WORDS, BIGRAMS = "words", "bigrams"  # the two indexes a query can ask
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class PassageHit:
    blob_id: str
    position: int  # the passage's index in its blob, 0 first
    text: str
    score: float  # bm25: lower is better


def split_passages(text: str) -> list[str]:
    """Paragraphs, short ones joined with what follows until MIN_WORDS words."""
    out: list[str] = []
    pending = ""
    for paragraph in (p.strip() for p in _PARAGRAPH_BREAK.split(text)):
        if not paragraph:
            continue
        pending = f"{pending}\n\n{paragraph}" if pending else paragraph
        if word_count(pending) >= MIN_WORDS:
            out.append(pending)
            pending = ""
    if pending:
        out.append(pending)
    return out


class Passages:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def sync(self, blob_ids: list[str]) -> int:
        """Index the blobs not indexed at their current version; returns how many were (re)indexed."""
        if not blob_ids:
            return 0
        marks = ",".join("?" for _ in blob_ids)
        stale = self.store.query(
            f"""SELECT b.id, b.version FROM blobs b LEFT JOIN passage_index p ON p.blob_id = b.id
                WHERE b.id IN ({marks}) AND (p.version IS NULL OR p.version != b.version)""",
            list(blob_ids),
        )
        if not stale:
            return 0
        from reyna_desktop.store.blobs import Blobs

        blobs = Blobs(self.store)
        with self.store.transaction() as tx:
            for row in stale:
                tx.execute("DELETE FROM passages_bigram WHERE rowid IN (SELECT rowid FROM passages_fts "
                           "WHERE blob_id = ?)", (row["id"],))
                tx.execute("DELETE FROM passages_fts WHERE blob_id = ?", (row["id"],))
                for position, passage in enumerate(split_passages(blobs.text(row["id"]))):
                    added = tx.execute("INSERT INTO passages_fts (text, blob_id, position) VALUES (?, ?, ?)",
                                       (passage, row["id"], position))
                    if has_unspaced_script(passage):
                        tx.execute("INSERT INTO passages_bigram (rowid, text) VALUES (?, ?)",
                                   (added.lastrowid, bigrams(passage)))
                tx.execute(
                    "INSERT INTO passage_index (blob_id, version) VALUES (?, ?) "
                    "ON CONFLICT(blob_id) DO UPDATE SET version = excluded.version",
                    (row["id"], row["version"]),
                )
        return len(stale)

    def search(self, blob_ids: list[str], expression: str, *, limit: int = 8, index: str = WORDS) -> list[PassageHit]:
        """The best passages of these blobs for an FTS5 match expression on `index`, best first."""
        if not blob_ids or not expression:
            return []
        marks = ",".join("?" for _ in blob_ids)
        table = _table(index)
        rows = self.store.query(
            f"""SELECT p.blob_id, p.position, p.text, m.score FROM
                (SELECT rowid, bm25({table}) AS score FROM {table} WHERE {table} MATCH ?) m
                JOIN passages_fts p ON p.rowid = m.rowid
                WHERE p.blob_id IN ({marks}) ORDER BY m.score LIMIT ?""",
            [expression, *blob_ids, limit],
        )
        return [PassageHit(r["blob_id"], int(r["position"]), r["text"], float(r["score"])) for r in rows]

    def matching(self, blob_ids: list[str], expression: str, *, index: str = WORDS) -> set[tuple[str, int]]:
        """(blob id, position) of every passage of these blobs that matches `expression` on `index`."""
        if not blob_ids:
            return set()
        marks = ",".join("?" for _ in blob_ids)
        table = _table(index)
        rows = self.store.query(
            f"""SELECT p.blob_id, p.position FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?) m
                JOIN passages_fts p ON p.rowid = m.rowid WHERE p.blob_id IN ({marks})""",
            [expression, *blob_ids],
        )
        return {(r["blob_id"], int(r["position"])) for r in rows}

    def at(self, places: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The text of each (blob id, position) that exists, e.g. the passage before a hit."""
        if not places:
            return {}
        wanted = " OR ".join("(blob_id = ? AND position = ?)" for _ in places)
        rows = self.store.query(f"SELECT blob_id, position, text FROM passages_fts WHERE {wanted}",
                                [value for place in places for value in place])
        return {(r["blob_id"], int(r["position"])): r["text"] for r in rows}

    def count(self, blob_ids: list[str]) -> int:
        """How many passages these blobs have."""
        if not blob_ids:
            return 0
        marks = ",".join("?" for _ in blob_ids)
        row = self.store.query_one(f"SELECT count(*) AS n FROM passages_fts WHERE blob_id IN ({marks})", list(blob_ids))
        return int(row["n"]) if row else 0


def _table(index: str) -> str:
    if index not in (WORDS, BIGRAMS):
        raise ValueError(f"passage index {index!r} is not {WORDS!r} or {BIGRAMS!r}")
    return "passages_fts" if index == WORDS else "passages_bigram"
