"""Three stores, one shared folder, random interleavings of edits and exchanges (hypothesis).

At the end every store has the same tree and the same text in every blob, and every character
typed on any store is still there unless an erase removed it. Each typed character is unique
(a CJK code point from a counter), so "still there" is a plain membership test.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reyna_desktop.errors import InvalidOperation
from reyna_desktop.store import Store
from reyna_desktop.store.sync_state import BLOB
from reyna_desktop.sync import Sync
from tests.sync.helpers import open_devices, picture, settle

OPS = ["bucket", "blob", "type", "type", "erase", "move", "rename", "trash", "restore", "purge", "sync", "sync"]


class Typist:
    """Hands out characters never typed before, and remembers what was typed in which blob
    (by sync id), what was erased, and which blobs were purged for good."""

    def __init__(self) -> None:
        self.next = 0x4E00
        self.typed: dict[str, set[str]] = {}
        self.erased: set[str] = set()
        self.purged: set[str] = set()

    def word(self, length: int) -> str:
        out = "".join(chr(self.next + i) for i in range(length))
        self.next += length
        return out

    def typed_in(self, sync: Sync, blob_id: str, word: str) -> None:
        self.typed.setdefault(sync.state.sync_id(BLOB, blob_id), set()).update(word)

    def kept(self) -> set[str]:
        """Characters that must still be somewhere."""
        alive = [chars for sid, chars in self.typed.items() if sid not in self.purged]
        return set().union(*alive) - self.erased


def live_blob_ids(store: Store) -> list[str]:
    return sorted({b.id for bucket in store.buckets.all() for b in store.blobs.in_bucket(bucket.id)})


def step(store: Store, sync: Sync, op: str, data: st.DataObject, typist: Typist) -> None:
    buckets = [b.id for b in store.buckets.all()]
    blobs = live_blob_ids(store)
    pick = data.draw
    if op == "bucket":
        parent = pick(st.sampled_from([None, *buckets]))
        store.buckets.create(f"b{typist.next}", parent_id=parent)
    elif op == "blob" and buckets:
        store.blobs.create(
            {"content": typist.word(pick(st.integers(1, 4)))}, bucket_ids=[pick(st.sampled_from(buckets))]
        )
    elif op == "type" and blobs:
        blob_id = pick(st.sampled_from(blobs))
        text = store.blobs.text(blob_id)
        at = pick(st.integers(0, len(text)))
        word = typist.word(pick(st.integers(1, 3)))
        store.blobs.update(blob_id, {"content": text[:at] + word + text[at:]})
        typist.typed_in(sync, blob_id, word)
    elif op == "erase" and blobs:
        blob_id = pick(st.sampled_from(blobs))
        text = store.blobs.text(blob_id)
        start = pick(st.integers(0, len(text)))
        end = pick(st.integers(start, min(len(text), start + 3)))
        typist.erased.update(text[start:end])
        store.blobs.update(blob_id, {"content": text[:start] + text[end:]})
    elif op == "move" and buckets:
        bucket_id = pick(st.sampled_from(buckets))
        try:
            store.buckets.move(bucket_id, pick(st.sampled_from([None, *buckets])))
        except InvalidOperation:
            pass  # into itself or a descendant: the store refuses, as it would for the user
    elif op == "rename" and buckets:
        store.buckets.rename(pick(st.sampled_from(buckets)), f"r{typist.next}")
        typist.next += 1
    elif op == "trash" and (buckets or blobs):
        kind = pick(st.sampled_from(["bucket"] * bool(buckets) + ["blob"] * bool(blobs)))
        if kind == "bucket":
            store.buckets.trash(pick(st.sampled_from(buckets)))
        else:
            store.blobs.trash(pick(st.sampled_from(blobs)))
    elif op in ("restore", "purge"):
        trashed = [("bucket", b.id) for b in store.buckets.trashed()] + [("blob", b.id) for b in store.blobs.trashed()]
        if trashed:
            kind, item = pick(st.sampled_from(trashed))
            if op == "purge":  # for good: its blobs' text is gone on purpose, on every device
                before = {b: sync.state.sync_id(BLOB, b) for b in sync.state.all_blob_ids()}
                (store.buckets if kind == "bucket" else store.blobs).purge(item)
                typist.purged.update(sid for b, sid in before.items() if not store.blobs.exists(b))
                return
            try:
                (store.buckets if kind == "bucket" else store.blobs).restore(item)
            except InvalidOperation:
                pass  # its parent is in the trash


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_three_devices_converge_without_losing_typed_text(data: st.DataObject) -> None:
    typist = Typist()
    with tempfile.TemporaryDirectory() as tmp:
        devices = open_devices(Path(tmp), 3)
        try:
            for _ in range(data.draw(st.integers(5, 30))):
                store, sync = devices[data.draw(st.integers(0, 2))]
                op = data.draw(st.sampled_from(OPS))
                if op == "sync":
                    sync.now()
                else:
                    step(store, sync, op, data, typist)
            settle(devices)
            pictures = [picture(store, sync) for store, sync in devices]
            assert pictures[0] == pictures[1] == pictures[2]
            final = "".join(text for text, _, _ in pictures[0]["blobs"].values())
            assert typist.kept() <= set(final)
        finally:
            for store, _ in devices:
                store.close()
