"""One exchange with the shared folder: local changes out, the other devices' changes in.

    sync = Sync.init(store, "~/Sync/novel")   # once per device
    Sync(store).now()                         # whenever: at start, on a timer, on demand
    Sync(store).status()

`now()` (1) turns the store's events since the last exchange into a CRDT update, saves it in
the store and appends it to this device's log in the folder; (2) reads every other device's
new, complete update files into the document and makes the store match it, in one store
transaction (so a crash leaves the store before or after, never half-merged).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from pathlib import Path
from typing import Any

from pycrdt import merge_updates

from reyna_desktop.errors import ReynaError
from reyna_desktop.store import Store
from reyna_desktop.store.sync_state import BUCKET, Peer, SyncState
from reyna_desktop.sync.apply import Applied, Applier
from reyna_desktop.sync.export import Exporter, Touched
from reyna_desktop.sync.folder import SyncFolder, read_update
from reyna_desktop.sync.project_doc import Changed, ProjectDoc

# sync_settings keys
FOLDER, DEVICE, EXPORTED, PUBLISHED = "folder", "device_id", "exported_event", "published_state"
PENDING, MOVES = "pending", "unconfirmed_moves"
LAST_FOLDER = "last_folder"  # the folder synced through before `stop()`
FOLD_AFTER = 64  # saved document updates folded into one after this many
EVENT_PAGE = 10000


class Sync:
    """Sync for one store; keeps the CRDT document in memory between exchanges."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.state = SyncState(store)
        folder = self.state.setting(FOLDER)
        device = self.state.setting(DEVICE)
        if folder is None or device is None:
            raise ReynaError("sync is not set up for this store; run `reyna sync init FOLDER` first")
        self.folder = SyncFolder(Path(folder), device)
        self._doc: ProjectDoc | None = None
        self._lock = threading.Lock()

    @classmethod
    def init(cls, store: Store, folder: Path | str) -> Sync:
        """Join (or start) a sync folder. The first exchange sends the whole store."""
        state = SyncState(store)
        device = state.setting(DEVICE) or f"dv_{secrets.token_hex(6)}"
        current = state.setting(FOLDER)
        wanted = Path(folder).expanduser().resolve()
        if wanted.is_relative_to(store.data_dir.resolve()):
            raise ReynaError(f"{wanted}: inside the live store's folder; choose a separate folder to sync through")
        try:
            made = SyncFolder.create(wanted, device)
        except OSError as exc:
            raise ReynaError(f"{wanted}: cannot sync through this folder: {exc.strerror or exc}") from exc
        if current is not None and Path(current) != made.root:
            raise ReynaError(f"this store already syncs with {current}; one folder per store")
        last = state.setting(LAST_FOLDER)
        if current is None and last is not None and Path(last) != made.root:
            # Another folder: its devices' files are numbered afresh and none of ours is there
            # yet, so read every peer from its first file and publish the whole document again.
            state.forget_peers()
            for key in (PUBLISHED, MOVES):
                state.delete_setting(key)
        state.set_setting(DEVICE, device)
        state.set_setting(FOLDER, str(made.root))
        return cls(store)

    @classmethod
    def stop(cls, store: Store) -> None:
        """Stop syncing this store (the folder and the other devices' files are left as they
        are). `init` with the same folder later goes on where it stopped; with another folder,
        it starts that folder afresh."""
        state = SyncState(store)
        folder = state.setting(FOLDER)
        if folder is not None:
            state.set_setting(LAST_FOLDER, folder)
            state.delete_setting(FOLDER)

    @staticmethod
    def configured(store: Store) -> bool:
        """Whether this store syncs through a folder (`init` was run and not stopped since)."""
        return SyncState(store).setting(FOLDER) is not None

    @property
    def device_id(self) -> str:
        return self.folder.device_id

    @property
    def doc(self) -> ProjectDoc:
        if self._doc is None:
            self._doc = ProjectDoc(self.state.doc_updates())
        return self._doc

    # -- one exchange -----------------------------------------------------------------------

    def now(self) -> dict[str, Any]:
        with self._lock:
            self.folder.check()
            try:
                sent = self.send()
                received, applied = self.receive()
            except BaseException as exc:
                # The store rolled back what it was writing while the document in memory may
                # already hold it: load the document again from the store's saved log.
                self._doc = None
                if isinstance(exc, OSError):  # the folder went read-only, full, unmounted...
                    raise ReynaError(f"{self.folder.root}: cannot use the sync folder: {exc.strerror or exc}") from exc
                raise
            return {
                "device_id": self.device_id,
                "sent_update": sent,
                "received_files": received,
                "buckets_changed": applied.buckets,
                "blobs_changed": applied.blobs,
                "pending_blobs": len(applied.pending),
                "resolved": applied.resolved,
            }

    def send(self) -> int | None:
        """Local changes into the document and out to this device's log; returns the update
        file's number, None when there was nothing to send."""
        after = int(self.state.setting(EXPORTED) or -1)
        touched = Touched()
        if after < 0:  # the first exchange: everything
            touched.buckets.update(b.id for b in self.store.buckets.all(include_deleted=True))
            touched.child_orders.update(touched.buckets)
            touched.blobs.update(self.state.all_blob_ids())
            last = self.store.last_event_id()
        else:
            last = after
            while events := self.store.events_since(last, limit=EVENT_PAGE):
                for event in events:
                    touched.add(event)
                last = events[-1].id
        exporter = Exporter(self.store, self.state, self.doc, self.folder)
        published = base64.b64decode(self.state.setting(PUBLISHED) or "")
        # Changes a failed exchange left unpublished go out with this one.
        unpublished = self.doc.state() != (published or ProjectDoc().state())
        # One store transaction: the new sync ids, the document's update and the event cursor
        # commit together (and the sync ids of a first exchange once, not one by one).
        with self.store.transaction():
            with self.doc.recording() as updates, self.doc.watching() as written:
                exporter.run(touched)
            if unpublished:
                updates.insert(0, self.doc.update_since(published or None))
            update = merge_updates(*updates) if updates else b""
            if update:
                self.state.add_doc_update(update)
            self.state.set_setting(EXPORTED, str(last))
        moved = exporter.moved
        seq = None
        if update and (written.buckets or written.blobs or unpublished):
            read = {device: peer.next_seq - 1 for device, peer in self.state.peers().items()}
            seq = self.folder.append(update, read)
            if moved:
                unconfirmed = self._unconfirmed_moves()
                unconfirmed.update({sid: (parent, seq) for sid, parent in moved.items()})
                self.state.set_setting(MOVES, json.dumps(unconfirmed))
        self.state.set_setting(PUBLISHED, base64.b64encode(self.doc.state()).decode())
        return seq

    def receive(self) -> tuple[int, Applied]:
        """Every other device's new complete files into the document, then into the store."""
        peers = self.state.peers()
        read: list[tuple[str, int, bytes, dict[str, int]]] = []
        for device in self.folder.devices():
            if device != self.device_id:
                read.extend(self._new_files(device, peers.get(device, Peer()).next_seq))
        pending = set(filter(None, (self.state.setting(PENDING) or "").split(",")))
        if not read and not pending:
            return 0, Applied()
        unconfirmed = self._unconfirmed_moves()
        concurrent: dict[str, str] = {}  # our moves that a device overwrote without having seen them
        merged = Changed(blobs=set(pending))
        for device, seq, update, their_read in read:
            with self.doc.watching() as changed:
                self.doc.doc.apply_update(update)
            merged.buckets |= changed.buckets
            merged.blobs |= changed.blobs
            merged.placed |= changed.placed
            seen = their_read.get(self.device_id, 0)
            for sid in changed.buckets & unconfirmed.keys():
                if seen < unconfirmed[sid][1]:
                    concurrent[sid] = unconfirmed[sid][0]
            peers[device] = peers.get(device, Peer()).after(seq, seen)
        applied = self._merge(read, peers, merged, concurrent, unconfirmed)
        self._fold()
        return len(read), applied

    def _merge(
        self,
        read: list[tuple[str, int, bytes, dict[str, int]]],
        peers: dict[str, Peer],
        merged: Changed,
        concurrent: dict[str, str],
        unconfirmed: dict[str, tuple[str, int]],
    ) -> Applied:
        """The received updates into the store, in one transaction with the progress made."""
        with self.store.transaction() as tx:
            exported = int(self.state.setting(EXPORTED) or 0)
            quiet = self.store.last_event_id() == exported  # no local change since send()
            for _, _, update, _ in read:
                self.state.add_doc_update(update)
            for device in {device for device, _, _, _ in read}:
                self.state.set_peer(device, peers[device])
            applied = Applier(self.store, self.state, self.doc, self.folder, tx).run(merged, concurrent)
            self.state.set_setting(PENDING, ",".join(sorted(set(applied.pending))))
            others = [peer for device, peer in peers.items() if device != self.device_id]
            still = {
                sid: move
                for sid, move in unconfirmed.items()
                if sid not in concurrent and any(peer.read_ours < move[1] for peer in others)
            }
            self.state.set_setting(MOVES, json.dumps(still))
            if quiet:  # what the merge itself changed need not be sent back
                self.state.set_setting(EXPORTED, str(self.store.last_event_id()))
            # send() published every local change; what came in need not be sent on.
            self.state.set_setting(PUBLISHED, base64.b64encode(self.doc.state()).decode())
        return applied

    def _unconfirmed_moves(self) -> dict[str, tuple[str, int]]:
        """Moves made here that some device may not have seen: bucket sid -> (parent, file)."""
        raw = json.loads(self.state.setting(MOVES) or "{}")
        return {str(sid): (str(parent), int(seq)) for sid, (parent, seq) in raw.items()}

    def _new_files(self, device: str, next_seq: int) -> list[tuple[str, int, bytes, dict[str, int]]]:
        """Complete files from `next_seq` on, in order, stopping at the first one missing or
        torn (it is read again next time). A snapshot stands for every update up to its number."""
        files = self.folder.files(device)
        out: list[tuple[str, int, bytes, dict[str, int]]] = []
        snapshots = [f for f in files if f.is_snapshot and f.seq >= next_seq]
        if snapshots and (found := read_update(snapshots[-1].path)) is not None:
            out.append((device, snapshots[-1].seq, *found))
            next_seq = snapshots[-1].seq + 1
        by_seq = {f.seq: f for f in files if not f.is_snapshot}
        while next_seq in by_seq and (found := read_update(by_seq[next_seq].path)) is not None:
            out.append((device, next_seq, *found))
            next_seq += 1
        return out

    def _fold(self) -> None:
        if self.state.doc_update_count() > FOLD_AFTER:
            self.state.replace_doc_updates(self.doc.update_since())

    # -- status and compaction --------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        peers = self.state.peers()
        devices = []
        for device in self.folder.devices():
            if device == self.device_id:
                continue
            peer = peers.get(device, Peer())
            waiting = [f for f in self.folder.files(device) if f.seq >= peer.next_seq]
            devices.append(
                {
                    "device_id": device,
                    "name": self.folder.device_name(device),
                    "read_up_to": peer.next_seq - 1,
                    "waiting_files": len(waiting),
                    "has_read_ours": peer.read_ours,
                    "last_exchange": peer.last_exchange,
                }
            )
        exported = int(self.state.setting(EXPORTED) or -1)
        return {
            "folder": str(self.folder.root),
            "device_id": self.device_id,
            "device_name": self.folder.device_name(self.device_id),
            "sent_up_to": self.folder.last_seq(),
            "local_changes_waiting": None if exported < 0 else len(self.store.events_since(exported)),
            "pending_blobs": len([p for p in (self.state.setting(PENDING) or "").split(",") if p]),
            "buckets_synced": len(self.state.id_map(BUCKET)),
            "devices": devices,
        }

    def compact(self) -> dict[str, Any]:
        """Replace this device's update files with one snapshot of the document."""
        with self._lock:
            self.send()
            size_before = self.log_size()
            read = {device: peer.next_seq - 1 for device, peer in self.state.peers().items()}
            seq, removed = self.folder.write_snapshot(self.doc.update_since(), read)
            self.state.replace_doc_updates(self.doc.update_since())
            return {
                "snapshot": seq,
                "files_removed": removed,
                "bytes_before": size_before,
                "bytes_after": self.log_size(),
            }

    def log_size(self) -> int:
        return sum(f.path.stat().st_size for f in self.folder.files(self.device_id))
