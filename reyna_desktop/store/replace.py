"""Project-wide replace: a preview of every change, applied in one transaction, undone in one step.

`preview` finds every place the text occurs in the live text blobs under a bucket (a book) and
returns a plan: each change with its section and the text around it before and after. `apply`
writes exactly that plan, each changed blob as a new version, in one transaction, and records
the batch (each blob's version before and after) in `replace_batches`; it refuses when a blob
changed after the preview. `undo` saves each blob's text from before the batch as a new version
(history keeps everything), again in one transaction, and refuses when a blob was edited after
the batch, so an undo never throws away later work. Renaming a codex entry is a replace whose
batch also records the entry's old name and aliases, so its undo puts those back too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, NotFound
from reyna_desktop.schema_ids import TEXT_SCHEMAS
from reyna_desktop.store.buckets import _like_prefix
from reyna_desktop.store.text import new_id, now, to_json

if TYPE_CHECKING:
    from reyna_desktop.store import Store

MAX_PATTERN_CHARS = 1000
CONTEXT_CHARS = 40


@dataclass(frozen=True)
class Change:
    """One place that changes: where, and a line of text around it before and after."""

    blob_id: str
    section_id: str
    section_name: str
    offset: int
    before: str
    after: str


@dataclass(frozen=True)
class BlobEdit:
    """A blob's new data, valid only while the blob is still at `version`."""

    blob_id: str
    section_name: str
    version: int
    data: dict[str, Any]


@dataclass
class ReplacePlan:
    root_id: str
    pairs: list[tuple[str, str]]
    whole_word: bool
    ignore_case: bool
    changes: list[Change] = field(default_factory=list)
    edits: list[BlobEdit] = field(default_factory=list)

    @property
    def description(self) -> str:
        return ", ".join(f"{old!r} → {new!r}" for old, new in self.pairs)


@dataclass(frozen=True)
class ReplaceBatch:
    id: str
    root_id: str
    description: str
    blob_count: int
    created_at: str
    undone_at: str | None
    entry_id: str | None


