"""Full-text search over blobs (title, text, tags) and buckets (name, description, tags).

Ranking is FTS5's bm25 with titles weighted above body text. Ranking and snippets are two
steps: the ranked ids first (cheap), then a snippet for each of the few hits shown.

Text in scripts written without spaces (Chinese, Japanese, Korean, Thai) is searched in two
more indexes (blob_index.py): a query's CJK runs are matched there as substrings, its other
words in the unicode61 index, and a hit must match all of them. A CJK term of three characters
or more uses `blobs_cjk` (FTS5 trigrams; bm25, snippets from FTS5); one or two characters (most
Chinese words are two) are below a trigram, so they use `blobs_bigram` (the runs as
two-character tokens; bm25), and their snippet is cut around the first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reyna_desktop.models import SearchHit
from reyna_desktop.store.text import bigram_expression, split_unspaced

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]+)"')
BLOB_WEIGHTS = "10.0, 1.0, 3.0"
BUCKET_WEIGHTS = "10.0, 2.0, 3.0"
CJK_WEIGHTS = "10.0, 1.0"
CANDIDATES_PER_HIT = 5  # an index's best matches ranked per hit wanted, before the filters


def match_expression(query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: quoted phrases kept, every other word
    matched as a token, the last one as a prefix so results follow typing. CJK runs are left
    out (see `cjk_terms`)."""
    query = split_unspaced(query)[1]
    phrases = [p for p in _PHRASE.findall(query) if _TOKEN.search(p)]
    rest = _PHRASE.sub(" ", query)
    words = _TOKEN.findall(rest)
    parts = ['"' + " ".join(_TOKEN.findall(p)) + '"' for p in phrases]
    for index, word in enumerate(words):
        last = index == len(words) - 1 and not query.rstrip().endswith('"')
        parts.append(f'"{word}"' + ("*" if last else ""))
    return " ".join(parts) or None


def cjk_terms(query: str) -> list[str]:
    """The query's runs of CJK (or other unspaced-script) characters, each a substring to find."""
    return list(dict.fromkeys(split_unspaced(query)[0]))


@dataclass(frozen=True)
class Query:
    words: str | None  # an FTS5 expression for the unicode61 index
    long_cjk: list[str]  # terms of 3+ characters: matched by the trigram index
    short_cjk: list[str]  # terms of 1-2 characters: matched by the bigram index

    @classmethod
    def parse(cls, text: str) -> Query:
        terms = cjk_terms(text)
        return cls(match_expression(text), [t for t in terms if len(t) >= 3], [t for t in terms if len(t) < 3])

    @property
    def empty(self) -> bool:
        return self.words is None and not self.long_cjk and not self.short_cjk

    @property
    def single_index(self) -> bool:
        """The query is matched in one index (a hit of one index's best is a hit)."""
        return [self.words is not None, bool(self.long_cjk), bool(self.short_cjk)].count(True) == 1

    def cjk_match(self) -> str:
        return " ".join(f'"{t}"' for t in self.long_cjk)

    def bigram_match(self) -> str:
        """A two-character term is one bigram token; a single character is the first of a
        bigram or a run's last character alone, so a prefix query finds it."""
        return " ".join(bigram_expression(t) for t in self.short_cjk)


def _snippet_around(text: str, term: str, marks: tuple[str, str], width: int = 16) -> str:
    at = text.find(term)
    if at < 0:
        return text[: width * 2]
    start, end = max(0, at - width), min(len(text), at + len(term) + width)
    return (
        ("…" if start else "") + text[start:at] + marks[0] + term + marks[1] + text[at + len(term) : end]
        + ("…" if end < len(text) else "")
    )


