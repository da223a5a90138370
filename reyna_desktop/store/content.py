"""The content directory: files named by their sha256, in sharded folders, written atomically.

A file is written to `tmp/`, fsynced, then renamed into `ab/cd/abcd...`, and the folder fsynced:
a reader sees a whole file or none. The same bytes are stored once. Reading checks the hash.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from reyna_desktop.atomic import fsync_dir
from reyna_desktop.errors import IntegrityError, ReynaError, storage_error

CHUNK = 1024 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Placed(NamedTuple):
    """A file in the content directory: its name, size, and whether this call wrote it (the
    same bytes may have been there already, for another blob)."""

    digest: str
    size: int
    new: bool


class ContentStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        for folder in (root, self.tmp):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def has(self, digest: str) -> bool:
        return self.path_for(digest).is_file()

    def put_bytes(self, data: bytes) -> Placed:
        digest = sha256_bytes(data)
        if self.has(digest):
            return Placed(digest, len(data), False)
        try:
            self._write(digest, [data])
        except OSError as exc:
            raise (storage_error(exc, self.root) or exc) from exc
        return Placed(digest, len(data), True)

    def put_stream(self, stream: BinaryIO) -> Placed:
        """Copy a stream in, hashing as it goes, without holding it all in memory."""
        hasher = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="in-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = hasher.hexdigest()
            if self.has(digest):
                tmp.unlink()
                return Placed(digest, size, False)
            self._place(tmp, digest)
            return Placed(digest, size, True)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise (storage_error(exc, self.root) or exc) from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_file(self, source: Path) -> Placed:
        try:
            with open(source, "rb") as stream:
                return self.put_stream(stream)
        except OSError as exc:
            raise ReynaError(f"cannot read {source}: {exc.strerror or exc}") from exc

    def _write(self, digest: str, chunks: list[bytes]) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="in-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            self._place(tmp, digest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _place(self, tmp: Path, digest: str) -> None:
        final = self.path_for(digest)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(tmp, 0o600)
        os.replace(tmp, final)
        fsync_dir(final.parent)

    def read(self, digest: str, *, owner: str = "") -> bytes:
        """The file's bytes, after checking them against `digest`."""
        path = self.path_for(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise IntegrityError(f"{owner or 'content'}: content file {digest[:12]}… is missing") from None
        if sha256_bytes(data) != digest:
            raise IntegrityError(
                f"{owner or 'content'}: content file {digest[:12]}… does not match its sha256 "
                "(it was changed or damaged on disk); the stored bytes were not returned"
            )
        return data

    def verify(self, digest: str) -> bool:
        path = self.path_for(digest)
        hasher = hashlib.sha256()
        try:
            with open(path, "rb") as stream:
                while chunk := stream.read(CHUNK):
                    hasher.update(chunk)
        except OSError:
            return False
        return hasher.hexdigest() == digest

    def all_digests(self) -> Iterator[str]:
        for first in self.root.iterdir():
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in first.iterdir():
                for file in second.iterdir():
                    yield file.name

    def remove(self, digest: str) -> None:
        self.path_for(digest).unlink(missing_ok=True)

    def clean_tmp(self) -> int:
        """Remove partial writes a crash left behind; returns how many."""
        count = 0
        for leftover in self.tmp.iterdir():
            leftover.unlink(missing_ok=True)
            count += 1
        return count
