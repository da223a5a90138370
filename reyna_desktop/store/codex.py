"""The codex: a book's characters, places, items and lore, and where the text names them.

An entry is a bucket of type character, place, item or lore somewhere under the book (new ones
go in a "Characters", "Places", "Items" or "Lore" bucket under it). Its name is the bucket's
name, its short description the bucket's description; its metadata holds `aliases`, a
`picture_blob_id` and the fields of its type (`bucket-<type>-v1`); its notes are text blobs in
the bucket.

The mention index (`codex_mentions`: entry, blob, how many, first offset) covers the book's
story text: the live text and expansion blobs whose primary bucket is not under a codex,
research or conversation bucket, notes left out. It is kept by a `before_commit` hook, in the
same transaction as the change: a saved blob is scanned again, and when a book's names change
(an entry added, renamed, given an alias, trashed) the book is scanned again from scratch. A
book is a top-level bucket: entries name things in their own tree only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, NotFound
from reyna_desktop.models import Bucket
from reyna_desktop.name_matcher import Mention, NameMatcher
from reyna_desktop.schema_ids import EXPANDED_TEXT, TEXT_INPUT
from reyna_desktop.store.buckets import _like_prefix, row_to_bucket
from reyna_desktop.store.replace import ReplaceBatch, ReplacePlan
from reyna_desktop.store.text import clean_name, to_json

if TYPE_CHECKING:
    from reyna_desktop.store import Store
    from reyna_desktop.store.core import Tx

CODEX_KINDS = ("character", "place", "item", "lore")
# Where `Codex.add` puts a new entry of each kind: a bucket (name, type) under the book.
CONTAINERS = {
    "character": ("Characters", "characters"),
    "place": ("Places", "places"),
    "item": ("Items", "items"),
    "lore": ("Lore", "lorebook"),
}
# Text under buckets of these types is notes about the story, not the story.
NOT_STORY_TYPES = frozenset(
    {*CODEX_KINDS, *(t for _, t in CONTAINERS.values()), "research", "notes", "conversation", "thread"}
)
INDEXED_SCHEMAS = (TEXT_INPUT, EXPANDED_TEXT)
GRID_TYPES = frozenset({"chapter", "scene"})
RESERVED_KEYS = ("aliases", "picture_blob_id")
KV_NAMESPACE = "codex.names"
INDEX_EVENT = "codex.index.updated"
_CHUNK = 500


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    name: str
    aliases: list[str]
    description: str
    fields: dict[str, Any]
    picture_blob_id: str | None
    book_id: str

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class SectionCount:
    """How often an entry is named in one section (a chapter, a scene...) of the book."""

    section_id: str
    section_name: str
    mentions: int


@dataclass(frozen=True)
class Appearances:
    """Where an entry appears, sections in book order."""

    entry: Entry
    sections: list[SectionCount]

    @property
    def total(self) -> int:
        return sum(s.mentions for s in self.sections)

    @property
    def first(self) -> SectionCount | None:
        return self.sections[0] if self.sections else None

    @property
    def last(self) -> SectionCount | None:
        return self.sections[-1] if self.sections else None


@dataclass(frozen=True)
class Grid:
    """Sections (rows, book order) by entries (columns): mentions of each entry in each section."""

    sections: list[Bucket]
    entries: list[Entry]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def count(self, section_id: str, entry_id: str) -> int:
        return self.counts.get((section_id, entry_id), 0)


def book_id_of(bucket: Bucket) -> str:
    """The top-level bucket a bucket lives under (itself when it is one)."""
    return bucket.path.strip("/").split("/")[0]


class Codex:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._matchers: dict[str, tuple[str, NameMatcher]] = {}
        store.before_commit.append(self._keep_index)

    # -- entries --------------------------------------------------------------------------

    def entries(self, book_id: str, kind: str | None = None) -> list[Entry]:
        """The book's live entries (of one kind if given), in tree order."""
        book = self.store.buckets.get(book_id)
        kinds = [self._kind(kind)] if kind else list(CODEX_KINDS)
        rows = self.store.query(
            f"""SELECT * FROM buckets WHERE type IN ({",".join("?" for _ in kinds)}) AND deleted_at IS NULL
                AND path LIKE ? ESCAPE '\\' ORDER BY position, seq""",
            (*kinds, _like_prefix(book.path)),
        )
        entries = [self._entry(row_to_bucket(r)) for r in rows]
        return sorted(entries, key=lambda e: CODEX_KINDS.index(e.kind))

    def entry(self, entry_id: str) -> Entry:
        bucket = self.store.buckets.get(entry_id)
        if bucket.type not in CODEX_KINDS:
            raise InvalidOperation(f"bucket {bucket.name!r} ({entry_id}) is a {bucket.type}, not a codex entry")
        return self._entry(bucket)

    def find(self, book_id: str, name: str) -> Entry:
        """The entry of the book with this name or alias (ignoring case)."""
        wanted = " ".join(name.lower().split())
        for entry in self.entries(book_id):
            if wanted in (" ".join(n.lower().split()) for n in entry.names):
                return entry
        raise NotFound("codex entry", name)

    def add(
        self,
        book_id: str,
        kind: str,
        name: str,
        *,
        aliases: Iterable[str] = (),
        description: str = "",
        fields: dict[str, Any] | None = None,
        notes: str = "",
        picture_blob_id: str | None = None,
    ) -> Entry:
        """A new entry from the kind's template, in the book's bucket for that kind (made if missing)."""
        kind = self._kind(kind)
        metadata: dict[str, Any] = {**(fields or {}), "aliases": self._aliases(aliases)}
        if picture_blob_id:
            metadata["picture_blob_id"] = picture_blob_id
        with self.store.transaction():
            book = self.store.buckets.get(book_id)
            if book.deleted_at:
                raise InvalidOperation(f"bucket {book.name!r} is in the trash; restore it first")
            container_name, container_type = CONTAINERS[kind]
            container = next((b for b in self.store.buckets.children(book_id) if b.type == container_type), None)
            if container is None:
                container = self.store.buckets.create(container_name, container_type, parent_id=book_id)
            bucket = self.store.templates.instantiate(kind, name, parent_id=container.id, metadata=metadata)
            bucket = self.store.buckets.update(bucket.id, description=description)
            if notes.strip():
                self.store.blobs.create({"content": notes, "role": "notes"}, bucket_ids=[bucket.id], tags=[kind])
            return self._entry(bucket)

    def update(
        self,
        entry_id: str,
        *,
        name: str | None = None,
        aliases: Iterable[str] | None = None,
        description: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> Entry:
        """Change an entry; `fields` merge into the type's fields (None removes one)."""
        self.entry(entry_id)
        metadata: dict[str, Any] = dict(fields or {})
        if aliases is not None:
            metadata["aliases"] = self._aliases(aliases)
        bucket = self.store.buckets.update(
            entry_id, name=name, description=description, metadata=metadata or None, merge_metadata=True
        )
        return self._entry(bucket)

    def rename_preview(self, entry_id: str, new_name: str, aliases: dict[str, str] | None = None) -> ReplacePlan:
        """Every change renaming the entry across its book: its name, and the chosen aliases
        (old alias -> new), as whole words in any case."""
        entry = self.entry(entry_id)
        new_name = clean_name(new_name, "entry name")
        unknown = [a for a in aliases or {} if a not in entry.aliases]
        if unknown:
            raise InvalidOperation(f"{unknown[0]!r} is not an alias of {entry.name!r} (aliases: {entry.aliases})")
        pairs = [(entry.name, new_name), *((old, clean_name(new, "alias")) for old, new in (aliases or {}).items())]
        return self.store.replace.preview(entry.book_id, pairs, whole_word=True, ignore_case=True)

    def rename(self, entry_id: str, plan: ReplacePlan) -> ReplaceBatch:
        """Apply a rename preview: the text changes and the entry's new name and aliases, in one
        transaction; `store.replace.undo` puts all of it back."""
        entry = self.entry(entry_id)
        new_name = plan.pairs[0][1]
        renamed = dict(plan.pairs[1:])
        with self.store.transaction():
            batch = self.store.replace.apply(
                plan, entry_id=entry.id, entry_before={"name": entry.name, "aliases": entry.aliases}
            )
            self.update(entry.id, name=new_name, aliases=[renamed.get(a, a) for a in entry.aliases])
        assert batch is not None
        return batch

    def mentions(self, book_id: str, text: str) -> list[Mention]:
        """Every mention of the book's entries in a text (for highlighting or a prompt)."""
        return list(self.matcher(book_id).find(text))

    def matcher(self, book_id: str) -> NameMatcher:
        """The book's prebuilt matcher, made again only when its names change."""
        entries = self.entries(book_id)
        signature = _signature(entries)
        cached = self._matchers.get(book_id)
        if cached is None or cached[0] != signature:
            cached = (signature, NameMatcher((e.id, e.names) for e in entries))
            self._matchers[book_id] = cached
        return cached[1]

    # -- reading the index ------------------------------------------------------------------

    def appearances(self, entry_id: str) -> Appearances:
        """The sections that name the entry, in book order, with their counts."""
        entry = self.entry(entry_id)
        counts = self._section_counts([entry_id])
        sections = [
            SectionCount(section.id, section.name, counts[(section.id, entry_id)])
            for section in self._sections(entry.book_id)
            if (section.id, entry_id) in counts
        ]
        return Appearances(entry, sections)

    def grid(self, book_id: str, kind: str | None = "character") -> Grid:
        """Who is in which section: the book's chapters and scenes, and any other section that
        names an entry (rows, reading order), by entries (columns)."""
        entries = self.entries(book_id, kind)
        counts = self._section_counts([e.id for e in entries])
        named = {section_id for section_id, _ in counts}
        rows = [s for s in self._sections(book_id) if s.type in GRID_TYPES or s.id in named]
        return Grid(rows, entries, counts)

    def _section_counts(self, entry_ids: list[str]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for start in range(0, len(entry_ids), _CHUNK):
            chunk = entry_ids[start : start + _CHUNK]
            rows = self.store.query(
                f"""SELECT bb.bucket_id AS section_id, m.entry_id, SUM(m.mentions) AS n
                    FROM codex_mentions m JOIN blobs b ON b.id = m.blob_id AND b.deleted_at IS NULL
                    JOIN blob_buckets bb ON bb.blob_id = m.blob_id AND bb.is_primary = 1
                    JOIN buckets c ON c.id = bb.bucket_id AND c.deleted_at IS NULL
                    WHERE m.entry_id IN ({",".join("?" for _ in chunk)}) GROUP BY bb.bucket_id, m.entry_id""",
                chunk,
            )
            out.update({(r["section_id"], r["entry_id"]): int(r["n"]) for r in rows})
        return out

    def _sections(self, book_id: str) -> list[Bucket]:
        """The book's story buckets in reading order (none under a codex or notes bucket)."""
        skipped: set[str] = set()
        out = []
        for bucket in self.store.buckets.descendants(book_id):
            if bucket.type in NOT_STORY_TYPES or bucket.parent_id in skipped:
                skipped.add(bucket.id)
            else:
                out.append(bucket)
        return out

    # -- keeping the index ------------------------------------------------------------------

    def rebuild(self, book_id: str | None = None) -> dict[str, int]:
        """Scan a book's text (every book's, without one) from scratch; returns what was found."""
        books = [book_id] if book_id else [b.id for b in self.store.buckets.roots()]
        totals = {"books": 0, "blobs": 0, "mentions": 0}
        with self.store.transaction() as tx:
            for book in books:
                found = self._index_book(tx, book)
                totals["books"] += 1
                totals["blobs"] += found["blobs"]
                totals["mentions"] += found["mentions"]
        return totals

    def _keep_index(self, tx: Tx) -> None:
        """The before-commit hook: rescan saved blobs, and whole books whose names changed."""
        blob_ids: set[str] = set()
        bucket_ids: set[str] = set()
        for event in list(tx.events):
            kind = event.topic.split(".")
            if kind[0] == "blob" and kind[1] in ("created", "updated", "restored"):
                if len(kind) < 3 or kind[2] in INDEXED_SCHEMAS:
                    blob_ids.add(event.payload["blob_id"])
            elif event.topic in ("bucket.blob.added", "bucket.blob.removed"):
                blob_ids.add(event.payload["blob_id"])
            elif kind[0] == "bucket" and kind[1] in ("created", "updated", "deleted", "restored"):
                bucket_ids.update(b for b in (event.payload.get("bucket_id"), event.payload.get("old_parent_id")) if b)
        if not blob_ids and not bucket_ids:
            return
        rebuilt = {book_id for book_id in self._books_of_buckets(bucket_ids) if self._names_changed(book_id)}
        books = self._books_of_blobs(blob_ids)
        _forget_blobs(tx, [b for b in blob_ids if b not in books])  # in no bucket any more: no mentions
        for book_id in {*books.values()} - rebuilt:
            if self.store.kv_get(KV_NAMESPACE, book_id) is None:
                rebuilt.add(book_id)  # never scanned (a store older than the codex): scan it all once
        for book_id in rebuilt:
            self._index_book(tx, book_id)
        by_book: dict[str, list[str]] = {}
        for blob_id, book_id in books.items():
            if book_id not in rebuilt:
                by_book.setdefault(book_id, []).append(blob_id)
        for book_id, ids in by_book.items():
            self._index_blobs(tx, book_id, ids)

    def _books_of_buckets(self, bucket_ids: set[str]) -> set[str]:
        ids = list(bucket_ids)
        rows = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows += self.store.query(f"SELECT path FROM buckets WHERE id IN ({','.join('?' for _ in chunk)})", chunk)
        return {r["path"].strip("/").split("/")[0] for r in rows}

    def _books_of_blobs(self, blob_ids: set[str]) -> dict[str, str]:
        """The book of each blob's primary bucket (blobs in no bucket have none)."""
        ids = list(blob_ids)
        out: dict[str, str] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = self.store.query(
                f"""SELECT bb.blob_id, c.path FROM blob_buckets bb JOIN buckets c ON c.id = bb.bucket_id
                    WHERE bb.is_primary = 1 AND bb.blob_id IN ({",".join("?" for _ in chunk)})""",
                chunk,
            )
            out.update({r["blob_id"]: r["path"].strip("/").split("/")[0] for r in rows})
        return out

    def _names_changed(self, book_id: str) -> bool:
        """Whether the book's names differ from those its index was made with (or it has none)."""
        if not self.store.buckets.exists(book_id):
            return False
        stored = self.store.kv_get(KV_NAMESPACE, book_id)
        return stored is None or stored.decode() != _signature(self.entries(book_id))

    def _index_book(self, tx: Tx, book_id: str) -> dict[str, int]:
        """Forget the book's mentions and scan all its story text again."""
        book = self.store.buckets.get(book_id)
        prefix = _like_prefix(book.path)
        tx.execute(
            "DELETE FROM codex_mentions WHERE entry_id IN (SELECT id FROM buckets WHERE path LIKE ? ESCAPE '\\')",
            (prefix,),
        )
        tx.execute(
            """DELETE FROM codex_mentions WHERE blob_id IN (SELECT bb.blob_id FROM blob_buckets bb
                 JOIN buckets c ON c.id = bb.bucket_id WHERE c.path LIKE ? ESCAPE '\\')""",
            (prefix,),
        )
        matcher = self.matcher(book_id)
        rows = self._story_rows(book, None) if matcher else []
        found = self._scan(tx, matcher, rows)
        had_names = self.store.kv_get(KV_NAMESPACE, book_id) not in (None, EMPTY_SIGNATURE.encode())
        self.store.kv_set(KV_NAMESPACE, book_id, _signature(self.entries(book_id)).encode())
        if matcher or had_names:  # books without a codex make no noise
            tx.emit(INDEX_EVENT, {"book_id": book_id, "blob_ids": None})
        return {"blobs": len(rows), "mentions": found}

    def _index_blobs(self, tx: Tx, book_id: str, blob_ids: list[str]) -> None:
        """Scan some of a book's blobs again (a book whose index has no names: just forget them)."""
        _forget_blobs(tx, blob_ids)
        stored = (self.store.kv_get(KV_NAMESPACE, book_id) or b"").decode()
        if stored == EMPTY_SIGNATURE:
            return
        # The names the index was made with are the book's names (any change rescans the book),
        # so the matcher cached for them serves without reading the entries again.
        cached = self._matchers.get(book_id)
        matcher = cached[1] if cached is not None and cached[0] == stored else self.matcher(book_id)
        self._scan(tx, matcher, self._story_rows(self.store.buckets.get(book_id), blob_ids))
        tx.emit(INDEX_EVENT, {"book_id": book_id, "blob_ids": blob_ids})

    def _story_rows(self, book: Bucket, blob_ids: list[str] | None) -> list[Any]:
        """The book's live story blobs (all of them, or of these ids) with their data."""
        marks = ",".join("?" for _ in INDEXED_SCHEMAS)
        sql = f"""SELECT b.id, b.schema_id, b.storage, b.data, c.path FROM blobs b
                  JOIN blob_buckets bb ON bb.blob_id = b.id AND bb.is_primary = 1
                  JOIN buckets c ON c.id = bb.bucket_id
                  WHERE b.deleted_at IS NULL AND b.schema_id IN ({marks}) AND c.path LIKE ? ESCAPE '\\'"""
        params: list[Any] = [*INDEXED_SCHEMAS, _like_prefix(book.path)]
        if blob_ids is not None:
            sql += " AND b.id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(blob_ids))
        rows = self.store.query(sql, params)
        # A blob is story text unless a bucket on its path is a codex, notes or chat bucket.
        on_paths = {i for r in rows for i in r["path"].strip("/").split("/")}
        types = {
            r["id"]: r["type"]
            for r in self.store.query(
                "SELECT id, type FROM buckets WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(on_paths)),),
            )
        }
        return [r for r in rows if not any(types.get(i) in NOT_STORY_TYPES for i in r["path"].strip("/").split("/"))]

    def _scan(self, tx: Tx, matcher: NameMatcher, rows: list[Any]) -> int:
        if not matcher:
            return 0
        found: list[tuple[str, str, int, int]] = []
        schemas = self.store.schemas
        for row in rows:
            data = json.loads(row["data"]) if row["data"] is not None else self.store.blobs.data(row["id"])
            if data.get("role") == "notes":
                continue
            for entry_id, (count, first) in matcher.counts(schemas.extract_text(row["schema_id"], data)).items():
                found.append((entry_id, row["id"], count, first))
        tx.conn.executemany(
            "INSERT INTO codex_mentions (entry_id, blob_id, mentions, first_offset) VALUES (?, ?, ?, ?)", found
        )
        return sum(f[2] for f in found)

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _kind(kind: str) -> str:
        if kind not in CODEX_KINDS:
            raise InvalidOperation(f"codex kind {kind!r} is not one of {', '.join(CODEX_KINDS)}")
        return kind

    @staticmethod
    def _aliases(aliases: Iterable[str]) -> list[str]:
        out: list[str] = []
        for alias in aliases:
            alias = clean_name(alias, "alias")
            if alias not in out:
                out.append(alias)
        return out

    def _entry(self, bucket: Bucket) -> Entry:
        meta = bucket.metadata
        # Fields in the order the kind's schema lists them (role, age, look...), others after.
        schemas, schema_id = self.store.schemas, bucket.schema_id or ""
        listed = list(schemas.get(schema_id).document.get("properties", {})) if schemas.has(schema_id) else []
        order = {key: index for index, key in enumerate(listed)}
        keys = sorted((k for k in meta if k not in RESERVED_KEYS), key=lambda k: (order.get(k, len(order)), k))
        return Entry(
            id=bucket.id,
            kind=bucket.type,
            name=bucket.name,
            aliases=[a for a in meta.get("aliases", []) if isinstance(a, str)],
            description=bucket.description,
            fields={k: meta[k] for k in keys},
            picture_blob_id=meta.get("picture_blob_id"),
            book_id=book_id_of(bucket),
        )

def _forget_blobs(tx: Tx, blob_ids: list[str]) -> None:
    tx.execute("DELETE FROM codex_mentions WHERE blob_id IN (SELECT value FROM json_each(?))", (json.dumps(blob_ids),))


def _signature(entries: list[Entry]) -> str:
    """What the index depends on: each entry's id and names."""
    names = sorted((e.id, sorted(e.names)) for e in entries)
    return hashlib.sha256(to_json(names).encode()).hexdigest()


EMPTY_SIGNATURE = _signature([])
