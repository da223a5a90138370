"""Store events, from any thread and from other processes, delivered on the UI thread once each."""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from reyna_desktop.gui import workers
from reyna_desktop.models import Event

log = logging.getLogger(__name__)


class StoreEvents(QObject):
    """`event` fires on the UI thread for each store event: this process's (from the bus) and
    other processes' (polled from the events table, e.g. the CLI), without duplicates."""

    event = Signal(object)  # type: ignore[assignment]
    _incoming = Signal(object)

    def __init__(self, store, poll_ms: int = 2000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._last_id = store.last_event_id()
        self._seen: set[int] = set()
        self._order: deque[int] = deque()
        self._polling = False
        self._incoming.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._sub = store.bus.subscribe(">", self._incoming.emit)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def close(self) -> None:
        self._timer.stop()
        self.store.bus.unsubscribe(self._sub)

    @Slot(object)
    def _deliver(self, event: Event) -> None:
        if event.id and event.id in self._seen:
            return
        if event.id:
            self._seen.add(event.id)
            self._order.append(event.id)
            if len(self._order) > 5000:
                self._seen.discard(self._order.popleft())
            self._last_id = max(self._last_id, event.id)
        try:
            self.event.emit(event)
        except Exception:
            log.exception("handling %s failed", event.topic)

    def _poll(self) -> None:
        if self._polling:
            return
        self._polling = True
        after = self._last_id
        workers.submit(self.store.events_since, after, limit=2000, on_done=self._polled, on_error=self._poll_failed)

    def _polled(self, events: list[Event]) -> None:
        self._polling = False
        for event in events:
            self._deliver(event)

    def _poll_failed(self, exc: BaseException) -> None:
        self._polling = False
        log.warning("polling store events failed: %s", exc)
