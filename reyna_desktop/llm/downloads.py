"""Downloading a model file: resumable, checked, and never offered half-done.

A download writes `<file>.part` beside a `<file>.part.json` that records what is being fetched
(URL, expected size and sha256), so a download stopped by pause, a crash or a restart goes on
from where it was with an HTTP Range request (`pending_downloads` lists them). Only when the
file has its full size, its sha256 matches and it reads as a complete GGUF is it renamed to
`<file>`: a model file that exists is a checked one. A hash mismatch or a full disk deletes the
partial file. Network failures (refused, reset, a server that stops sending) are retried with
exponential backoff; a 404 or other client error is not.

    download = Download(url, folder / "model.gguf", size=..., sha256=..., on_progress=show)
    path = download.run()          # blocks; download.pause() / .cancel() from another thread
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx

from reyna_desktop.atomic import atomic_write
from reyna_desktop.errors import ReynaError
from reyna_desktop.llm.gguf_info import NotAModel, gib, read_gguf_info

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
STATE_SUFFIX = ".part.json"
CHUNK_BYTES = 1024 * 1024
DISK_MARGIN_BYTES = 64 * 1024 * 1024
SPEED_WINDOW_S = 3.0
REPORT_EVERY_S = 0.1

State = Literal["downloading", "retrying", "verifying", "done", "paused", "cancelled", "failed"]


class DownloadError(ReynaError):
    """A download that cannot finish; the message says why and what was done with the partial file."""


class DownloadStopped(ReynaError):
    """The user paused (the partial file is kept for a resume) or cancelled (it is deleted)."""

    def __init__(self, message: str, *, paused: bool) -> None:
        super().__init__(message)
        self.paused = paused


@dataclass
class Progress:
    state: State
    done_bytes: int
    total_bytes: int | None
    speed_bps: float  # bytes per second over the last few seconds
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        return self.done_bytes / self.total_bytes if self.total_bytes else None

    @property
    def eta_s(self) -> float | None:
        if not self.total_bytes or self.speed_bps <= 0:
            return None
        return max(0.0, (self.total_bytes - self.done_bytes) / self.speed_bps)

    def text(self) -> str:
        total = f" of {self.total_bytes / 1e6:.1f} MB" if self.total_bytes else ""
        eta = f", {format_duration(self.eta_s)} left" if self.eta_s is not None else ""
        line = f"{self.state}: {self.done_bytes / 1e6:.1f} MB{total} at {self.speed_bps / 1e6:.1f} MB/s{eta}"
        return f"{line} ({self.detail})" if self.detail else line


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    whole = round(seconds)
    if whole >= 3600:
        return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
    if whole >= 60:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole} s"


ProgressCallback = Callable[[Progress], None]


def part_path(target: Path) -> Path:
    return target.with_name(target.name + PART_SUFFIX)


def state_path(target: Path) -> Path:
    return target.with_name(target.name + STATE_SUFFIX)


def pending_downloads(folder: Path) -> list[dict[str, Any]]:
    """Downloads left unfinished in `folder` (paused, or stopped by a crash or a restart)."""
    found = []
    for file in sorted(folder.glob(f"*{STATE_SUFFIX}")) if folder.is_dir() else []:
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("ignoring unreadable download record %s: %s", file, exc)
            continue
        target = file.with_name(file.name[: -len(STATE_SUFFIX)])
        part = part_path(target)
        record["target"] = str(target)
        record["done_bytes"] = part.stat().st_size if part.exists() else 0
        found.append(record)
    return found


class Download:
    """One file from `url` to `target`, by the rules in this module's docstring."""

    def __init__(
        self, url: str, target: Path, *, size: int | None = None, sha256: str | None = None,
        on_progress: ProgressCallback | None = None, timeout_s: float = 30.0, retries: int = 4,
        backoff_s: float = 1.0, extra: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self.target = Path(target)
        self.size = size
        self.sha256 = sha256.lower() if sha256 else None
        self.on_progress = on_progress
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.extra = extra or {}  # kept in the .part.json record (e.g. the catalogue id)
        self.computed_sha256 = ""
        self._pause = threading.Event()
        self._cancel = threading.Event()
        self._samples: deque[tuple[float, int]] = deque()

    # -- control from other threads ------------------------------------------------------

    def pause(self) -> None:
        self._pause.set()

    def cancel(self) -> None:
        self._cancel.set()

    # -- the transfer ----------------------------------------------------------------------

    def run(self) -> Path:
        """Fetch, check and install the file; return its path. Raises DownloadError or DownloadStopped."""
        part = part_path(self.target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._write_record()
        attempt = 0
        while True:
            try:
                self._transfer(part)
                break
            except _Retryable as exc:
                attempt += 1
                if attempt > self.retries:
                    raise DownloadError(f"{self.url}: {exc} (gave up after {attempt} attempts; "
                                        f"the partial file is kept, download again to resume)") from exc
                wait = self.backoff_s * 2 ** (attempt - 1)
                self._report("retrying", part, detail=f"{exc}; retry {attempt} of {self.retries} in {wait:.0f} s")
                if self._cancel.wait(wait) or self._pause.is_set():
                    self._check_stop(part)
        return self._finish(part)

    def _transfer(self, part: Path) -> None:
        done = part.stat().st_size if part.exists() else 0
        if self.size is not None and done == self.size:
            return
        if self.size is not None:
            self._check_space(self.size - done)
        headers = {"Range": f"bytes={done}-"} if done else {}
        timeout = httpx.Timeout(self.timeout_s, connect=min(self.timeout_s, 15.0))
        try:
            with httpx.stream("GET", self.url, headers=headers, timeout=timeout, follow_redirects=True) as response:
                offset = self._accept(response, part, done)
                if offset is None:
                    return
                with part.open("ab" if offset else "wb") as out:
                    self._samples.clear()
                    self._report("downloading", part)
                    for chunk in response.iter_bytes():  # as received: a broken transfer keeps every byte
                        self._write(out, chunk, part)
                        self._report("downloading", part)
                        if self._pause.is_set() or self._cancel.is_set():
                            out.close()
                            self._check_stop(part)
        except httpx.ConnectError as exc:
            raise _Retryable(f"could not connect ({_reason(exc)})") from exc
        except httpx.TimeoutException as exc:
            raise _Retryable(f"the server sent nothing for {self.timeout_s:.0f} s (timed out)") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"the connection broke ({_reason(exc)})") from exc
        self._samples.clear()  # so this last report is not skipped as too soon
        self._report("downloading", part)
        got = part.stat().st_size
        if self.size is not None and got < self.size:
            raise _Retryable(f"the server closed the transfer at {got} of {self.size} bytes")

    def _accept(self, response: httpx.Response, part: Path, done: int) -> int | None:
        """Check the server's answer; the offset to write at, or None when the file is complete."""
        status = response.status_code
        if status == 416 and done:  # nothing left past our offset: the file is complete (checked after)
            return None
        if status == 404:
            raise DownloadError(f"{self.url}: not found (HTTP 404); the catalogue entry may be out of date")
        if status >= 500 or status == 429:
            raise _Retryable(f"the server answered HTTP {status}")
        if status >= 400:
            raise DownloadError(f"{self.url}: the server refused the download (HTTP {status})")
        length = int(response.headers.get("content-length", "0") or 0)
        if status == 200:
            if done:
                log.info("%s ignored the Range request; starting over", self.url)
            done = 0
            total = length or None
        elif status == 206:
            start = _range_start(response.headers.get("content-range", ""))
            if start != done:
                raise DownloadError(f"{self.url}: the server resumed at byte {start}, not {done}")
            total = done + length if length else None
        else:
            raise DownloadError(f"{self.url}: unexpected HTTP {status}")
        if total is not None:
            if self.size is not None and total != self.size:
                part.unlink(missing_ok=True)
                raise DownloadError(f"{self.url}: the server offers {total} bytes, the catalogue says {self.size}; "
                                    "not downloaded (the entry or the server is wrong)")
            self.size = total
            self._write_record()
            self._check_space(total - done)
        return done

    def _write(self, out: Any, chunk: bytes, part: Path) -> None:
        try:
            out.write(chunk)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                with contextlib.suppress(OSError):  # flushing what is buffered fails the same way
                    out.close()
                self._discard(part)
                raise DownloadError(
                    f"the disk is full (or the file-size limit was reached) writing {part.name} in "
                    f"{part.parent}; the partial download was deleted. Free some space and download again"
                ) from exc
            raise DownloadError(f"cannot write {part}: {exc.strerror or exc}") from exc

    def _check_space(self, needed: int) -> None:
        free = shutil.disk_usage(self.target.parent).free
        if needed + DISK_MARGIN_BYTES > free:
            raise DownloadError(f"{self.target.parent} has {gib(free)} free but the download needs {gib(needed)} "
                                "more; free some space first")

    def _check_stop(self, part: Path) -> None:
        if self._cancel.is_set():
            self._discard(part)
            self._report("cancelled", part)
            raise DownloadStopped(f"download of {self.target.name} cancelled; the partial file was deleted",
                                  paused=False)
        if self._pause.is_set():
            self._report("paused", part)
            raise DownloadStopped(f"download of {self.target.name} paused at {part.stat().st_size} bytes; "
                                  "download again to resume", paused=True)

    def _finish(self, part: Path) -> Path:
        self._report("verifying", part)
        size = part.stat().st_size
        if self.size is not None and size != self.size:
            self._discard(part)
            raise DownloadError(f"{self.target.name}: got {size} bytes, expected {self.size}; the file was deleted")
        try:
            self.computed_sha256 = sha256_file(part, self._cancel)
        except DownloadStopped:
            self._discard(part)
            raise
        if self.sha256 and self.computed_sha256 != self.sha256:
            self._discard(part)
            raise DownloadError(f"{self.target.name}: sha256 mismatch (expected {self.sha256}, got "
                                f"{self.computed_sha256}); the file was deleted and is not offered")
        try:
            read_gguf_info(part)
        except NotAModel as exc:
            self._discard(part)
            raise DownloadError(f"{self.url} is not a usable GGUF model ({exc}); the file was deleted") from exc
        os.replace(part, self.target)
        state_path(self.target).unlink(missing_ok=True)
        self._report("done", self.target)
        return self.target

    # -- bookkeeping ---------------------------------------------------------------------

    def _write_record(self) -> None:
        record = {"url": self.url, "size": self.size, "sha256": self.sha256, **self.extra}
        atomic_write(state_path(self.target), json.dumps(record, indent=2).encode("utf-8"))

    def _discard(self, part: Path) -> None:
        part.unlink(missing_ok=True)
        state_path(self.target).unlink(missing_ok=True)

    def _report(self, state: State, file: Path, detail: str = "") -> None:
        if self.on_progress is None:
            return
        now = time.monotonic()
        if state == "downloading" and self._samples and now - self._samples[-1][0] < REPORT_EVERY_S:
            return
        done = file.stat().st_size if file.exists() else 0
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[0][0] > SPEED_WINDOW_S:
            self._samples.popleft()
        first_t, first_done = self._samples[0]
        speed = (done - first_done) / (now - first_t) if now > first_t else 0.0
        self.on_progress(Progress(state, done, self.size, max(0.0, speed), detail))


class _Retryable(Exception):
    """A failure worth trying again after a pause (network trouble, a server error)."""


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    return text.splitlines()[0][:200]


def _range_start(content_range: str) -> int:
    """The first byte of a `Content-Range: bytes START-END/TOTAL` header."""
    try:
        return int(content_range.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1


def sha256_file(path: Path, cancel: threading.Event | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_BYTES * 4):
            digest.update(block)
            if cancel is not None and cancel.is_set():
                raise DownloadStopped(f"check of {path.name} cancelled", paused=False)
    return digest.hexdigest()
