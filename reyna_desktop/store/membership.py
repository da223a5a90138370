"""Which buckets a blob lives in, and in what order: listing a bucket's blobs, linking,
unlinking, moving and reordering. A blob lives in one or more buckets; the first is its primary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import InvalidOperation
from reyna_desktop.models import Blob
from reyna_desktop.store.blob_rows import BLOB_COLUMNS, BlobRows
from reyna_desktop.store.buckets import Buckets
from reyna_desktop.store.text import now

if TYPE_CHECKING:
    from reyna_desktop.store.core import Tx


class Membership(BlobRows):
    def in_bucket(
        self,
        bucket_id: str,
        *,
        recursive: bool = False,
        schema_ids: list[str] | None = None,
        tags: list[str] | None = None,
        include_deleted: bool = False,
    ) -> list[Blob]:
        """Blobs of a bucket in their order; with `recursive`, the subtree's too, bucket by bucket."""
        buckets = Buckets(self.store)
        order = (
            [b.id for b in buckets.descendants(bucket_id, include_self=True)]
            if recursive
            else [buckets.get(bucket_id).id]
        )
        rank = {b: i for i, b in enumerate(order)}
        marks = ",".join("?" for _ in order)
        clauses = [f"bb.bucket_id IN ({marks})"]
        params: list[Any] = list(order)
        if not include_deleted:
            clauses.append("b.deleted_at IS NULL")
        if schema_ids:
            clauses.append(f"b.schema_id IN ({','.join('?' for _ in schema_ids)})")
            params.extend(schema_ids)
        rows = self.store.query(
            f"""SELECT {", ".join("b." + c.strip() for c in BLOB_COLUMNS.split(","))}, bb.bucket_id AS in_bucket,
                       bb.position AS in_position
                FROM blob_buckets bb JOIN blobs b ON b.id = bb.blob_id WHERE {" AND ".join(clauses)}""",
            params,
        )
        rows = sorted(rows, key=lambda r: (rank[r["in_bucket"]], r["in_position"], r["created_at"]))
        seen: set[str] = set()
        unique = []
        for row in rows:  # a blob in two buckets of the subtree is listed once, at its first place
            if row["id"] not in seen:
                seen.add(row["id"])
                unique.append(row)
        blobs = self._with_buckets(unique)
        if tags:
            wanted = set(tags)
            blobs = [b for b in blobs if wanted & set(b.tags)]
        return blobs

    def link(self, blob_id: str, bucket_id: str, *, position: int | None = None) -> Blob:
        """Put the blob in one more bucket (a blob can live in many)."""
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            self._live_bucket(bucket_id)
            if bucket_id not in blob.bucket_ids:
                self._add_member(tx, blob_id, bucket_id, primary=not blob.bucket_ids, position=position)
            return self.get(blob_id)

    def unlink(self, blob_id: str, bucket_id: str) -> Blob:
        """Take the blob out of one bucket; it must stay in at least one."""
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if bucket_id not in blob.bucket_ids:
                raise InvalidOperation(f"blob {blob_id} is not in bucket {bucket_id}")
            if len(blob.bucket_ids) == 1:
                raise InvalidOperation(
                    f"blob {blob_id} is only in bucket {bucket_id}; move it elsewhere or delete it instead"
                )
            self._remove_member(tx, blob_id, bucket_id)
            if blob.primary_bucket_id == bucket_id:
                tx.execute(
                    "UPDATE blob_buckets SET is_primary = 1 WHERE blob_id = ? AND bucket_id = ?",
                    (blob_id, next(b for b in blob.bucket_ids if b != bucket_id)),
                )
            return self.get(blob_id)

    def move(self, blob_id: str, from_bucket_id: str, to_bucket_id: str, *, position: int | None = None) -> Blob:
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if from_bucket_id not in blob.bucket_ids:
                raise InvalidOperation(f"blob {blob_id} is not in bucket {from_bucket_id}")
            self._live_bucket(to_bucket_id)
            was_primary = blob.primary_bucket_id == from_bucket_id
            self._remove_member(tx, blob_id, from_bucket_id)
            if to_bucket_id in blob.bucket_ids:
                if position is not None:
                    others = [b.id for b in self.in_bucket(to_bucket_id) if b.id != blob_id]
                    others.insert(max(0, min(position, len(others))), blob_id)
                    self._set_positions(tx, to_bucket_id, others)
            else:
                self._add_member(tx, blob_id, to_bucket_id, primary=was_primary, position=position)
            if was_primary:
                tx.execute(
                    "UPDATE blob_buckets SET is_primary = 1 WHERE blob_id = ? AND bucket_id = ?",
                    (blob_id, to_bucket_id),
                )
            return self.get(blob_id)

    def reorder(self, bucket_id: str, ordered_blob_ids: list[str]) -> None:
        with self.store.transaction() as tx:
            current = {b.id for b in self.in_bucket(bucket_id, include_deleted=True)}
            if set(ordered_blob_ids) != current or len(ordered_blob_ids) != len(current):
                raise InvalidOperation("reorder must list each blob of the bucket exactly once")
            self._set_positions(tx, bucket_id, ordered_blob_ids)
            tx.emit("bucket.updated", {"bucket_id": bucket_id, "changes": ["blob_order"]})

    def _add_member(self, tx: Tx, blob_id: str, bucket_id: str, *, primary: bool, position: int | None = None) -> None:
        if position is None:
            row = tx.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM blob_buckets WHERE bucket_id = ?", (bucket_id,)
            ).fetchone()
            position = int(row[0])
        else:
            tx.execute(
                "UPDATE blob_buckets SET position = position + 1 WHERE bucket_id = ? AND position >= ?",
                (bucket_id, position),
            )
        tx.execute(
            "INSERT INTO blob_buckets (blob_id, bucket_id, position, is_primary, added_at) VALUES (?, ?, ?, ?, ?)",
            (blob_id, bucket_id, position, int(primary), now()),
        )
        tx.emit(
            "bucket.blob.added", {"bucket_id": bucket_id, "blob_id": blob_id, "blob_count": self._count(tx, bucket_id)}
        )

    def _remove_member(self, tx: Tx, blob_id: str, bucket_id: str) -> None:
        tx.execute("DELETE FROM blob_buckets WHERE blob_id = ? AND bucket_id = ?", (blob_id, bucket_id))
        tx.emit(
            "bucket.blob.removed",
            {"bucket_id": bucket_id, "blob_id": blob_id, "blob_count": self._count(tx, bucket_id)},
        )

    @staticmethod
    def _count(tx: Tx, bucket_id: str) -> int:
        return int(tx.execute("SELECT COUNT(*) FROM blob_buckets WHERE bucket_id = ?", (bucket_id,)).fetchone()[0])

    @staticmethod
    def _set_positions(tx: Tx, bucket_id: str, ordered: list[str]) -> None:
        tx.conn.executemany(
            "UPDATE blob_buckets SET position = ? WHERE bucket_id = ? AND blob_id = ?",
            [(i, bucket_id, b) for i, b in enumerate(ordered)],
        )