class Replacer:
    def __init__(self, store: Store) -> None:
        self.store = store

    def preview(
        self,
        root_id: str,
        pairs: list[tuple[str, str]],
        *,
        whole_word: bool = False,
        ignore_case: bool = False,
    ) -> ReplacePlan:
        """Every change replacing each OLD with its NEW (one pass, longest OLD first) under root_id."""
        root = self.store.buckets.get(root_id)
        if not pairs:
            raise InvalidOperation("replace needs at least one OLD NEW pair")
        for old, new in pairs:
            if not old:
                raise InvalidOperation("replace needs text to find: the pattern is empty")
            if len(old) > MAX_PATTERN_CHARS or len(new) > MAX_PATTERN_CHARS:
                raise InvalidOperation(f"replace texts are at most {MAX_PATTERN_CHARS} characters long")
            if old == new:
                raise InvalidOperation(f"replacing {old!r} with itself would change nothing")
        replacement = {(old.lower() if ignore_case else old): new for old, new in pairs}
        body = "|".join(re.escape(old) for old in sorted(replacement, key=len, reverse=True))
        regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)" if whole_word else body, re.IGNORECASE if ignore_case else 0)

        def substitute(match: re.Match[str]) -> str:
            found = match.group()
            new = replacement[found.lower() if ignore_case else found]
            return _follow_case(found, new) if ignore_case else new

        plan = ReplacePlan(root.id, list(pairs), whole_word, ignore_case)
        for row in self._text_blobs(root.id, root.path):
            data = json.loads(row["data"]) if row["data"] is not None else self.store.blobs.data(row["id"])
            new_data = dict(data)
            for name in self.store.schemas.get(row["schema_id"]).text_fields:
                text = data.get(name)
                if not isinstance(text, str) or not regex.search(text):
                    continue
                new_data[name] = regex.sub(substitute, text)
                for match in regex.finditer(text):
                    start, end = match.span()
                    lead, tail = _context(text, start, end)
                    plan.changes.append(
                        Change(
                            row["id"],
                            row["section_id"],
                            row["section_name"],
                            start,
                            lead + match.group() + tail,
                            lead + substitute(match) + tail,
                        )
                    )
            if new_data != data:
                plan.edits.append(BlobEdit(row["id"], row["section_name"], row["version"], new_data))
        return plan

    def apply(self, plan: ReplacePlan, *, entry_id: str | None = None, entry_before: Any = None) -> ReplaceBatch | None:
        """Write the plan as new versions in one transaction; None when it changes nothing (a
        rename with no text to change still records its batch, for the entry's undo)."""
        if not plan.edits and entry_id is None:
            return None
        batch_id = new_id("rp")
        with self.store.transaction() as tx:
            current = {
                r["id"]: (r["version"], r["deleted_at"])
                for r in self.store.query(
                    "SELECT id, version, deleted_at FROM blobs WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([e.blob_id for e in plan.edits]),),
                )
            }
            for edit in plan.edits:
                if current.get(edit.blob_id) != (edit.version, None):
                    raise InvalidOperation(
                        f"{edit.section_name!r} changed after the preview (blob {edit.blob_id}); preview again"
                    )
            tx.execute(
                """INSERT INTO replace_batches (id, root_id, description, pairs, entry_id, entry_before, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    batch_id,
                    plan.root_id,
                    plan.description,
                    to_json(plan.pairs),
                    entry_id,
                    None if entry_before is None else to_json(entry_before),
                    now(),
                ),
            )
            for edit in plan.edits:
                saved = self.store.blobs.update(edit.blob_id, edit.data, note=f"replace {plan.description}")
                tx.execute(
                    "INSERT INTO replace_batch_blobs (batch_id, blob_id, before_version, after_version) "
                    "VALUES (?, ?, ?, ?)",
                    (batch_id, edit.blob_id, edit.version, saved.version),
                )
            tx.emit("replace.applied", {"batch_id": batch_id, "root_id": plan.root_id, "blobs": len(plan.edits)})
        return self.batch(batch_id)

    def undo(self, batch_id: str | None = None, *, root_id: str | None = None) -> ReplaceBatch:
        """Put back every blob's text from before a batch (the newest one not undone by default)."""
        with self.store.transaction() as tx:
            batch = self.batch(batch_id) if batch_id else self._last(root_id)
            if batch.undone_at:
                raise InvalidOperation(f"replace {batch.id} was already undone at {batch.undone_at}")
            rows = self.store.query(
                """SELECT r.blob_id, r.before_version, r.after_version, b.version, b.deleted_at, b.title
                   FROM replace_batch_blobs r JOIN blobs b ON b.id = r.blob_id WHERE r.batch_id = ?""",
                (batch.id,),
            )
            for row in rows:
                if row["deleted_at"] or row["version"] != row["after_version"]:
                    raise InvalidOperation(
                        f"cannot undo replace {batch.id}: {row['title']!r} ({row['blob_id']}) was changed after it "
                        f"(version {row['version']}, the replace saved {row['after_version']}); restore it from its "
                        "history instead"
                    )
            for row in rows:
                old = self.store.blobs.data(row["blob_id"], row["before_version"])
                self.store.blobs.update(row["blob_id"], old, note=f"undo replace {batch.description}")
            if batch.entry_id and self.store.buckets.exists(batch.entry_id):
                entry = self._entry_before(batch.id)
                self.store.buckets.update(
                    batch.entry_id, name=entry["name"], metadata={"aliases": entry["aliases"]}, merge_metadata=True
                )
            tx.execute("UPDATE replace_batches SET undone_at = ? WHERE id = ?", (now(), batch.id))
            tx.emit("replace.undone", {"batch_id": batch.id, "root_id": batch.root_id, "blobs": len(rows)})
        return self.batch(batch.id)

    def batch(self, batch_id: str) -> ReplaceBatch:
        rows = self._batches("r.id = ?", (batch_id,))
        if not rows:
            raise NotFound("replace batch", batch_id)
        return rows[0]

    def batches(self, root_id: str | None = None) -> list[ReplaceBatch]:
        """Recorded batches, newest first."""
        return self._batches("r.root_id = ?", (root_id,)) if root_id else self._batches("1", ())

    def _last(self, root_id: str | None) -> ReplaceBatch:
        live = [b for b in self.batches(root_id) if not b.undone_at]
        if not live:
            raise InvalidOperation("there is no replace to undo" + (f" in bucket {root_id}" if root_id else ""))
        return live[0]

    def _batches(self, where: str, params: tuple[Any, ...]) -> list[ReplaceBatch]:
        rows = self.store.query(
            f"""SELECT r.*, (SELECT COUNT(*) FROM replace_batch_blobs x WHERE x.batch_id = r.id) AS n
                FROM replace_batches r WHERE {where} ORDER BY r.created_at DESC, r.rowid DESC""",
            params,
        )
        return [
            ReplaceBatch(
                r["id"], r["root_id"], r["description"], r["n"], r["created_at"], r["undone_at"], r["entry_id"]
            )
            for r in rows
        ]

    def _entry_before(self, batch_id: str) -> dict[str, Any]:
        row = self.store.query_one("SELECT entry_before FROM replace_batches WHERE id = ?", (batch_id,))
        before: dict[str, Any] = json.loads(row["entry_before"]) if row and row["entry_before"] else {}
        return before

    def _text_blobs(self, root_id: str, root_path: str) -> list[Any]:
        """The live text blobs under the root, in reading order, with their primary section."""
        order = {b.id: i for i, b in enumerate(self.store.buckets.descendants(root_id, include_self=True))}
        marks = ",".join("?" for _ in TEXT_SCHEMAS)
        rows = self.store.query(
            f"""SELECT b.id, b.schema_id, b.version, b.data, c.id AS section_id, c.name AS section_name,
                       bb.position FROM blobs b
                JOIN blob_buckets bb ON bb.blob_id = b.id AND bb.is_primary = 1
                JOIN buckets c ON c.id = bb.bucket_id
                WHERE b.deleted_at IS NULL AND c.deleted_at IS NULL AND b.schema_id IN ({marks})
                  AND c.path LIKE ? ESCAPE '\\'""",
            (*TEXT_SCHEMAS, _like_prefix(root_path)),
        )
        rows = [r for r in rows if r["section_id"] in order]
        return sorted(rows, key=lambda r: (order[r["section_id"]], r["position"]))


def _follow_case(found: str, new: str) -> str:
    """When case is ignored, the new text follows the found text's case: all capitals stay all
    capitals (MARA → MAREN), a capital first letter stays one (Colour → Color); else as given."""
    if len(found) > 1 and found.isupper():
        return new.upper()
    if found[:1].isupper() and new[:1].islower():
        return new[:1].upper() + new[1:]
    return new


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to CONTEXT_CHARS of the text on each side of a match, on one line."""
    lead = text[max(0, start - CONTEXT_CHARS) : start]
    tail = text[end : end + CONTEXT_CHARS]
    lead = lead.rsplit("\n", 1)[-1]
    tail = tail.split("\n", 1)[0]
    return ("…" if start - len(lead) > 0 else "") + lead, tail + ("…" if end + len(tail) < len(text) else "")

