"""Full-text search over blobs (title, text, tags) and buckets (name, description, tags).

Ranking is FTS5's bm25 with titles weighted above body text. Ranking and snippets are two
steps: the ranked ids first (cheap), then a snippet for each of the few hits shown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from reyna_desktop.models import SearchHit

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]+)"')
BLOB_WEIGHTS = "10.0, 1.0, 3.0"
BUCKET_WEIGHTS = "10.0, 2.0, 3.0"


def match_expression(query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: quoted phrases kept, every other word
    matched as a token, the last one as a prefix so results follow typing."""
    phrases = [p for p in _PHRASE.findall(query) if _TOKEN.search(p)]
    rest = _PHRASE.sub(" ", query)
    words = _TOKEN.findall(rest)
    parts = ['"' + " ".join(_TOKEN.findall(p)) + '"' for p in phrases]
    for index, word in enumerate(words):
        last = index == len(words) - 1 and not query.rstrip().endswith('"')
        parts.append(f'"{word}"' + ("*" if last else ""))
    return " ".join(parts) or None


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
        expression = match_expression(query)
        if expression is None or limit <= 0:
            return []
        hits: list[SearchHit] = []
        if "blob" in kinds:
            hits += self._blobs(expression, types, schema_ids, within, limit, marks)
        if "bucket" in kinds and not schema_ids:
            hits += self._buckets(expression, types, within, limit, marks)
        hits.sort(key=lambda h: h.score)
        return hits[:limit]

    def _blobs(
        self,
        expression: str,
        types: list[str] | None,
        schema_ids: list[str] | None,
        within: str | None,
        limit: int,
        marks: tuple[str, str],
    ) -> list[SearchHit]:
        clauses = ["b.deleted_at IS NULL"]
        params: list[Any] = [expression]
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
        rows = self.store.query(
            f"""SELECT b.id, b.seq, b.title, b.schema_id, f.score FROM (
                    SELECT rowid, bm25(blobs_fts, {BLOB_WEIGHTS}) AS score FROM blobs_fts
                    WHERE blobs_fts MATCH ? ORDER BY score) f
                JOIN blobs b ON b.seq = f.rowid
                WHERE {" AND ".join(clauses)} ORDER BY f.score LIMIT ?""",
            params,
        )
        hits = []
        for row in rows:
            snippet = self.store.query_one(
                "SELECT snippet(blobs_fts, 1, ?, ?, '…', 16) AS s, snippet(blobs_fts, 0, ?, ?, '…', 16) AS t "
                "FROM blobs_fts WHERE blobs_fts MATCH ? AND rowid = ?",
                (*marks, *marks, expression, row["seq"]),
            )
            text = (snippet["s"] or snippet["t"] or "") if snippet else ""
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
                    snippet=text,
                    score=row["score"],
                    schema_id=row["schema_id"],
                    bucket_ids=buckets,
                )
            )
        return hits

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