class Search:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def __call__(
        self,
        query: str,
        *,
        types: list[str] | None = None,
        schema_ids: list[str] | None = None,
        kinds: tuple[str, ...] = ("blob", "bucket"),
        within: str | None = None,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Ranked hits. `types` keeps buckets of those types and blobs inside such buckets (at any
        depth); `schema_ids` keeps blobs of those schemas; `within` keeps one bucket's subtree."""
        parsed = Query.parse(query)
        if parsed.empty or limit <= 0:
            return []
        hits: list[SearchHit] = []
        if "blob" in kinds:
            hits += self._blobs(parsed, types, schema_ids, within, limit, marks)
        if "bucket" in kinds and not schema_ids and parsed.words is not None and not (
            parsed.long_cjk or parsed.short_cjk
        ):
            hits += self._buckets(parsed.words, types, within, limit, marks)
        hits.sort(key=lambda h: h.score)
        return hits[:limit]

    def _blobs(
        self,
        query: Query,
        types: list[str] | None,
        schema_ids: list[str] | None,
        within: str | None,
        limit: int,
        marks: tuple[str, str],
    ) -> list[SearchHit]:
        if query.single_index:
            # Rank within the index first and filter only its best: a common word matches most
            # blobs, and checking each one's buckets costs more than the ranking itself.
            rows = self._ranked_blobs(query, types, schema_ids, within, limit, limit * CANDIDATES_PER_HIT)
            if len(rows) < limit:  # the filters dropped too many of them: rank every match
                rows = self._ranked_blobs(query, types, schema_ids, within, limit, None)
        else:
            rows = self._ranked_blobs(query, types, schema_ids, within, limit, None)
        hits = []
        for row in rows:
            buckets = [
                r["bucket_id"]
                for r in self.store.query(
                    "SELECT bucket_id FROM blob_buckets WHERE blob_id = ? ORDER BY is_primary DESC", (row["id"],)
                )
            ]
            hits.append(
                SearchHit(
                    kind="blob",
                    id=row["id"],
                    title=row["title"],
                    snippet=self._blob_snippet(query, row["seq"], marks),
                    score=row["score"],
                    schema_id=row["schema_id"],
                    bucket_ids=buckets,
                )
            )
        return hits

    def _ranked_blobs(self, query: Query, types: list[str] | None, schema_ids: list[str] | None,
                      within: str | None, limit: int, candidates: int | None) -> list[Any]:
        """The best `limit` live blobs matching the query; with `candidates`, among only that many
        of each index's best matches."""
        sources, scores, params = self._blob_sources(query, candidates)
        clauses = ["b.deleted_at IS NULL"]
        member = (
            "SELECT 1 FROM blob_buckets bb JOIN buckets c ON c.id = bb.bucket_id"
            " WHERE bb.blob_id = b.id AND c.deleted_at IS NULL"
        )
        if types:
            member += (
                " AND EXISTS (SELECT 1 FROM buckets a WHERE c.path LIKE a.path || '%' AND a.type IN "
                f"({','.join('?' for _ in types)}))"
            )
            params.extend(types)
        if within:
            member += " AND c.path LIKE (SELECT path FROM buckets WHERE id = ?) || '%'"
            params.append(within)
        clauses.append(f"EXISTS ({member})")
        if schema_ids:
            clauses.append(f"b.schema_id IN ({','.join('?' for _ in schema_ids)})")
            params.extend(schema_ids)
        params.append(limit)
        return self.store.query(
            f"""SELECT b.id, b.seq, b.title, b.schema_id, {" + ".join(scores)} AS score
                FROM blobs b {" ".join(sources)}
                WHERE {" AND ".join(clauses)} ORDER BY score LIMIT ?""",
            params,
        )

    @staticmethod
    def _blob_sources(query: Query, candidates: int | None = None) -> tuple[list[str], list[str], list[Any]]:
        """The joins that find matching blobs (one per index the query needs), their scores
        (lower is better, as bm25) and their parameters."""
        sources: list[str] = []
        scores: list[str] = []
        params: list[Any] = []
        wanted = (
            ("blobs_fts", BLOB_WEIGHTS, query.words),
            ("blobs_cjk", CJK_WEIGHTS, query.cjk_match() if query.long_cjk else None),
            ("blobs_bigram", CJK_WEIGHTS, query.bigram_match() if query.short_cjk else None),
        )
        best = f" ORDER BY score LIMIT {int(candidates)}" if candidates else ""
        for alias, (table, weights, expression) in enumerate(wanted):
            if expression is None:
                continue
            sources.append(
                f"""JOIN (SELECT rowid, bm25({table}, {weights}) AS score FROM {table}
                          WHERE {table} MATCH ?{best}) m{alias} ON m{alias}.rowid = b.seq"""
            )
            scores.append(f"m{alias}.score")
            params.append(expression)
        return sources, scores, params

    def _blob_snippet(self, query: Query, seq: int, marks: tuple[str, str]) -> str:
        """A short excerpt around the first match, on one line."""
        return " ".join(self._raw_snippet(query, seq, marks).split())

    def _raw_snippet(self, query: Query, seq: int, marks: tuple[str, str]) -> str:
        if query.words is not None and not (query.long_cjk or query.short_cjk):
            row = self.store.query_one(
                "SELECT snippet(blobs_fts, 1, ?, ?, '…', 16) AS s, snippet(blobs_fts, 0, ?, ?, '…', 16) AS t "
                "FROM blobs_fts WHERE blobs_fts MATCH ? AND rowid = ?",
                (*marks, *marks, query.words, seq),
            )
            return (row["s"] or row["t"] or "") if row else ""
        if query.long_cjk:
            row = self.store.query_one(
                "SELECT snippet(blobs_cjk, 1, ?, ?, '…', 24) AS s FROM blobs_cjk WHERE blobs_cjk MATCH ? AND rowid = ?",
                (*marks, query.cjk_match(), seq),
            )
            return (row["s"] or "") if row else ""
        row = self.store.query_one("SELECT body FROM blobs_cjk WHERE rowid = ?", (seq,))
        return _snippet_around(row["body"], query.short_cjk[0], marks) if row else ""

    def _buckets(
        self, expression: str, types: list[str] | None, within: str | None, limit: int, marks: tuple[str, str]
    ) -> list[SearchHit]:
        clauses = ["k.deleted_at IS NULL"]
        params: list[Any] = [*marks, expression]
        if types:
            clauses.append(f"k.type IN ({','.join('?' for _ in types)})")
            params.extend(types)
        if within:
            clauses.append("k.path LIKE (SELECT path FROM buckets WHERE id = ?) || '%'")
            params.append(within)
        params.append(limit)
        rows = self.store.query(
            f"""SELECT k.id, k.name, k.type, k.description, bm25(buckets_fts, {BUCKET_WEIGHTS}) AS score,
                       snippet(buckets_fts, 1, ?, ?, '…', 16) AS snip
                FROM buckets_fts JOIN buckets k ON k.seq = buckets_fts.rowid
                WHERE buckets_fts MATCH ? AND {" AND ".join(clauses)} ORDER BY score LIMIT ?""",
            params,
        )
        return [
            SearchHit(
                kind="bucket",
                id=r["id"],
                title=r["name"],
                snippet=r["snip"] or r["description"][:160],
                score=r["score"],
                bucket_type=r["type"],
            )
            for r in rows
        ]
