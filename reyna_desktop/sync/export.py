"""Local changes into the CRDT document: the store's state of each touched bucket and blob is
compared with the document, and only what differs is written (so an entity that a remote
update just put into the store writes nothing back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pycrdt import Map, Text

from reyna_desktop.errors import NotFound
from reyna_desktop.models import Blob, Bucket, Event
from reyna_desktop.store import Store
from reyna_desktop.store.sync_state import BLOB, BUCKET, SyncState
from reyna_desktop.store.text import to_json
from reyna_desktop.sync.folder import SyncFolder
from reyna_desktop.sync.project_doc import (
    BLOB_FIELDS,
    BUCKET_FIELDS,
    ProjectDoc,
    bump,
    delete_mark,
    is_deleted,
    new_entry,
    order_key,
    set_text,
)


@dataclass
class Touched:
    """Local ids the store's events name since the last export."""

    buckets: set[str] = field(default_factory=set)
    blobs: set[str] = field(default_factory=set)
    child_orders: set[str | None] = field(default_factory=lambda: {None})
    blob_orders: set[str] = field(default_factory=set)

    def add(self, event: Event) -> None:
        payload = event.payload
        if blob_id := payload.get("blob_id"):
            self.blobs.add(blob_id)
        bucket_id = payload.get("bucket_id")
        if not bucket_id:
            return
        if event.topic.startswith("bucket.blob.") or "blob_order" in payload.get("changes", []):
            self.blob_orders.add(bucket_id)
        elif "children_order" in payload.get("changes", []):
            self.child_orders.add(bucket_id)
        elif event.topic.startswith("bucket."):
            self.buckets.add(bucket_id)
            self.child_orders.update((payload.get("parent_id"), payload.get("old_parent_id")))


