"""Blobs: versioned, schema-validated content that lives in one or more buckets.

Text data is JSON: inline in SQLite when small, else a file in the content directory. Binary
blobs (audio, images, compiled books) keep their bytes in the content directory and their
metadata inline. Every change of content is a new row in `blob_versions`; nothing is overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import IntegrityError, InvalidOperation, NotFound, ReynaError
from reyna_desktop.models import Blob, BlobVersion
from reyna_desktop.schema_ids import TEXT_INPUT
from reyna_desktop.schemas import Schema
from reyna_desktop.store import media
from reyna_desktop.store.blob_index import index_blob, reindex_blob, unindex_blob
from reyna_desktop.store.blob_rows import BLOB_COLUMNS, purge_blob_rows
from reyna_desktop.store.content import sha256_bytes
from reyna_desktop.store.membership import Membership
from reyna_desktop.store.text import clean_tags, first_line_title, new_id, now, preview, to_json, word_count

if TYPE_CHECKING:
    from reyna_desktop.store.core import Tx

DEFAULT_SCHEMA = TEXT_INPUT


@dataclass
class Prepared:
    """Validated content, ready to be written: what goes in the row and what was written to disk."""

    schema: Schema
    data: dict[str, Any]
    storage: str
    data_column: str | None
    content_hash: str
    content_size: int
    text: str
    new_file: bool = False  # this save wrote the content file (no other version had these bytes)

    @property
    def role(self) -> str | None:
        """The data's `role` (draft, edited, notes, final...), kept as a column for store/sections.py."""
        value = self.data.get("role")
        return value if isinstance(value, str) else None


