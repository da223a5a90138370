"""Sync in the background while the app runs: once at start, then every `interval` seconds and
whenever `poke()` asks (e.g. after a save). No Qt: the window passes a callback and turns it
into a signal; the CLI or a test can wait on it directly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reyna_desktop.errors import ReynaError
from reyna_desktop.sync.engine import Sync

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 30.0


@dataclass(frozen=True)
class Exchange:
    """What one background exchange did, or the one-line reason it could not."""

    result: dict[str, Any] | None
    error: str | None


class BackgroundSync:
    def __init__(
        self,
        sync: Sync,
        on_exchange: Callable[[Exchange], None] | None = None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        on_begin: Callable[[], None] | None = None,
    ) -> None:
        self.sync = sync
        self.on_exchange = on_exchange
        self.on_begin = on_begin  # called on the sync thread as each exchange starts (a "Syncing…" label)
        self.interval_s = interval_s
        self.last: Exchange | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reyna-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        """Exchange now rather than at the next interval."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Ask the thread to end after the exchange it is in; True when it has ended."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.on_begin is not None:
                self.on_begin()
            try:
                exchange = Exchange(self.sync.now(), None)
            except ReynaError as exc:  # the folder is not mounted, the disk is full...
                exchange = Exchange(None, str(exc))
            except Exception as exc:  # a bug must not end background sync silently
                log.exception("background sync failed")
                exchange = Exchange(None, f"sync failed: {exc}")
            self.last = exchange
            if self.on_exchange is not None:
                self.on_exchange(exchange)
            self._wake.wait(self.interval_s)
            self._wake.clear()
