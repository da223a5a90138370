"""The editor's unsaved text goes to the crash journal (reyna_desktop.safety.journal) within a second of
typing; at start the app offers back what a crash left there."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class JournalHook:
    def __init__(self, data_dir: Path) -> None:
        self._journal: Any = None
        try:
            from reyna_desktop.safety.journal import Journal
        except ImportError:  # a build without the journal still edits and saves
            return
        self._journal = Journal(data_dir)

    @property
    def available(self) -> bool:
        return self._journal is not None

    def write(self, blob_id: str, text: str, base_version: int | None = None) -> None:
        if self._journal is None:
            return
        try:
            self._journal.record(blob_id, text, base_version=base_version)
        except Exception:
            log.exception("writing the crash journal failed")

    def clear(self, blob_id: str) -> None:
        if self._journal is not None:
            try:
                self._journal.clear(blob_id)
            except Exception:
                log.exception("clearing the crash journal failed")

    def pending(self, store: Any) -> list[Any]:
        """Journal entries whose text the store does not hold (call off the UI thread)."""
        return [] if self._journal is None else list(self._journal.pending(store))

    def recover(self, store: Any, entry: Any) -> Any:
        return self._journal.recover(store, entry)
