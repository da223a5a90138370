"""One instance per store: a second process is refused with a message naming the holder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reyna_desktop.errors import StoreLocked
from reyna_desktop.safety.instance import InstanceLock, is_locked

HOLD = textwrap.dedent(
    """
    import sys, time
    from reyna_desktop.safety.instance import InstanceLock
    lock = InstanceLock(sys.argv[1])
    print("held" if lock.acquire() else "refused: " + lock.holder(), flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def _spawn(data_dir: Path, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


def test_second_process_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    with InstanceLock(tmp_path) as lock:
        assert lock.held
        child = _spawn(tmp_path, 0)
        out, _ = child.communicate(timeout=30)
        assert out.startswith("refused: ")
        assert f"pid {os.getpid()}" in out
        assert socket.gethostname() in out
    child = _spawn(tmp_path, 0)
    out, _ = child.communicate(timeout=30)
    assert out.strip() == "held"


def test_this_process_is_refused_while_a_child_holds_it_and_free_after_kill(tmp_path: Path) -> None:
    child = _spawn(tmp_path, 60)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        lock = InstanceLock(tmp_path)
        assert not lock.acquire()
        assert f"pid {child.pid}" in lock.holder()
        with pytest.raises(StoreLocked, match=f"pid {child.pid}"):
            lock.require()
        assert is_locked(tmp_path) is not None
    finally:
        child.kill()
        child.wait()
    # The kernel dropped the lock with the killed process: no stale lock to clean up.
    assert is_locked(tmp_path) is None
    assert InstanceLock(tmp_path).acquire()


def test_two_locks_in_one_process_exclude_each_other(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
    assert (tmp_path / "reyna.lock").exists()  # kept: never deleted
