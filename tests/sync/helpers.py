"""Stores that sync through one shared folder, and a comparable picture of each store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reyna_desktop.store import Store
from reyna_desktop.store.sync_state import BLOB, BUCKET
from reyna_desktop.sync import Sync


def open_devices(root: Path, count: int) -> list[tuple[Store, Sync]]:
    devices = []
    for index in range(count):
        store = Store.open(root / f"device{index}")
        devices.append((store, Sync.init(store, root / "shared")))
    return devices


def settle(devices: list[tuple[Store, Sync]], rounds: int = 3) -> None:
    """Exchange until every device has read everything (no edits in between)."""
    for _ in range(rounds):
        for _, sync in devices:
            sync.now()


def picture(store: Store, sync: Sync) -> dict[str, Any]:
    """The store in sync ids: live buckets with name, parent and place; every blob's text,
    whether it is in the trash, and its live buckets."""
    sid = sync.state.find_sync_id
    buckets = {}
    for bucket in store.buckets.all():
        siblings = [b.id for b in store.buckets.children(bucket.parent_id)]
        parent = sid(BUCKET, bucket.parent_id) if bucket.parent_id else None
        buckets[sid(BUCKET, bucket.id)] = (bucket.name, parent, siblings.index(bucket.id))
    blobs = {}
    for blob_id in sync.state.all_blob_ids():
        blob = store.blobs.get(blob_id)
        homes = sorted(str(sid(BUCKET, b)) for b in blob.bucket_ids)
        blobs[sid(BLOB, blob_id)] = (store.blobs.text(blob_id), bool(blob.deleted_at), homes)
    return {"buckets": buckets, "blobs": blobs}