class Blobs(Membership):
    """Versioned blobs: reading data and history, creating, saving versions, trash. Reading by id
    and bucket membership are inherited (blob_rows.py, membership.py)."""

    # -- reading --------------------------------------------------------------------------

    def data(self, blob_id: str, version: int | None = None) -> dict[str, Any]:
        """The blob's data as stored (the given version, or the current one), hash-checked."""
        if version is None:
            row = self.store.query_one(
                "SELECT schema_id, schema_version, storage, data, content_hash FROM blobs WHERE id = ?", (blob_id,)
            )
        else:
            row = self.store.query_one(
                "SELECT schema_id, schema_version, storage, data, content_hash FROM blob_versions "
                "WHERE blob_id = ? AND version = ?",
                (blob_id, version),
            )
        if row is None:
            raise NotFound(
                "blob" if version is None else "blob version", f"{blob_id}" + (f"@{version}" if version else "")
            )
        self.store.schemas.check_readable(row["schema_id"], row["schema_version"])
        if row["data"] is not None:
            data: dict[str, Any] = json.loads(row["data"])
            return data
        raw = self.store.content.read(row["content_hash"], owner=f"blob {blob_id}")
        loaded: dict[str, Any] = json.loads(raw.decode("utf-8"))
        return loaded

    def text(self, blob_id: str, version: int | None = None) -> str:
        """The searchable text of a blob (the draft, the expansion, the message...)."""
        blob = self.get(blob_id)
        return self.store.schemas.extract_text(blob.schema_id, self.data(blob_id, version))

    def content(self, blob_id: str, version: int | None = None) -> bytes:
        """The bytes of a binary blob (audio, image, compiled book), hash-checked."""
        digest, schema_id = self._binary_digest(blob_id, version)
        return self.store.content.read(digest, owner=f"blob {blob_id} ({schema_id})")

    def content_path(self, blob_id: str, version: int | None = None) -> Path:
        """A path to a binary blob's verified file, for players and viewers. Do not write to it."""
        digest, _ = self._binary_digest(blob_id, version)
        if not self.store.content.verify(digest):
            raise IntegrityError(f"blob {blob_id}: content file {digest[:12]}… is missing or damaged")
        return self.store.content.path_for(digest)

    def _binary_digest(self, blob_id: str, version: int | None) -> tuple[str, str]:
        table, where, params = (
            ("blobs", "id = ?", (blob_id,))
            if version is None
            else ("blob_versions", "blob_id = ? AND version = ?", (blob_id, version))
        )
        row = self.store.query_one(f"SELECT schema_id, content_hash FROM {table} WHERE {where}", params)
        if row is None:
            raise NotFound("blob", blob_id)
        if not self.store.schemas.get(row["schema_id"]).is_binary:
            raise InvalidOperation(f"blob {blob_id} holds {row['schema_id']} data, not a file; read its data instead")
        return row["content_hash"], row["schema_id"]

    def derived(self, blob_id: str, *, include_deleted: bool = False) -> list[Blob]:
        """Blobs made from this one (expansions, summaries...), oldest first."""
        where = "parent_id = ?" + ("" if include_deleted else " AND deleted_at IS NULL")
        rows = self.store.query(f"SELECT {BLOB_COLUMNS} FROM blobs WHERE {where} ORDER BY created_at, seq", (blob_id,))
        return self._with_buckets(rows)

    def lineage(self, blob_id: str) -> list[Blob]:
        """The chain of blobs this one was derived from, nearest first."""
        out: list[Blob] = []
        current = self.get(blob_id)
        while current.parent_id and len(out) < 1000:
            current = self.get(current.parent_id)
            out.append(current)
        return out

    def history(self, blob_id: str) -> list[BlobVersion]:
        """Every saved version, newest first."""
        self.get(blob_id)
        rows = self.store.query(
            """SELECT blob_id, version, schema_id, schema_version, storage, content_hash, content_size, title,
                      word_count, note, created_at
               FROM blob_versions WHERE blob_id = ? ORDER BY version DESC""",
            (blob_id,),
        )
        return [BlobVersion.model_construct(**dict(r)) for r in rows]

    def trashed(self) -> list[Blob]:
        rows = self.store.query(
            f"SELECT {BLOB_COLUMNS} FROM blobs WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC"
        )
        return self._with_buckets(rows)

    # -- writing --------------------------------------------------------------------------

    def create(
        self,
        data: dict[str, Any] | None = None,
        *,
        schema_id: str = DEFAULT_SCHEMA,
        bucket_ids: list[str] | tuple[str, ...] = (),
        title: str | None = None,
        tags: list[str] | None = None,
        parent_id: str | None = None,
        processor_id: str | None = None,
        processing_state: str | None = None,
        processing_meta: dict[str, Any] | None = None,
        content: bytes | None = None,
        file: Path | None = None,
        filename: str | None = None,
        is_final: bool = False,
        at: str | None = None,
        note: str = "created",
    ) -> Blob:
        """Validate and store a new blob in the given buckets (the first one is its primary).

        `at` (an ISO timestamp like now()'s) and `note` date and describe the first version, for a
        text imported with its history."""
        bucket_ids = list(dict.fromkeys(bucket_ids))
        prepared = self._prepare(schema_id, data, content=content, file=file, filename=filename)
        tags = clean_tags(tags)
        blob_id = new_id("bl")
        stamp = at or now()
        title = self._title(prepared, title)
        with self.store.transaction() as tx:
            self._undo_new_file_on_rollback(tx, prepared)
            self._content_present(prepared)
            for bucket_id in bucket_ids:
                self._live_bucket(bucket_id)
            if parent_id is not None and not self.exists(parent_id):
                raise NotFound("blob", parent_id)
            cur = tx.execute(
                """INSERT INTO blobs (id, schema_id, schema_version, processor_id, storage, data, content_hash,
                       content_size, title, preview, word_count, tags, parent_id, processing_state,
                       processing_meta, version, is_final, created_at, updated_at, role)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)""",
                (
                    blob_id,
                    prepared.schema.id,
                    prepared.schema.version,
                    processor_id,
                    prepared.storage,
                    prepared.data_column,
                    prepared.content_hash,
                    prepared.content_size,
                    title,
                    preview(prepared.text),
                    word_count(prepared.text),
                    to_json(tags),
                    parent_id,
                    processing_state,
                    to_json(processing_meta or {}),
                    int(is_final),
                    stamp,
                    stamp,
                    prepared.role,
                ),
            )
            self._insert_version(tx, blob_id, 1, prepared, title, note, stamp)
            index_blob(tx, int(cur.lastrowid or 0), title, prepared.text, tags)
            tx.emit(
                f"blob.created.{prepared.schema.id}",
                {
                    "blob_id": blob_id,
                    "schema_id": prepared.schema.id,
                    "bucket_ids": bucket_ids,
                    "parent_id": parent_id,
                    "processor_id": processor_id,
                },
            )
            for index, bucket_id in enumerate(bucket_ids):
                self._add_member(tx, blob_id, bucket_id, primary=index == 0)
            return self.get(blob_id)

    def derive(
        self,
        parent_id: str,
        data: dict[str, Any],
        *,
        schema_id: str,
        processor_id: str,
        processing_meta: dict[str, Any] | None = None,
        title: str | None = None,
        bucket_ids: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> Blob:
        """A new blob made from `parent_id`, placed in the parent's live buckets by default."""
        parent = self.get(parent_id)
        if bucket_ids is None:
            bucket_ids = [b for b in parent.bucket_ids if self._is_live_bucket(b)]
        return self.create(
            data,
            schema_id=schema_id,
            bucket_ids=bucket_ids,
            title=title,
            tags=tags,
            parent_id=parent_id,
            processor_id=processor_id,
            processing_state="done",
            processing_meta=processing_meta,
        )

    def update(
        self,
        blob_id: str,
        data: dict[str, Any] | None = None,
        *,
        title: str | None = None,
        tags: list[str] | None = None,
        content: bytes | None = None,
        file: Path | None = None,
        filename: str | None = None,
        note: str = "",
        at: str | None = None,
    ) -> Blob:
        """Save new data as a new version (nothing is overwritten); same data makes no version.

        Everything the new version depends on (the current version number, hash, title and data)
        is read inside the write transaction, so concurrent saves each become their own version.
        `at` dates the version (an imported earlier version's own date); now by default."""
        prepared: Prepared | None = None
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if blob.deleted_at:
                raise InvalidOperation(f"blob {blob_id} is in the trash; restore it first")
            if data is not None or content is not None or file is not None:
                old_data = self.data(blob_id)
                if data is None and self.store.schemas.get(blob.schema_id).is_binary:
                    data = {k: v for k, v in old_data.items() if k not in ("size", "duration_s", "width", "height")}
                prepared = self._prepare(blob.schema_id, data, content=content, file=file, filename=filename)
                self._undo_new_file_on_rollback(tx, prepared)
                # A title that was derived from the text follows the text; one the user chose stays.
                follows_text = blob.title == self._title_from(blob.schema_id, old_data)
            stamp = at or now()
            sets: dict[str, Any] = {}
            changes: list[str] = []
            if prepared is not None and prepared.content_hash != blob.content_hash:
                version = blob.version + 1
                new_title = self._title(prepared, title) if title is not None or follows_text else blob.title
                sets.update(
                    schema_version=prepared.schema.version,
                    storage=prepared.storage,
                    data=prepared.data_column,
                    content_hash=prepared.content_hash,
                    content_size=prepared.content_size,
                    title=new_title,
                    preview=preview(prepared.text),
                    word_count=word_count(prepared.text),
                    version=version,
                    role=prepared.role,
                )
                self._insert_version(tx, blob_id, version, prepared, new_title, note, stamp)
                changes.append("data")
            elif title is not None and title.strip() != blob.title:
                sets["title"] = title.strip()
            if "title" in sets and sets["title"] != blob.title:
                changes.append("title")
            if tags is not None and clean_tags(tags) != blob.tags:
                sets["tags"] = to_json(clean_tags(tags))
                changes.append("tags")
            if not sets:
                return blob
            sets["updated_at"] = stamp
            tx.execute(
                f"UPDATE blobs SET {', '.join(k + ' = ?' for k in sets)} WHERE id = ?", (*sets.values(), blob_id)
            )
            fresh = self.get(blob_id)
            text = (
                prepared.text
                if prepared is not None
                else self.store.schemas.extract_text(fresh.schema_id, self.data(blob_id))
            )
            reindex_blob(tx, blob_id, fresh.title, text, fresh.tags)
            tx.emit(
                f"blob.updated.{fresh.schema_id}",
                {"blob_id": blob_id, "changes": changes, "version": fresh.version, "bucket_ids": fresh.bucket_ids},
            )
            return fresh

    def update_text(self, blob_id: str, text: str, *, note: str = "") -> Blob:
        """Replace the main text field of a text blob, keeping its other fields (read in the same
        transaction, so a field another process changed meanwhile is kept)."""
        with self.store.transaction():
            blob = self.get(blob_id)
            schema = self.store.schemas.get(blob.schema_id)
            if schema.is_binary or not schema.text_fields:
                raise InvalidOperation(f"blob {blob_id} ({blob.schema_id}) has no text to edit")
            data = self.data(blob_id)
            data[schema.text_fields[0]] = text
            return self.update(blob_id, data, note=note)

    def restore_version(self, blob_id: str, version: int) -> Blob:
        """Make an old version current again, as a new version (the history keeps both)."""
        with self.store.transaction():
            blob = self.get(blob_id)
            row = self.store.query_one(
                "SELECT 1 FROM blob_versions WHERE blob_id = ? AND version = ?", (blob_id, version)
            )
            if row is None:
                raise NotFound("version", f"{blob_id}@{version}")
            old = self.data(blob_id, version)
            if self.store.schemas.get(blob.schema_id).is_binary:
                return self.update(
                    blob_id,
                    old,
                    content=self.content(blob_id, version),
                    filename=old.get("filename"),
                    note=f"restored version {version}",
                )
            return self.update(blob_id, old, note=f"restored version {version}")

    def set_final(self, blob_id: str, final: bool = True) -> Blob:
        """Mark the blob the compiler uses for its bucket; others there lose the mark."""
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if final and blob.primary_bucket_id:
                tx.execute(
                    """UPDATE blobs SET is_final = 0 WHERE is_final = 1 AND id IN (
                         SELECT blob_id FROM blob_buckets WHERE bucket_id = ?)""",
                    (blob.primary_bucket_id,),
                )
            tx.execute("UPDATE blobs SET is_final = ?, updated_at = ? WHERE id = ?", (int(final), now(), blob_id))
            tx.emit(
                f"blob.updated.{blob.schema_id}",
                {"blob_id": blob_id, "changes": ["is_final"], "bucket_ids": blob.bucket_ids},
            )
        return self.get(blob_id)

    def set_parent(self, blob_id: str, parent_id: str | None) -> Blob:
        """Record which blob this one was derived from (None: none), refusing a cycle."""
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            ancestry = [] if parent_id is None else [self.get(parent_id), *self.lineage(parent_id)]
            if blob_id in {b.id for b in ancestry}:
                raise InvalidOperation(f"blob {parent_id} is derived from {blob_id}; it cannot be its parent")
            if blob.parent_id == parent_id:
                return blob
            tx.execute("UPDATE blobs SET parent_id = ? WHERE id = ?", (parent_id, blob_id))
            tx.emit(
                f"blob.updated.{blob.schema_id}",
                {"blob_id": blob_id, "changes": ["parent_id"], "parent_id": parent_id, "bucket_ids": blob.bucket_ids},
            )
            return self.get(blob_id)

    def set_processing(self, blob_id: str, state: str | None, meta: dict[str, Any] | None = None) -> Blob:
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            merged = {**blob.processing_meta, **(meta or {})}
            tx.execute(
                "UPDATE blobs SET processing_state = ?, processing_meta = ? WHERE id = ?",
                (state, to_json(merged), blob_id),
            )
            tx.emit(
                f"blob.updated.{blob.schema_id}",
                {"blob_id": blob_id, "changes": ["processing_state"], "bucket_ids": blob.bucket_ids},
            )
        return self.get(blob_id)

    def trash(self, blob_id: str) -> Blob:
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if blob.deleted_at:
                return blob
            tx.execute("UPDATE blobs SET deleted_at = ? WHERE id = ?", (now(), blob_id))
            unindex_blob(tx, blob_id)
            tx.emit(
                f"blob.deleted.{blob.schema_id}", {"blob_id": blob_id, "bucket_ids": blob.bucket_ids, "trash": True}
            )
            return self.get(blob_id)

    def restore(self, blob_id: str) -> Blob:
        """Take a blob out of the trash."""
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if not blob.deleted_at:
                return blob
            tx.execute("UPDATE blobs SET deleted_at = NULL WHERE id = ?", (blob_id,))
            reindex_blob(tx, blob_id, blob.title, self.text(blob_id), blob.tags)
            tx.emit(f"blob.restored.{blob.schema_id}", {"blob_id": blob_id, "bucket_ids": blob.bucket_ids})
            return self.get(blob_id)

    def purge(self, blob_id: str) -> None:
        """Delete for good a blob that is in the trash, with all its versions."""
        with self.store.transaction() as tx:
            blob = self.get(blob_id)
            if not blob.deleted_at:
                raise InvalidOperation(f"blob {blob_id} is not in the trash; delete it first")
            purge_blob_rows(self.store, tx, [blob_id])
            tx.emit(
                f"blob.deleted.{blob.schema_id}", {"blob_id": blob_id, "bucket_ids": blob.bucket_ids, "trash": False}
            )

    # -- helpers --------------------------------------------------------------------------

    def _undo_new_file_on_rollback(self, tx: Tx, prepared: Prepared) -> None:
        """A save that fails after writing its content file (a full disk refuses the WAL, a hook
        rolls it back) takes the file out again, so a failed save leaves the store as it was."""
        if not prepared.new_file:
            return

        def undo() -> None:
            try:
                self._remove_unreferenced(prepared.content_hash)
            except (ReynaError, OSError):
                pass  # the save's own error is the one to report; `reyna check --fix` removes the file

        tx.after_rollback.append(undo)

    def _remove_unreferenced(self, digest: str) -> None:
        """Remove a content file no version refers to (the same bytes may be another blob's)."""
        with self.store.transaction():  # the write lock: no save takes the file up meanwhile
            if self.store.query_one("SELECT 1 FROM blob_versions WHERE content_hash = ? LIMIT 1", (digest,)) is None:
                self.store.content.remove(digest)

    def _content_present(self, prepared: Prepared) -> None:
        """Inside the save's transaction: the content file written before it is still there (a
        concurrent failed save of the same bytes may have taken it out again)."""
        if prepared.storage == "file" and not self.store.content.has(prepared.content_hash):
            raise ReynaError(
                f"the content file {prepared.content_hash[:12]}… went away while saving (another save of "
                "the same bytes failed at that moment); nothing was changed in the store: save again"
            )

    def _prepare(
        self,
        schema_id: str,
        data: dict[str, Any] | None,
        *,
        content: bytes | None,
        file: Path | None,
        filename: str | None,
    ) -> Prepared:
        schema = self.store.schemas.get(schema_id)
        if schema.is_binary:
            return self._prepare_binary(schema, data, content, file, filename)
        if content is not None or file is not None:
            raise InvalidOperation(f"{schema_id} blobs hold JSON data, not a file")
        if data is None:
            raise InvalidOperation(f"{schema_id} blobs need data")
        self.store.schemas.validate(schema_id, data)
        body = to_json(data).encode("utf-8")
        digest = sha256_bytes(body)
        text = self.store.schemas.extract_text(schema_id, data)
        if len(body) > self.store.inline_threshold:
            placed = self.store.content.put_bytes(body)
            return Prepared(schema, data, "file", None, digest, len(body), text, placed.new)
        return Prepared(schema, data, "inline", body.decode("utf-8"), digest, len(body), text)

    def _prepare_binary(
        self,
        schema: Schema,
        data: dict[str, Any] | None,
        content: bytes | None,
        file: Path | None,
        filename: str | None,
    ) -> Prepared:
        if (content is None) == (file is None):
            raise InvalidOperation(f"{schema.id} blobs need exactly one file or bytes")
        tmp: Path | None = None
        try:
            if content is not None:
                fd, name = tempfile.mkstemp(dir=self.store.content.tmp, prefix="describe-")
                with os.fdopen(fd, "wb") as out:
                    out.write(content)
                tmp = source = Path(name)
                filename = filename or (data or {}).get("filename") or "file.bin"
            else:
                assert file is not None
                source = Path(file)
                if not source.is_file():
                    raise ReynaError(f"{source}: no such file")
            described = media.describe(source, filename or source.name)
            merged = {**described, **(data or {})}
            merged["size"] = described["size"]
            self.store.schemas.validate(schema.id, merged)
            placed = self.store.content.put_file(source)
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        text = self.store.schemas.extract_text(schema.id, merged)
        return Prepared(schema, merged, "file", to_json(merged), placed.digest, placed.size, text, placed.new)

    def _title(self, prepared: Prepared, explicit: str | None) -> str:
        if explicit is not None and explicit.strip():
            return explicit.strip()[:500]
        return self._title_from(prepared.schema.id, prepared.data)

    def _title_from(self, schema_id: str, data: dict[str, Any]) -> str:
        schemas = self.store.schemas
        return schemas.extract_title(schema_id, data) or first_line_title(schemas.extract_text(schema_id, data))

    def _insert_version(
        self, tx: Tx, blob_id: str, version: int, p: Prepared, title: str, note: str, stamp: str
    ) -> None:
        tx.execute(
            """INSERT INTO blob_versions (blob_id, version, schema_id, schema_version, storage, data, content_hash,
                   content_size, title, word_count, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                blob_id,
                version,
                p.schema.id,
                p.schema.version,
                p.storage,
                p.data_column,
                p.content_hash,
                p.content_size,
                title,
                word_count(p.text),
                note,
                stamp,
            ),
        )
