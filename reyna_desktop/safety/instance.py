"""One running instance per store: an OS lock on `<data dir>/reyna.lock`.

    lock = InstanceLock(data_dir)
    if not lock.acquire():
        show(f"This store is already open: {lock.holder()}")   # open read-only, or quit
    ...
    lock.release()

The lock is the kernel's (flock on POSIX, msvcrt.locking on Windows), so it goes away with the
process that held it, even after a crash or a kill: no stale lock files to clean up. The file
also holds who took the lock (pid, host, start time) for the message a second instance shows.
The lock file is never deleted (deleting it would let two processes lock two different files).
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from reyna_desktop.errors import StoreLocked
from reyna_desktop.store.text import now

LOCK_NAME = "reyna.lock"
WINDOW_PURPOSE = "Reyna Desktop"  # the window's lock (it runs the linked-folder watcher itself)
_WIN_LOCK_OFFSET = 1 << 20  # Windows locks a byte range; lock one far past the holder info


class InstanceLock:
    def __init__(self, data_dir: Path | str, *, purpose: str = WINDOW_PURPOSE) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_NAME
        self.purpose = purpose
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if no other process (or other InstanceLock) has it; True when held."""
        if self._fd is not None:
            return True
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not _try_lock(fd):
                os.close(fd)
                return False
            info = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": now(), "purpose": self.purpose}
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def require(self) -> InstanceLock:
        """acquire() or raise StoreLocked naming the holder."""
        if not self.acquire():
            raise StoreLocked(
                f"the store in {self.data_dir} is in use by {self.holder()}; close that Reyna first "
                "(if it is on another computer, wait for it to close and for the folder to sync)"
            )
        return self

    def holder_info(self) -> dict[str, Any]:
        """Who holds (or last held) the lock, as written in the lock file; {} if unknown."""
        try:
            with open(self.path, encoding="utf-8") as stream:
                line = stream.readline(4096)
            info = json.loads(line)
        except (OSError, ValueError):
            return {}
        return info if isinstance(info, dict) else {}

    def holder(self) -> str:
        """A sentence naming the holder: 'Reyna Desktop (pid 123 on host, since 2024-...)'."""
        info = self.holder_info()
        if not info:
            return "another Reyna process"
        return (
            f"{info.get('purpose', 'Reyna')} (pid {info.get('pid', '?')} on {info.get('host', '?')}, "
            f"since {info.get('started_at', '?')})"
        )

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self.require()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

    def __del__(self) -> None:
        try:
            self.release()
        except Exception:
            pass


def is_locked(data_dir: Path | str) -> str | None:
    """The holder's description when some process holds the store's lock, else None."""
    probe = InstanceLock(data_dir)
    if not probe.path.exists():
        return None
    if probe.acquire():
        probe.release()
        return None
    return probe.holder()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:  # a file system without flock: fall back to POSIX record locks
            if exc.errno not in (getattr(os, "ENOLCK", 37), 95):
                raise
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
        return True

    def _unlock(fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            pass
