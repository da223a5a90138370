"""Remote changes into the store, through its public API (buckets.*, blobs.*), inside the
caller's transaction: the merged document's state of each touched entity is made the store's.

Every merged text is saved with `blobs.update`, so it is a version like a local save. What
the merge decided on its own (a move that lost to another, a cycle broken, a deleted entity
brought back by an edit) is recorded as a `sync.resolved` event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from pycrdt import Map

from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.models import Blob
from reyna_desktop.store import Store, Tx
from reyna_desktop.store.sync_state import BLOB, BUCKET, SyncState
from reyna_desktop.sync.folder import SyncFolder
from reyna_desktop.sync.project_doc import Changed, ProjectDoc, is_deleted, order_key

T = TypeVar("T")
MERGE_NOTE = "merged by sync"


@dataclass
class Applied:
    buckets: int = 0
    blobs: int = 0
    pending: list[str] = field(default_factory=list)  # blob sids waiting for content or a bucket
    resolved: list[dict[str, Any]] = field(default_factory=list)


class Applier:
    def __init__(self, store: Store, state: SyncState, doc: ProjectDoc, folder: SyncFolder, tx: Tx) -> None:
        self.store = store
        self.state = state
        self.doc = doc
        self.folder = folder
        self.tx = tx
        self.result = Applied()
        self.parents, self.broken = doc.effective_parents()

    def run(self, changed: Changed, concurrent_moves: dict[str, str]) -> Applied:
        """Make the store's tree the document's, then the touched blobs. `concurrent_moves`:
        bucket sid -> the parent sid this device wrote, for moves another device overwrote
        without having seen them."""
        blob_sids = changed.blobs
        self.purge_gone(changed.buckets, blob_sids)
        self.buckets(changed.buckets, changed.placed)
        for sid, wrote in concurrent_moves.items():
            if (self.parents.get(sid) or "") != wrote:
                self.resolve("move", BUCKET, sid, f"moved on two devices; kept under {self.parents.get(sid)}")
        blob_orders: set[str] = set()
        for sid in sorted(blob_sids):
            entry = self.doc.blob(sid)
            if entry is not None and self.blob(sid, entry):
                blob_orders.update(str(s) for s in entry["buckets"])
        for bucket_sid in sorted(blob_orders):
            self.blob_order(bucket_sid)
        return self.result

    def purge_gone(self, bucket_sids: set[str], blob_sids: set[str]) -> None:
        """Entities another device purged (gone from the document) are purged here too."""
        kinds = (
            (BLOB, blob_sids, self.doc.blob, self.store.blobs),
            (BUCKET, bucket_sids, self.doc.bucket, self.store.buckets),
        )
        for kind, sids, in_doc, repository in kinds:
            for sid in sorted(s for s in sids if in_doc(s) is None):
                local_id = self.state.local_id(kind, sid)
                if local_id is not None and repository.exists(local_id):
                    repository.trash(local_id)
                    repository.purge(local_id)
                self.state.unmap(kind, sid)
        blob_sids.difference_update(s for s in list(blob_sids) if self.doc.blob(s) is None)

    def resolve(self, kind: str, entity: str, sid: str, what: str) -> None:
        record = {"kind": kind, "entity": entity, "sync_id": sid, "what": what}
        self.result.resolved.append(record)
        self.tx.emit("sync.resolved", record)

    # -- the tree ---------------------------------------------------------------------------

    def buckets(self, touched: set[str], placed: set[str]) -> None:
        """The touched buckets (with any ancestor not here yet, and any bucket a cycle was
        broken at), parents before children; every bucket if a move meets a transient cycle."""
        scope = (set(touched) | set(self.broken)) & self.parents.keys()
        for sid in list(scope):
            scope.update(a for a in self.doc.ancestors(sid, self.parents) if self.state.local_id(BUCKET, a) is None)
        depth = self.doc.bucket_depths(self.parents)
        placed = placed | set(self.broken) | {s for s in scope if self.state.local_id(BUCKET, s) is None}
        try:
            self._place(sorted(scope, key=lambda s: (depth[s], s)), placed)
        except InvalidOperation:  # a move into what is still its own subtree here: go top-down
            self._place(sorted(self.parents, key=lambda s: (depth[s], s)), set(self.parents))
        for sid in self.broken:
            self.resolve("cycle", BUCKET, sid, "two moves made a cycle; this bucket went to the top level")

    def _place(self, order: list[str], placed: set[str]) -> None:
        for sid in order:
            if self.bucket(sid, self.doc.buckets[sid]):
                self.result.buckets += 1
        placed = placed | self.trash_state(order)  # a bucket back from the trash needs its place
        for parent_sid in sorted({self.parents[sid] or "" for sid in order if sid in placed}):
            self.child_order(parent_sid or None)

    def bucket(self, sid: str, entry: Map) -> bool:
        parent_sid = self.parents[sid]
        parent_id = self.state.local_id(BUCKET, parent_sid) if parent_sid else None
        fields = {
            "name": str(entry["name"]),
            "type": str(entry["type"]),
            "description": str(entry["description"]),
            "metadata": json.loads(str(entry["metadata"])),
            "tags": json.loads(str(entry["tags"])),
        }
        local_id = self.state.local_id(BUCKET, sid)
        if local_id is None or not self.store.buckets.exists(local_id):
            made = self.with_live_bucket(parent_id, lambda: self.store.buckets.create(parent_id=parent_id, **fields))
            self.state.map_id(BUCKET, sid, made.id)
            return True
        bucket = self.store.buckets.get(local_id)
        changed = False
        if any(getattr(bucket, k) != v for k, v in fields.items()):
            self.store.buckets.update(local_id, **fields)
            changed = True
        if bucket.parent_id != parent_id:
            self.with_live_bucket(parent_id, lambda: self.store.buckets.move(local_id, parent_id))
            changed = True
        return changed

    def trash_state(self, order: list[str]) -> set[str]:
        """Restores top-down, then deletes: the store's trash then matches the document's.
        Returns the buckets restored."""
        restored = set()
        for sid in order:
            local_id = self.state.local_id(BUCKET, sid)
            if local_id is None:
                continue
            bucket = self.store.buckets.get(local_id)
            chain = [sid, *self.doc.ancestors(sid, self.parents)]
            want_trash = any(is_deleted(self.doc.buckets[s]) for s in chain)
            if bucket.deleted_at and not want_trash:
                self.store.buckets.restore(local_id)
                restored.add(sid)
                if self.doc.buckets[sid].get("deleted"):
                    self.resolve("edit-revives", BUCKET, sid, "edited on another device after its delete; restored")
            elif not bucket.deleted_at and is_deleted(self.doc.buckets[sid]):
                self.store.buckets.trash(local_id)
        return restored

    def child_order(self, parent_sid: str | None) -> None:
        parent_id = self.state.local_id(BUCKET, parent_sid) if parent_sid else None
        if parent_sid and parent_id is None:
            return
        children = self.store.buckets.children(parent_id)
        keyed = []
        for child in children:
            sid = self.state.find_sync_id(BUCKET, child.id) or child.id
            entry = self.doc.bucket(sid)
            keyed.append((order_key(entry.get("position") if entry else 1e18, sid), child.id))
        wanted = [local for _, local in sorted(keyed)]
        if wanted != [c.id for c in children]:
            self.store.buckets.reorder(parent_id, wanted)

    def with_live_bucket(self, bucket_id: str | None, action: Callable[[], T]) -> T:
        """Run `action` with the bucket out of the trash (the store refuses to add to a trashed
        bucket), putting back in the trash what had to come out."""
        restored: list[str] = []
        while bucket_id is not None and len(restored) < 1000:
            chain = [*self.store.buckets.ancestors(bucket_id), self.store.buckets.get(bucket_id)]
            top = next((b for b in chain if b.deleted_at), None)
            if top is None:
                break
            self.store.buckets.restore(top.id)
            restored.append(top.id)
        try:
            return action()
        finally:
            for again in reversed(restored):
                self.store.buckets.trash(again)

    # -- blobs ------------------------------------------------------------------------------

    def blob(self, sid: str, entry: Map) -> bool:
        """Make the blob the document's; False when it must wait (content not here yet)."""
        places = {str(s): float(p) for s, p in entry["buckets"].items()}
        bucket_ids = [b for s in sorted(places, key=lambda s: (places[s], s)) if (b := self.state.local_id(BUCKET, s))]
        schema = self.store.schemas.get(str(entry["schema"]))
        data: dict[str, Any] = json.loads(str(entry["data"]))
        data.update({str(name): str(text) for name, text in entry["texts"].items()})
        content = None
        if schema.is_binary:
            content = self.folder.read_content(str(entry["hash"]))
            if content is None:
                self.result.pending.append(sid)
                return False
        local_id = self.state.local_id(BLOB, sid)
        tags = json.loads(str(entry["tags"]))
        title = str(entry["title"])
        want_trash = is_deleted(entry)
        try:
            if local_id is None or not self.store.blobs.exists(local_id):
                if not bucket_ids:
                    self.result.pending.append(sid)
                    return False
                made = self._create(entry, bucket_ids, data, content, tags, title)
                self.state.map_id(BLOB, sid, made.id)
                if want_trash:
                    self.store.blobs.trash(made.id)
                self.result.blobs += 1
                return True
            if self._update(sid, local_id, entry, bucket_ids, data, content, tags, title, want_trash):
                self.result.blobs += 1
        except ReynaError as exc:
            self.result.pending.append(sid)
            self.resolve("refused", BLOB, sid, f"the store refused the merged blob: {exc}")
            return False
        return True

    def _create(
        self, entry: Map, bucket_ids: list[str], data: dict[str, Any], content: bytes | None, tags: Any, title: str
    ) -> Blob:
        parent_sid = str(entry.get("parent") or "")
        parent_id = self.state.local_id(BLOB, parent_sid) if parent_sid else None
        made = self.with_live_bucket(
            bucket_ids[0],
            lambda: self.store.blobs.create(
                data,
                schema_id=str(entry["schema"]),
                bucket_ids=bucket_ids[:1],
                title=title,
                tags=tags,
                parent_id=parent_id if parent_id and self.store.blobs.exists(parent_id) else None,
                processor_id=str(entry.get("processor") or "") or None,
                content=content,
            ),
        )
        for bucket_id in bucket_ids[1:]:
            self.with_live_bucket(bucket_id, partial(self.store.blobs.link, made.id, bucket_id))
        return made

    def _update(
        self,
        sid: str,
        local_id: str,
        entry: Map,
        bucket_ids: list[str],
        data: dict[str, Any],
        content: bytes | None,
        tags: Any,
        title: str,
        want_trash: bool,
    ) -> bool:
        """Returns whether the merged text or content changed the blob."""
        blob = self.store.blobs.get(local_id)
        binary_changed = content is not None and blob.content_hash != str(entry["hash"])
        text_changed = content is None and self.store.blobs.data(local_id) != data
        if blob.deleted_at and (not want_trash or binary_changed or text_changed):
            self.store.blobs.restore(local_id)
            if not want_trash and entry.get("deleted"):
                self.resolve("edit-revives", BLOB, sid, "edited on another device after its delete; restored")
        if binary_changed:
            meta = {k: v for k, v in data.items() if k not in ("size", "duration_s", "width", "height")}
            self.store.blobs.update(local_id, meta, content=content, note=MERGE_NOTE)
        elif text_changed:
            self.store.blobs.update(local_id, data, title=title if title != blob.title else None, note=MERGE_NOTE)
        if tags != blob.tags or (content is not None and title != blob.title):
            self.store.blobs.update(local_id, tags=tags, title=title)
        for bucket_id in bucket_ids:
            if bucket_id not in blob.bucket_ids:
                self.with_live_bucket(bucket_id, partial(self.store.blobs.link, local_id, bucket_id))
        for bucket_id in blob.bucket_ids:
            if bucket_id not in bucket_ids and len(bucket_ids) > 0:
                self.store.blobs.unlink(local_id, bucket_id)
        if want_trash:
            self.store.blobs.trash(local_id)
        return binary_changed or text_changed

    def blob_order(self, bucket_sid: str) -> None:
        bucket_id = self.state.local_id(BUCKET, bucket_sid)
        if bucket_id is None or not self.store.buckets.exists(bucket_id):
            return
        blobs = self.store.blobs.in_bucket(bucket_id, include_deleted=True)
        keyed = []
        for blob in blobs:
            sid = self.state.find_sync_id(BLOB, blob.id) or blob.id
            entry = self.doc.blob(sid)
            position = entry["buckets"].get(bucket_sid) if entry is not None else None
            keyed.append((order_key(position if position is not None else 1e18, sid), blob.id))
        wanted = [local for _, local in sorted(keyed)]
        if wanted != [b.id for b in blobs]:
            self.store.blobs.reorder(bucket_id, wanted)
