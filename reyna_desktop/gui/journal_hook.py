"""Unsaved editor text goes to the crash journal (reyna_desktop.journal) when that module is there.

The journal is the safety helper's; this adapter keeps the editor working without it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class JournalHook:
    def __init__(self, data_dir: Path) -> None:
        self._journal: Any = None
        try:
            from reyna_desktop import journal as module
        except ImportError:
            return
        try:
            factory = getattr(module, "Journal", None)
            self._journal = factory(data_dir) if factory is not None else module
        except Exception:
            log.exception("the crash journal could not be opened")

    @property
    def available(self) -> bool:
        return self._journal is not None

    def write(self, key: str, text: str) -> None:
        if self._journal is None:
            return
        try:
            self._journal.write(key, text)
        except Exception:
            log.exception("writing the crash journal failed")

    def clear(self, key: str) -> None:
        if self._journal is None:
            return
        try:
            self._journal.clear(key)
        except Exception:
            log.exception("clearing the crash journal failed")

    def pending(self) -> dict[str, str]:
        if self._journal is None:
            return {}
        try:
            found = self._journal.pending()
        except Exception:
            log.exception("reading the crash journal failed")
            return {}
        if isinstance(found, dict):
            return {str(k): str(v) for k, v in found.items()}
        out = {}
        for item in found or []:
            key = getattr(item, "key", None) or (item.get("key") if isinstance(item, dict) else None)
            text = getattr(item, "text", None) or (item.get("text") if isinstance(item, dict) else None)
            if key is not None and text is not None:
                out[str(key)] = str(text)
        return out
