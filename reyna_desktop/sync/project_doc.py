"""The store's tree and texts as one CRDT document (pycrdt: Python bindings for Yjs/Yrs).

Two root maps, keyed by sync id (store/sync_state.py):

    buckets[sid] = Map{name, type, description, metadata, tags, parent, position, deleted, clock}
    blobs[sid]   = Map{schema, title, tags, data, hash, parent, processor, texts, buckets,
                       deleted, clock}

- `texts` is a Map of the schema's text fields, each a Y.Text: two devices typing in one
  chapter merge character by character.
- Every other field is a Y.Map entry, so concurrent writes to one field end with one value,
  the same everywhere (Yjs orders them by client id). Names, parents and positions are fields
  of that kind: a bucket moved under two parents ends under one, deterministically. A parent
  chain that two moves turned into a cycle is broken by `effective_parents` (the cycle's
  smallest sync id goes to the top level), a pure function of the document, so every device
  breaks it the same way.
- `buckets` of a blob is a Map from bucket sid to the blob's position there: concurrent links
  add up, an unlink removes one key.
- `clock` is a Map from device id to a count of that device's edits (each device writes only
  its own key, so it never conflicts). A delete stores the clock it saw in `deleted`; the
  entity is deleted only while no device has edited it since (`is_deleted`). So an edit on one
  machine to a chapter deleted on the other brings the chapter back with the edit, everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc, Map, Text

ROOT_BUCKETS, ROOT_BLOBS = "buckets", "blobs"
BUCKET_FIELDS = ("name", "type", "description", "metadata", "tags", "parent")
BLOB_FIELDS = ("schema", "title", "tags", "data", "hash", "parent", "processor")


@dataclass
class Changed:
    """Sync ids that applied updates changed; `placed`: buckets whose parent or position
    changed, or that appeared or went (their siblings' order may need setting again)."""

    buckets: set[str] = field(default_factory=set)
    blobs: set[str] = field(default_factory=set)
    placed: set[str] = field(default_factory=set)


class ProjectDoc:
    """The CRDT document of one store, rebuilt from its saved updates."""

    def __init__(self, updates: list[bytes] | None = None) -> None:
        self.doc: Doc = Doc(allow_multithreading=True)
        self.buckets = self.doc.get(ROOT_BUCKETS, type=Map)
        self.blobs = self.doc.get(ROOT_BLOBS, type=Map)
        for update in updates or []:
            self.doc.apply_update(update)
        # A plain mirror of every bucket's parent field: walking the Y.Map for each merge would
        # cost a wrapper object per bucket (~50 ms for the 2,000 buckets of a long novel).
        self.raw_parents = {str(sid): str(entry.get("parent") or "") for sid, entry in self.buckets.items()}
        self._mirror = self.buckets.observe_deep(self._follow_parents)

    def _follow_parents(self, events: list[Any]) -> None:
        for event in events:
            keys = getattr(event, "keys", None)
            if not isinstance(keys, dict):
                continue
            if event.path and len(event.path) == 1 and "parent" in keys:
                self.raw_parents[str(event.path[0])] = str(keys["parent"].get("newValue") or "")
            elif not event.path:
                for sid, change in keys.items():
                    if change.get("action") == "delete":
                        self.raw_parents.pop(str(sid), None)
                    else:
                        self.raw_parents[str(sid)] = str(change["newValue"].get("parent") or "")

    # -- updates ----------------------------------------------------------------------------

    def state(self) -> bytes:
        """The state vector: what this document has seen, for `update_since`."""
        return bytes(self.doc.get_state())

    def update_since(self, state: bytes | None = None) -> bytes:
        return bytes(self.doc.get_update(state) if state else self.doc.get_update())

    @contextmanager
    def recording(self) -> Iterator[list[bytes]]:
        """Collects the update of each transaction made in the block: only what changed, where
        a diff against a state vector would carry the document's whole delete set again."""
        updates: list[bytes] = []
        sub = self.doc.observe(lambda event: updates.append(bytes(event.update)))
        try:
            yield updates
        finally:
            self.doc.unobserve(sub)

    @contextmanager
    def watching(self) -> Iterator[Changed]:
        """Collects the sync ids of the buckets and blobs that updates applied in the block touch."""
        changed = Changed()

        def on_buckets(events: list[Any]) -> None:
            for event in events:
                keys = getattr(event, "keys", None)
                if event.path:
                    changed.buckets.add(str(event.path[0]))
                    if len(event.path) == 1 and isinstance(keys, dict) and {"parent", "position"} & keys.keys():
                        changed.placed.add(str(event.path[0]))
                else:  # the root map's own event: buckets added or removed
                    changed.buckets.update(str(k) for k in keys or {})
                    changed.placed.update(str(k) for k in keys or {})

        def on_blobs(events: list[Any]) -> None:
            for event in events:
                keys = getattr(event, "keys", None)
                changed.blobs.update([str(event.path[0])] if event.path else (str(k) for k in keys or {}))

        subs = [self.buckets.observe_deep(on_buckets), self.blobs.observe_deep(on_blobs)]
        try:
            yield changed
        finally:
            self.buckets.unobserve(subs[0])
            self.blobs.unobserve(subs[1])

    # -- reading ----------------------------------------------------------------------------

    def bucket(self, sid: str) -> Map | None:
        entry = self.buckets.get(sid)
        return entry if isinstance(entry, Map) else None

    def blob(self, sid: str) -> Map | None:
        entry = self.blobs.get(sid)
        return entry if isinstance(entry, Map) else None

    def effective_parents(self) -> tuple[dict[str, str | None], list[str]]:
        """Each bucket's parent once cycles and missing parents are resolved, and the buckets a
        cycle was broken at. Deterministic: depends only on the document."""
        raw = self.raw_parents
        parent: dict[str, str | None] = {s: (p if p in raw else None) for s, p in raw.items()}
        broken: list[str] = []
        state: dict[str, int] = {}
        for start in sorted(parent):
            chain: list[str] = []
            node: str | None = start
            while node is not None and node not in state:
                state[node] = 1
                chain.append(node)
                node = parent[node]
            if node is not None and state[node] == 1:
                victim = min(chain[chain.index(node) :])
                parent[victim] = None
                broken.append(victim)
            for done in chain:
                state[done] = 2
        return parent, broken

    def bucket_depths(self, parents: dict[str, str | None]) -> dict[str, int]:
        depth: dict[str, int] = {}

        def of(sid: str) -> int:
            if sid not in depth:
                up = parents.get(sid)
                depth[sid] = 0 if up is None else of(up) + 1
            return depth[sid]

        for sid in sorted(parents):
            of(sid)
        return depth

    def ancestors(self, sid: str, parents: dict[str, str | None]) -> list[str]:
        out: list[str] = []
        node = parents.get(sid)
        while node is not None and len(out) <= len(parents):
            out.append(node)
            node = parents.get(node)
        return out


def is_deleted(entry: Map) -> bool:
    """Deleted, and not edited by any device since the delete (see the module docstring)."""
    mark = entry.get("deleted")
    if not mark:
        return False
    seen: dict[str, float] = json.loads(str(mark))
    clock = entry["clock"]
    return all(float(count) <= seen.get(str(device), 0) for device, count in clock.items())


def delete_mark(entry: Map) -> str:
    return json.dumps({str(k): float(v) for k, v in entry["clock"].items()}, sort_keys=True)


def bump(entry: Map, device_id: str) -> None:
    clock = entry["clock"]
    clock[device_id] = float(clock.get(device_id) or 0) + 1


def new_entry(fields: dict[str, Any], device_id: str, **nested: Any) -> Map:
    return Map({**fields, "deleted": "", "clock": Map({device_id: 1.0}), **nested})


def set_text(text: Text, new: str) -> bool:
    """Turn `text` into `new` with one delete and one insert around the common prefix and
    suffix, so the untouched parts keep their identity and concurrent edits there merge."""
    old = str(text)
    if old == new:
        return False
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    # Yrs counts positions in UTF-8 bytes, not in characters.
    at = len(old[:start].encode("utf-8"))
    removed = len(old[start : len(old) - end].encode("utf-8"))
    if removed:
        del text[at : at + removed]
    if len(new) - end > start:
        text.insert(at, new[start : len(new) - end])
    return True


def order_key(position: Any, sid: str) -> tuple[float, str]:
    return (float(position or 0), sid)
