"""Run work off the UI thread and hand results back to it.

`submit(fn, *args, on_done=..., on_error=...)` runs `fn` on a shared QThreadPool; the callbacks
run on the UI thread. The relay object lives on the UI thread, so its slots are queued there
whatever thread emits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_alive: set[_Relay] = set()


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable[[Any], object] | None,
                 on_error: Callable[[BaseException], object] | None) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        _alive.discard(self)
        if self._on_done is not None:
            _guarded(self._on_done, result)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        _alive.discard(self)
        if self._on_error is not None:
            _guarded(self._on_error, exc)
        else:
            log.error("background task failed", exc_info=exc)


def _guarded(callback: Callable[[Any], object], value: Any) -> None:
    """A result may arrive after its widget was closed; that is not an error worth a dialog."""
    try:
        callback(value)
    except RuntimeError as exc:
        if "deleted" not in str(exc) and "closed" not in str(exc):
            raise
        log.debug("dropped a late result: %s", exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._kwargs, self._relay = fn, args, kwargs, relay

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # handed to the UI thread, never lost
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


def submit(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], object] | None = None,
    on_error: Callable[[BaseException], object] | None = None,
    **kwargs: Any,
) -> None:
    relay = _Relay(on_done, on_error)
    _alive.add(relay)
    pool().start(_Task(fn, args, kwargs, relay))


def wait_idle(msecs: int = 30000) -> bool:
    """For tests and shutdown: wait until every submitted task has finished."""
    return pool().waitForDone(msecs)
