"""The crash journal: text typed in the editor and not yet saved, kept on disk until it is.

The editor calls `record(blob_id, text)` at most every few hundred milliseconds while the user
types (each call writes one small file atomically: temp file, fsync, rename), and `clear(blob_id)`
once the text is saved to the store. After a crash, `pending(store)` lists the entries whose text
differs from what the store holds, and `recover(store, entry)` saves one as a new version.

    journal = Journal(store.data_dir)
    for entry in journal.pending(store):
        if ask_user(entry):
            journal.recover(store, entry)
        else:
            journal.clear(entry.blob_id)
"""

from __future__ import annotations

import errno
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reyna_desktop.atomic import atomic_write
from reyna_desktop.errors import NotFound, ReynaError
from reyna_desktop.models import Blob
from reyna_desktop.store.text import now

if TYPE_CHECKING:
    from reyna_desktop.store import Store

JOURNAL_DIR = "journal"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG, errno.EACCES, errno.EPERM}


@dataclass(frozen=True)
class JournalEntry:
    blob_id: str
    text: str
    saved_at: str  # when the text was journaled (UTC, ISO 8601)
    base_version: int | None = None  # the blob's version the editor started from
    store_text: str | None = None  # what the store holds now (filled by pending())
    blob_missing: bool = False  # the blob is gone from the store (purged): recover makes a new one


class Journal:
    def __init__(self, data_dir: Path | str) -> None:
        self.folder = Path(data_dir) / JOURNAL_DIR

    def _path(self, blob_id: str) -> Path:
        if not _SAFE_ID.match(blob_id):
            raise ReynaError(f"not a blob id: {blob_id!r}")
        return self.folder / f"{blob_id}.json"

    def record(self, blob_id: str, text: str, *, base_version: int | None = None) -> None:
        """Keep `text` for `blob_id` on disk until clear(); raises ReynaError if the disk refuses."""
        entry = {"blob_id": blob_id, "text": text, "saved_at": now(), "base_version": base_version}
        path = self._path(blob_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(path, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            raise ReynaError(
                f"cannot write the crash journal {path}: {exc.strerror or exc}; the text is still in the editor"
            ) from exc

    def get(self, blob_id: str) -> JournalEntry | None:
        path = self._path(blob_id)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None
        return JournalEntry(blob_id=str(raw["blob_id"]), text=str(raw["text"]), saved_at=str(raw["saved_at"]),
                            base_version=raw.get("base_version"))

    def entries(self) -> list[JournalEntry]:
        """Everything journaled, oldest first, without looking at the store."""
        if not self.folder.is_dir():
            return []
        out = []
        for file in self.folder.glob("*.json"):
            entry = self.get(file.stem)
            if entry is not None:
                out.append(entry)
        return sorted(out, key=lambda e: e.saved_at)

    def pending(self, store: Store) -> list[JournalEntry]:
        """Entries whose text differs from the store's current text (the ones worth offering).

        Entries whose text the store already holds are cleared on the way.
        """
        out = []
        for entry in self.entries():
            try:
                current = current_text(store, entry.blob_id)
            except NotFound:
                out.append(JournalEntry(**{**entry.__dict__, "blob_missing": True}))
                continue
            if current == entry.text:
                self.clear(entry.blob_id)
                continue
            out.append(JournalEntry(**{**entry.__dict__, "store_text": current}))
        return out

    def recover(self, store: Store, entry: JournalEntry) -> Blob:
        """Save the journaled text as a new version of its blob (a new blob if it was purged)."""
        if store.blobs.exists(entry.blob_id):
            blob = store.blobs.get(entry.blob_id)
            if blob.deleted_at:
                store.blobs.restore(entry.blob_id)
            saved = store.blobs.update_text(entry.blob_id, entry.text, note=f"recovered (typed {entry.saved_at})")
        else:
            saved = store.blobs.create({"content": entry.text}, title="Recovered text", tags=["recovered"])
        self.clear(entry.blob_id)
        return saved

    def clear(self, blob_id: str) -> None:
        self._path(blob_id).unlink(missing_ok=True)


def current_text(store: Store, blob_id: str) -> str:
    """The editable text of a blob: its schema's first text field."""
    blob = store.blobs.get(blob_id)
    schema = store.schemas.get(blob.schema_id)
    if schema.is_binary or not schema.text_fields:
        raise ReynaError(f"blob {blob_id} ({blob.schema_id}) has no editable text")
    value = store.blobs.data(blob_id).get(schema.text_fields[0], "")
    return value if isinstance(value, str) else str(value)