class Exporter:
    def __init__(self, store: Store, state: SyncState, doc: ProjectDoc, folder: SyncFolder) -> None:
        self.store = store
        self.state = state
        self.doc = doc
        self.folder = folder
        self.device = folder.device_id
        self.moved: dict[str, str] = {}  # bucket sid -> the parent this export wrote

    def ancestors(self, sid: str) -> list[str]:
        """The bucket's ancestors by the document's parent fields (a cycle ends the walk)."""
        out: list[str] = []
        entry = self.doc.bucket(sid)
        while entry is not None and (parent := str(entry.get("parent") or "")) and parent not in out:
            out.append(parent)
            entry = self.doc.bucket(parent)
        return out

    def run(self, touched: Touched) -> None:
        with self.doc.doc.transaction():
            buckets = []
            for bucket_id in touched.buckets:
                try:
                    buckets.append(self.store.buckets.get(bucket_id))
                except NotFound:
                    self._forget(BUCKET, bucket_id)
            for bucket in sorted(buckets, key=lambda b: b.depth):
                self.bucket(bucket)
                touched.child_orders.add(bucket.parent_id)
            for blob_id in sorted(touched.blobs):
                try:
                    blob = self.store.blobs.get(blob_id)
                except NotFound:
                    self._forget(BLOB, blob_id)
                    continue
                self.blob(blob)
                touched.blob_orders.update(blob.bucket_ids)
            for parent_id in touched.child_orders:
                self.child_order(parent_id)
            for bucket_id in touched.blob_orders:
                self.blob_order(bucket_id)

    # -- buckets ----------------------------------------------------------------------------

    def bucket(self, bucket: Bucket) -> None:
        sid = self.state.sync_id(BUCKET, bucket.id)
        fields = {
            "name": bucket.name,
            "type": bucket.type,
            "description": bucket.description,
            "metadata": to_json(bucket.metadata),
            "tags": to_json(bucket.tags),
            "parent": self.state.sync_id(BUCKET, bucket.parent_id) if bucket.parent_id else "",
        }
        entry = self.doc.bucket(sid)
        if entry is None:
            self.doc.buckets[sid] = new_entry(fields, self.device, position=float(bucket.position))
            entry = self.doc.buckets[sid]
        else:
            moved = entry.get("parent") != fields["parent"]
            if self._write_fields(entry, fields, BUCKET_FIELDS):
                bump(entry, self.device)
            if moved:
                self.moved[sid] = fields["parent"]
        self._write_deleted(entry, bool(bucket.deleted_at), self._doc_in_trash(sid))

    def child_order(self, parent_id: str | None) -> None:
        try:
            children = self.store.buckets.children(parent_id)
        except NotFound:
            return
        sids = [self.state.sync_id(BUCKET, c.id) for c in children]
        known = [(entry, sid) for sid in sids if (entry := self.doc.bucket(sid)) is not None]
        self._write_order([(entry, "position") for entry, _ in known], [sid for _, sid in known])

    # -- blobs ------------------------------------------------------------------------------

    def blob(self, blob: Blob) -> None:
        sid = self.state.sync_id(BLOB, blob.id)
        schema = self.store.schemas.get(blob.schema_id)
        data = self.store.blobs.data(blob.id)
        texts = {} if schema.is_binary else {f: data[f] for f in schema.text_fields if isinstance(data.get(f), str)}
        if schema.is_binary:
            self.folder.put_content(blob.content_hash, self.store.content.path_for(blob.content_hash))
        fields = {
            "schema": blob.schema_id,
            "title": blob.title,
            "tags": to_json(blob.tags),
            "data": to_json({k: v for k, v in data.items() if k not in texts}),
            "hash": blob.content_hash if schema.is_binary else "",
            "parent": self.state.sync_id(BLOB, blob.parent_id) if blob.parent_id else "",
            "processor": blob.processor_id or "",
        }
        members = {self.state.sync_id(BUCKET, b): b for b in blob.bucket_ids}
        entry = self.doc.blob(sid)
        if entry is None:
            places = {s: float(self._blob_position(blob.id, b)) for s, b in members.items()}
            self.doc.blobs[sid] = new_entry(
                fields, self.device, texts=Map({f: Text(v) for f, v in texts.items()}), buckets=Map(places)
            )
            entry = self.doc.blobs[sid]
        else:
            changed = self._write_fields(entry, fields, BLOB_FIELDS)
            doc_texts = entry["texts"]
            for name, value in texts.items():
                if name not in doc_texts:
                    doc_texts[name] = Text(value)
                    changed = True
                else:
                    changed = set_text(doc_texts[name], value) or changed
            places = entry["buckets"]
            for gone in [s for s in places if s not in members]:
                del places[gone]
            for s, local in members.items():
                if s not in places:
                    places[s] = float(self._blob_position(blob.id, local))
            if changed:
                self._bump_with_buckets(entry, list(members))
        self._write_deleted(entry, bool(blob.deleted_at), is_deleted(entry))

    def blob_order(self, bucket_id: str) -> None:
        if not self.store.buckets.exists(bucket_id):
            return
        sid = self.state.sync_id(BUCKET, bucket_id)
        blobs = self.store.blobs.in_bucket(bucket_id, include_deleted=True)
        sids = [self.state.sync_id(BLOB, b.id) for b in blobs]
        known = [(e, s) for s in sids if (e := self.doc.blob(s)) is not None and sid in e["buckets"]]
        self._write_order([(e["buckets"], sid) for e, _ in known], [s for _, s in known])

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _write_fields(entry: Map, fields: dict[str, Any], names: tuple[str, ...]) -> bool:
        changed = False
        for name in names:
            if entry.get(name) != fields[name]:
                entry[name] = fields[name]
                changed = True
        return changed

    def _write_deleted(self, entry: Map, in_store_trash: bool, in_doc_trash: bool) -> None:
        """A trash or restore made here; the store's trash state matching the document's
        (the entity's own mark or, for buckets, an ancestor's) writes nothing."""
        if in_store_trash and not in_doc_trash:
            entry["deleted"] = delete_mark(entry)
        elif not in_store_trash and in_doc_trash:
            entry["deleted"] = ""

    def _doc_in_trash(self, sid: str) -> bool:
        chain = [sid, *self.ancestors(sid)]
        return any(is_deleted(self.doc.buckets[s]) for s in chain)

    def _bump_with_buckets(self, entry: Map, bucket_sids: list[str]) -> None:
        """An edit counts for the blob and every bucket above it (so it brings them back too)."""
        bump(entry, self.device)
        above = {a for s in bucket_sids for a in [s, *self.ancestors(s)]}
        for s in sorted(above):
            if (bucket := self.doc.bucket(s)) is not None:
                bump(bucket, self.device)

    @staticmethod
    def _write_order(slots: list[tuple[Map, str]], sids: list[str]) -> None:
        """Rewrite positions only when the store's order differs from the document's."""
        keys = [order_key(holder.get(key), sid) for (holder, key), sid in zip(slots, sids, strict=True)]
        if keys == sorted(keys):
            return
        for index, (holder, key) in enumerate(slots):
            if holder.get(key) != float(index):
                holder[key] = float(index)

    def _blob_position(self, blob_id: str, bucket_id: str) -> int:
        order = [b.id for b in self.store.blobs.in_bucket(bucket_id, include_deleted=True)]
        return order.index(blob_id) if blob_id in order else len(order)

    def _forget(self, kind: str, local_id: str) -> None:
        """A purged entity leaves the document (purge is for good, on every device). A purged
        bucket takes its subtree and the blobs that lived only there: every synced entity of
        either kind that the store no longer has leaves with it."""
        if self.state.find_sync_id(kind, local_id) is None:
            return
        for each_kind, root in ((BUCKET, self.doc.buckets), (BLOB, self.doc.blobs)):
            exists = self.store.buckets.exists if each_kind == BUCKET else self.store.blobs.exists
            for local, sid in self.state.id_map(each_kind).items():
                if not exists(local):
                    if sid in root:
                        del root[sid]
                    self.state.unmap(each_kind, sid)
