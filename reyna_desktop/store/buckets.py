"""Buckets: the tree that holds everything (seed 000).

`path` holds the ids from the root down to the bucket itself ("/a/b/c/"), so a subtree is one
prefix query and a rename touches one row. Trash sets `deleted_at` on the whole subtree with one
timestamp, so a restore brings back exactly what that delete took away.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation, NotFound
from reyna_desktop.models import Bucket
from reyna_desktop.schema_ids import BUCKET_ALBUM, BUCKET_CONVERSATION, BUCKET_TRACK
from reyna_desktop.store.blob_rows import purge_blob_rows
from reyna_desktop.store.sections import Sections
from reyna_desktop.store.text import clean_name, clean_tags, new_id, now, to_json

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore, Tx

# Bucket types that share another type's metadata schema.
SCHEMA_ALIASES = {"thread": BUCKET_CONVERSATION, "song": BUCKET_TRACK, "songbook": BUCKET_ALBUM}


def row_to_bucket(row: sqlite3.Row) -> Bucket:
    return Bucket.model_construct(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        description=row["description"],
        parent_id=row["parent_id"],
        depth=row["depth"],
        path=row["path"],
        position=row["position"],
        schema_id=row["schema_id"],
        processor_id=row["processor_id"],
        auto_processors=json.loads(row["auto_processors"]),
        metadata=json.loads(row["metadata"]),
        tags=json.loads(row["tags"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        accessed_at=row["accessed_at"],
        deleted_at=row["deleted_at"],
    )


class Buckets:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    # -- reading --------------------------------------------------------------------------

    def get(self, bucket_id: str) -> Bucket:
        row = self.store.query_one("SELECT * FROM buckets WHERE id = ?", (bucket_id,))
        if row is None:
            raise NotFound("bucket", bucket_id)
        return row_to_bucket(row)

    def exists(self, bucket_id: str) -> bool:
        return self.store.query_one("SELECT 1 FROM buckets WHERE id = ?", (bucket_id,)) is not None

    def children(self, parent_id: str | None = None, *, include_deleted: bool = False) -> list[Bucket]:
        where = "parent_id IS ?" + ("" if include_deleted else " AND deleted_at IS NULL")
        rows = self.store.query(f"SELECT * FROM buckets WHERE {where} ORDER BY position, seq", (parent_id,))
        return [row_to_bucket(r) for r in rows]

    def roots(self, *, include_deleted: bool = False) -> list[Bucket]:
        return self.children(None, include_deleted=include_deleted)

    def all(self, *, include_deleted: bool = False, type: str | None = None) -> list[Bucket]:
        """Every bucket, parents before children, siblings in order."""
        clauses, params = [], []
        if not include_deleted:
            clauses.append("deleted_at IS NULL")
        if type:
            clauses.append("type = ?")
            params.append(type)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.store.query(f"SELECT * FROM buckets {where} ORDER BY depth, position, seq", params)
        return [row_to_bucket(r) for r in rows]

    def descendants(self, bucket_id: str, *, include_self: bool = False, include_deleted: bool = False) -> list[Bucket]:
        """The subtree in depth-first order (a parent, then its children in position order)."""
        root = self.get(bucket_id)
        where = "path LIKE ? ESCAPE '\\'" + ("" if include_deleted else " AND deleted_at IS NULL")
        rows = self.store.query(f"SELECT * FROM buckets WHERE {where}", (_like_prefix(root.path),))
        by_parent: dict[str | None, list[Bucket]] = {}
        for bucket in (row_to_bucket(r) for r in rows):
            by_parent.setdefault(bucket.parent_id, []).append(bucket)
        for siblings in by_parent.values():
            siblings.sort(key=lambda b: b.position)
        out: list[Bucket] = [root] if include_self else []

        def walk(parent: str) -> None:
            for child in by_parent.get(parent, []):
                out.append(child)
                walk(child.id)

        walk(root.id)
        return out

    def ancestors(self, bucket_id: str) -> list[Bucket]:
        """From the root down to the parent."""
        return [self.get(a) for a in self.get(bucket_id).ancestor_ids]

    def display_path(self, bucket_id: str) -> str:
        bucket = self.get(bucket_id)
        return " / ".join([*(a.name for a in self.ancestors(bucket_id)), bucket.name])

    def trashed(self) -> list[Bucket]:
        """Buckets that were deleted themselves (not those that went with a deleted parent)."""
        rows = self.store.query(
            """SELECT c.* FROM buckets c LEFT JOIN buckets p ON p.id = c.parent_id
               WHERE c.deleted_at IS NOT NULL AND (p.id IS NULL OR p.deleted_at IS NULL
                     OR p.deleted_at != c.deleted_at)
               ORDER BY c.deleted_at DESC"""
        )
        return [row_to_bucket(r) for r in rows]

    # -- writing --------------------------------------------------------------------------

    def create(
        self,
        name: str,
        type: str = "folder",
        *,
        parent_id: str | None = None,
        description: str = "",
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        schema_id: str | None = None,
        processor_id: str | None = None,
        position: int | None = None,
    ) -> Bucket:
        name = clean_name(name, "bucket name")
        type = clean_name(type, "bucket type")
        metadata = dict(metadata or {})
        schema_id = schema_id or self.default_schema(type)
        self._validate_metadata(schema_id, metadata)
        tags = clean_tags(tags)
        with self.store.transaction() as tx:
            if parent_id is not None:
                parent = self.get(parent_id)
                if parent.deleted_at:
                    raise InvalidOperation(f"bucket {parent_id!r} is in the trash; restore it first")
                depth, prefix = parent.depth + 1, parent.path
            else:
                depth, prefix = 0, "/"
            bucket_id = new_id("bk")
            if position is None:
                position = self._next_position(tx, parent_id)
            else:
                tx.execute(
                    "UPDATE buckets SET position = position + 1 WHERE parent_id IS ? AND position >= ?",
                    (parent_id, position),
                )
            stamp = now()
            cur = tx.execute(
                """INSERT INTO buckets (id, name, type, description, parent_id, depth, path, position,
                       schema_id, processor_id, metadata, tags, created_at, updated_at, accessed_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    bucket_id,
                    name,
                    type,
                    description,
                    parent_id,
                    depth,
                    f"{prefix}{bucket_id}/",
                    position,
                    schema_id,
                    processor_id,
                    to_json(metadata),
                    to_json(tags),
                    stamp,
                    stamp,
                    stamp,
                ),
            )
            self._index(tx, int(cur.lastrowid or 0), name, description, tags)
            tx.emit("bucket.created", {"bucket_id": bucket_id, "type": type, "parent_id": parent_id, "name": name})
            return self.get(bucket_id)

    def rename(self, bucket_id: str, name: str) -> Bucket:
        return self.update(bucket_id, name=name)

    def update(
        self,
        bucket_id: str,
        *,
        name: str | None = None,
        type: str | None = None,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        merge_metadata: bool = False,
        tags: list[str] | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        processor_id: str | None = None,
        auto_processors: list[str] | None = None,
    ) -> Bucket:
        with self.store.transaction() as tx:
            bucket = self.get(bucket_id)
            changes: dict[str, Any] = {}
            if name is not None and clean_name(name, "bucket name") != bucket.name:
                changes["name"] = clean_name(name, "bucket name")
            if type is not None and clean_name(type, "bucket type") != bucket.type:
                changes["type"] = clean_name(type, "bucket type")
            if description is not None and description != bucket.description:
                changes["description"] = description
            new_meta = bucket.metadata
            if metadata is not None:
                new_meta = {**bucket.metadata, **metadata} if merge_metadata else dict(metadata)
                new_meta = {k: v for k, v in new_meta.items() if v is not None}
            schema_id = bucket.schema_id
            if "type" in changes and schema_id == self.default_schema(bucket.type):
                schema_id = self.default_schema(changes["type"])
                changes["schema_id"] = schema_id
            if new_meta != bucket.metadata or "schema_id" in changes:
                self._validate_metadata(schema_id, new_meta)
                changes["metadata"] = new_meta
            new_tags = list(bucket.tags) if tags is None else clean_tags(tags)
            new_tags = clean_tags([*new_tags, *(add_tags or [])])
            new_tags = [t for t in new_tags if t not in set(remove_tags or [])]
            if new_tags != bucket.tags:
                changes["tags"] = new_tags
            if processor_id is not None and processor_id != (bucket.processor_id or ""):
                changes["processor_id"] = processor_id or None
            if auto_processors is not None and auto_processors != bucket.auto_processors:
                changes["auto_processors"] = list(auto_processors)
            if not changes:
                return bucket
            columns = {
                k: (to_json(v) if k in ("metadata", "tags", "auto_processors") else v) for k, v in changes.items()
            }
            columns["updated_at"] = now()
            sets = ", ".join(f"{k} = ?" for k in columns)
            tx.execute(f"UPDATE buckets SET {sets} WHERE id = ?", (*columns.values(), bucket_id))
            # A bucket in the trash has no search entry; restore() adds it back.
            if {"name", "description", "tags"} & changes.keys() and not bucket.deleted_at:
                fresh = self.get(bucket_id)
                self._reindex(tx, bucket_id, fresh.name, fresh.description, fresh.tags)
            tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": list(changes)})
            return self.get(bucket_id)

    def touch(self, bucket_id: str) -> None:
        """Record that the user opened a bucket (no event, no version)."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE buckets SET accessed_at = ? WHERE id = ?", (now(), bucket_id))

    def move(self, bucket_id: str, new_parent_id: str | None, position: int | None = None) -> Bucket:
        """Move under another parent (None: to the top level), refusing cycles."""
        with self.store.transaction() as tx:
            bucket = self.get(bucket_id)
            if new_parent_id is not None:
                parent = self.get(new_parent_id)
                if parent.id == bucket.id or parent.path.startswith(bucket.path):
                    raise InvalidOperation(
                        f"cannot move bucket {bucket.name!r} into {parent.name!r}: "
                        "that is the bucket itself or one of its descendants"
                    )
                if parent.deleted_at:
                    raise InvalidOperation(f"bucket {parent.name!r} is in the trash; restore it first")
                new_prefix, new_depth = parent.path, parent.depth + 1
            else:
                new_prefix, new_depth = "/", 0
            old_parent = bucket.parent_id
            siblings = [b.id for b in self.children(new_parent_id) if b.id != bucket_id]
            position = len(siblings) if position is None else max(0, min(position, len(siblings)))
            siblings.insert(position, bucket_id)
            new_path = f"{new_prefix}{bucket_id}/"
            depth_shift = new_depth - bucket.depth
            tx.execute(
                """UPDATE buckets SET path = ? || substr(path, ?), depth = depth + ?
                   WHERE path LIKE ? ESCAPE '\\'""",
                (new_path, len(bucket.path) + 1, depth_shift, _like_prefix(bucket.path)),
            )
            tx.execute(
                "UPDATE buckets SET parent_id = ?, updated_at = ? WHERE id = ?", (new_parent_id, now(), bucket_id)
            )
            self._set_positions(tx, siblings)
            if old_parent != new_parent_id:
                self._set_positions(tx, [b.id for b in self.children(old_parent)])
            tx.emit(
                "bucket.updated",
                {
                    "bucket_id": bucket_id,
                    "changes": ["parent_id", "position"],
                    "old_parent_id": old_parent,
                    "parent_id": new_parent_id,
                },
            )
            return self.get(bucket_id)

    def reorder(self, parent_id: str | None, ordered_ids: list[str]) -> None:
        """Set the order of a parent's children; the list must name each child once."""
        with self.store.transaction() as tx:
            current = {b.id for b in self.children(parent_id)}
            if set(ordered_ids) != current or len(ordered_ids) != len(current):
                raise InvalidOperation("reorder must list each child of the parent exactly once")
            self._set_positions(tx, ordered_ids)
            if parent_id is not None:
                tx.emit("bucket.updated", {"bucket_id": parent_id, "changes": ["children_order"]})

    def trash(self, bucket_id: str) -> Bucket:
        with self.store.transaction() as tx:
            bucket = self.get(bucket_id)
            if bucket.deleted_at:
                return bucket
            stamp = now()
            rows = self.store.query(
                "SELECT seq FROM buckets WHERE path LIKE ? ESCAPE '\\' AND deleted_at IS NULL",
                (_like_prefix(bucket.path),),
            )
            tx.execute(
                "UPDATE buckets SET deleted_at = ? WHERE path LIKE ? ESCAPE '\\' AND deleted_at IS NULL",
                (stamp, _like_prefix(bucket.path)),
            )
            for row in rows:
                tx.execute("DELETE FROM buckets_fts WHERE rowid = ?", (row["seq"],))
            blob_count = self._blob_count(bucket_id)
            tx.emit("bucket.deleted", {"bucket_id": bucket_id, "blob_count": blob_count, "trash": True})
            return self.get(bucket_id)

    def restore(self, bucket_id: str) -> Bucket:
        with self.store.transaction() as tx:
            bucket = self.get(bucket_id)
            if not bucket.deleted_at:
                return bucket
            for ancestor in self.ancestors(bucket_id):
                if ancestor.deleted_at:
                    raise InvalidOperation(f"its parent {ancestor.name!r} is in the trash; restore that first")
            rows = self.store.query(
                "SELECT * FROM buckets WHERE path LIKE ? ESCAPE '\\' AND deleted_at = ?",
                (_like_prefix(bucket.path), bucket.deleted_at),
            )
            tx.execute(
                "UPDATE buckets SET deleted_at = NULL WHERE path LIKE ? ESCAPE '\\' AND deleted_at = ?",
                (_like_prefix(bucket.path), bucket.deleted_at),
            )
            for row in rows:
                self._index(tx, row["seq"], row["name"], row["description"], json.loads(row["tags"]))
            tx.emit("bucket.restored", {"bucket_id": bucket_id})
            tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": ["deleted_at"]})
            return self.get(bucket_id)

    def purge(self, bucket_id: str) -> int:
        """Delete for good a bucket that is in the trash, with its subtree and every blob that
        lived only there. Returns the number of blobs removed."""
        with self.store.transaction() as tx:
            bucket = self.get(bucket_id)
            if not bucket.deleted_at:
                raise InvalidOperation(f"bucket {bucket.name!r} is not in the trash; delete it first")
            prefix = _like_prefix(bucket.path)
            orphans = [
                r["blob_id"]
                for r in self.store.query(
                    """SELECT bb.blob_id FROM blob_buckets bb
                       GROUP BY bb.blob_id
                       HAVING SUM(bb.bucket_id NOT IN (SELECT id FROM buckets WHERE path LIKE ? ESCAPE '\\')) = 0
                          AND SUM(bb.bucket_id IN (SELECT id FROM buckets WHERE path LIKE ? ESCAPE '\\')) > 0""",
                    (prefix, prefix),
                )
            ]
            removed = purge_blob_rows(self.store, tx, orphans)
            for row in self.store.query("SELECT seq FROM buckets WHERE path LIKE ? ESCAPE '\\'", (prefix,)):
                tx.execute("DELETE FROM buckets_fts WHERE rowid = ?", (row["seq"],))
            tx.execute("DELETE FROM buckets WHERE path LIKE ? ESCAPE '\\'", (prefix,))
            tx.emit("bucket.deleted", {"bucket_id": bucket_id, "blob_count": len(orphans), "trash": False})
            return removed

    # -- figures --------------------------------------------------------------------------

    def stats(self, bucket_id: str) -> dict[str, Any]:
        bucket = self.get(bucket_id)
        prefix = _like_prefix(bucket.path)
        direct = self.store.query_one(
            """SELECT COUNT(*) AS n FROM blob_buckets bb JOIN blobs b ON b.id = bb.blob_id
               WHERE bb.bucket_id = ? AND b.deleted_at IS NULL""",
            (bucket_id,),
        )
        total = self.store.query_one(
            """SELECT COUNT(DISTINCT b.id) AS n, COALESCE(SUM(b.content_size), 0) AS bytes,
                      MAX(b.updated_at) AS last
               FROM blobs b WHERE b.deleted_at IS NULL AND b.id IN (
                   SELECT bb.blob_id FROM blob_buckets bb JOIN buckets c ON c.id = bb.bucket_id
                   WHERE c.path LIKE ? ESCAPE '\\' AND c.deleted_at IS NULL)""",
            (prefix,),
        )
        children = self.store.query_one(
            "SELECT COUNT(*) AS n, MAX(updated_at) AS last FROM buckets WHERE path LIKE ? ESCAPE '\\' "
            "AND id != ? AND deleted_at IS NULL",
            (prefix, bucket_id),
        )
        direct_children = self.store.query_one(
            "SELECT COUNT(*) AS n FROM buckets WHERE parent_id = ? AND deleted_at IS NULL", (bucket_id,)
        )
        processors = self.store.query(
            """SELECT DISTINCT b.processor_id FROM blobs b JOIN blob_buckets bb ON bb.blob_id = b.id
               JOIN buckets c ON c.id = bb.bucket_id
               WHERE c.path LIKE ? ESCAPE '\\' AND b.processor_id IS NOT NULL AND b.deleted_at IS NULL
               ORDER BY 1""",
            (prefix,),
        )
        assert direct and total and children and direct_children
        last = max(x for x in (bucket.updated_at, total["last"], children["last"]) if x)
        return {
            "bucket_id": bucket_id,
            "total_blobs": total["n"],
            "direct_blobs": direct["n"],
            "total_size_bytes": total["bytes"],
            "total_words": Sections(self.store).subtree_count(bucket_id),  # the text that counts, as the tree
            "count_unit": Sections(self.store).count_unit(bucket_id),  # "words", or "characters" for CJK
            "child_buckets": direct_children["n"],
            "descendant_buckets": children["n"],
            "last_modified": last,
            "processors_used": [r["processor_id"] for r in processors],
        }

    # -- helpers --------------------------------------------------------------------------

    def default_schema(self, bucket_type: str) -> str | None:
        candidate = SCHEMA_ALIASES.get(bucket_type, f"bucket-{bucket_type}-v1")
        return candidate if self.store.schemas.has(candidate) else None

    def _validate_metadata(self, schema_id: str | None, metadata: dict[str, Any]) -> None:
        if not isinstance(metadata, dict):
            raise InvalidOperation("bucket metadata must be a JSON object")
        if schema_id:
            self.store.schemas.validate(schema_id, metadata)

    def _blob_count(self, bucket_id: str) -> int:
        row = self.store.query_one("SELECT COUNT(*) AS n FROM blob_buckets WHERE bucket_id = ?", (bucket_id,))
        return int(row["n"]) if row else 0

    def _next_position(self, tx: Tx, parent_id: str | None) -> int:
        row = tx.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM buckets WHERE parent_id IS ?", (parent_id,)
        ).fetchone()
        return int(row[0])

    @staticmethod
    def _set_positions(tx: Tx, ordered_ids: list[str]) -> None:
        tx.conn.executemany("UPDATE buckets SET position = ? WHERE id = ?", [(i, b) for i, b in enumerate(ordered_ids)])

    @staticmethod
    def _index(tx: Tx, seq: int, name: str, description: str, tags: list[str]) -> None:
        tx.execute(
            "INSERT INTO buckets_fts (rowid, name, description, tags) VALUES (?, ?, ?, ?)",
            (seq, name, description, " ".join(tags)),
        )

    def _reindex(self, tx: Tx, bucket_id: str, name: str, description: str, tags: list[str]) -> None:
        row = tx.execute("SELECT seq FROM buckets WHERE id = ?", (bucket_id,)).fetchone()
        tx.execute("DELETE FROM buckets_fts WHERE rowid = ?", (row[0],))
        self._index(tx, row[0], name, description, tags)



def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

