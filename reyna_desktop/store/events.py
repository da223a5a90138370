"""The in-process event bus. Topics follow the seeds: `<entity>.<action>[.<schema>]`.

Patterns use NATS rules: `*` matches one dot-separated token, `>` matches one or more
trailing tokens. Events are written to the `events` table inside the transaction that made
them and delivered to subscribers only after it commits.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from reyna_desktop.models import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


def topic_matches(pattern: str, topic: str) -> bool:
    want = pattern.split(".")
    have = topic.split(".")
    for index, token in enumerate(want):
        if token == ">":
            return len(have) > index
        if index >= len(have) or (token != "*" and token != have[index]):
            return False
    return len(want) == len(have)


@dataclass(frozen=True)
class Subscription:
    id: int
    pattern: str
    handler: Handler


class EventBus:
    def __init__(self) -> None:
        self._subs: dict[int, Subscription] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def subscribe(self, pattern: str, handler: Handler) -> Subscription:
        sub = Subscription(next(self._ids), pattern, handler)
        with self._lock:
            self._subs[sub.id] = sub
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.pop(sub.id, None)

    def publish(self, event: Event) -> None:
        """Deliver to every matching subscriber; one failing handler does not stop the others."""
        with self._lock:
            subs = list(self._subs.values())
        for sub in subs:
            if topic_matches(sub.pattern, event.topic):
                try:
                    sub.handler(event)
                except Exception:
                    log.exception("event handler for %r failed on %s", sub.pattern, event.topic)
