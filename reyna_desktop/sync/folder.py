"""The shared folder: each device's append-only log of CRDT updates, snapshots, content files.

    FOLDER/reyna-sync.json                       marks the folder (format version)
    FOLDER/devices/<device>/u-0000000001.yupd    one update file per exchange, never rewritten
    FOLDER/devices/<device>/s-0000000040.ysnap   a snapshot: everything up to update 40
    FOLDER/devices/<device>/device.json          the device's name for people (its host name)
    FOLDER/content/<sha256>                      binary content, once, named by its hash

A device writes only under its own folder, always to a temp name first and then renames
(reyna_desktop/atomic.py), so a reader never sees its own half-written file. A sync service
may still deliver a file half
copied, or leave conflict copies beside it: every file carries its length and sha256 in a
header and is used only when both match, and only names that match the exact pattern are read.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from reyna_desktop.atomic import atomic_write
from reyna_desktop.errors import ReynaError

FORMAT = 1
MARKER = "reyna-sync.json"
MAGIC = b"REYNASYNC1\n"
HEADER = struct.Struct(">Q32s")  # payload length, sha256 of the payload
UPDATE_NAME = re.compile(r"^u-(\d{10})\.yupd$")
SNAPSHOT_NAME = re.compile(r"^s-(\d{10})\.ysnap$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")
DEVICE_INFO = "device.json"


@dataclass(frozen=True)
class LogFile:
    device_id: str
    seq: int
    path: Path
    is_snapshot: bool


class SyncFolder:
    """One shared folder, seen from one device."""

    def __init__(self, root: Path, device_id: str) -> None:
        self.root = Path(root)
        self.device_id = device_id

    @classmethod
    def create(cls, root: Path, device_id: str) -> SyncFolder:
        """Make (or join) a sync folder; refuses a folder that is something else's."""
        root = Path(root).expanduser().resolve()
        marker = root / MARKER
        if root.exists() and not root.is_dir():
            raise ReynaError(f"{root}: not a folder")
        if (root / "reyna.sqlite3").exists():
            raise ReynaError(f"{root}: holds a live store; the sync folder must be a separate folder")
        if root.is_dir() and any(root.iterdir()) and not marker.exists():
            raise ReynaError(f"{root}: not empty and not a Reyna sync folder; choose an empty folder")
        (root / "devices").mkdir(parents=True, exist_ok=True)
        (root / "content").mkdir(exist_ok=True)
        if not marker.exists():
            atomic_write(marker, json.dumps({"format": FORMAT}).encode())
        folder = cls(root, device_id)
        folder.check()
        folder.own_dir.mkdir(exist_ok=True)  # the others list this device from now on
        if not (folder.own_dir / DEVICE_INFO).exists():
            atomic_write(folder.own_dir / DEVICE_INFO, json.dumps({"name": socket.gethostname()}).encode())
        return folder

    def check(self) -> None:
        marker = self.root / MARKER
        try:
            fmt = json.loads(marker.read_text()).get("format")
        except (OSError, ValueError, AttributeError):
            raise ReynaError(f"{self.root}: not a Reyna sync folder (no readable {MARKER}); is it mounted?") from None
        if fmt != FORMAT:
            raise ReynaError(f"{self.root}: sync folder format {fmt!r}, this Reyna reads format {FORMAT}")

    @property
    def own_dir(self) -> Path:
        return self.root / "devices" / self.device_id

    # -- the logs ---------------------------------------------------------------------------

    def devices(self) -> list[str]:
        base = self.root / "devices"
        return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))

    def device_name(self, device_id: str) -> str | None:
        """The name a device gave itself (its host name), None when it wrote none or it is unreadable."""
        try:
            name = json.loads((self.root / "devices" / device_id / DEVICE_INFO).read_text()).get("name")
        except (OSError, ValueError, AttributeError):
            return None
        return name if isinstance(name, str) and name else None

    def files(self, device_id: str) -> list[LogFile]:
        """A device's update and snapshot files, by sequence number (names that do not match the
        exact pattern, such as a sync service's conflict copies, are not listed)."""
        folder = self.root / "devices" / device_id
        out = []
        for path in folder.iterdir() if folder.is_dir() else []:
            if match := UPDATE_NAME.match(path.name):
                out.append(LogFile(device_id, int(match[1]), path, False))
            elif match := SNAPSHOT_NAME.match(path.name):
                out.append(LogFile(device_id, int(match[1]), path, True))
        return sorted(out, key=lambda f: (f.seq, f.is_snapshot))

    def last_seq(self) -> int:
        """The newest sequence number this device has written."""
        return max((f.seq for f in self.files(self.device_id)), default=0)

    def append(self, update: bytes, read: dict[str, int]) -> int:
        """Write one update file after the last one; returns its sequence number. `read`: how
        many update files of each other device this one has read (for conflict reports)."""
        seq = self.last_seq() + 1
        self.own_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.own_dir / f"u-{seq:010d}.yupd", frame(pack(update, read)))
        return seq

    def write_snapshot(self, update: bytes, read: dict[str, int]) -> tuple[int, int]:
        """Write a snapshot covering every update so far, then remove those updates and older
        snapshots. Returns (snapshot sequence, files removed)."""
        old = self.files(self.device_id)
        seq = max((f.seq for f in old), default=0)
        atomic_write(self.own_dir / f"s-{seq:010d}.ysnap", frame(pack(update, read)))
        removed = 0
        for f in old:
            if f.seq < seq or not f.is_snapshot:
                f.path.unlink(missing_ok=True)
                removed += 1
        return seq, removed

    # -- content ----------------------------------------------------------------------------

    def content_path(self, digest: str) -> Path:
        if not DIGEST.match(digest):
            raise ReynaError(f"{digest!r}: not a sha256 content name")
        return self.root / "content" / digest

    def has_content(self, digest: str) -> bool:
        return self.content_path(digest).is_file()

    def put_content(self, digest: str, source: Path) -> bool:
        """Copy a content file in once; returns False when it was already there."""
        target = self.content_path(digest)
        if target.is_file():
            return False
        atomic_write(target, source.read_bytes())
        return True

    def read_content(self, digest: str) -> bytes | None:
        """The content with this hash, or None while it is missing or not yet complete."""
        try:
            data = self.content_path(digest).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == digest else None


def frame(payload: bytes) -> bytes:
    return MAGIC + HEADER.pack(len(payload), hashlib.sha256(payload).digest()) + payload


def pack(update: bytes, read: dict[str, int]) -> bytes:
    return json.dumps({"read": read}, sort_keys=True).encode() + b"\n" + update


def read_update(path: Path) -> tuple[bytes, dict[str, int]] | None:
    """The CRDT update of a complete, intact file and how much of the others its writer had read."""
    payload = read_frame(path)
    if payload is None or b"\n" not in payload:
        return None
    head, update = payload.split(b"\n", 1)
    try:
        read = json.loads(head)["read"]
    except (ValueError, KeyError, TypeError):
        return None
    return update, {str(k): int(v) for k, v in read.items()}


def read_frame(path: Path) -> bytes | None:
    """The payload of a complete, intact file; None for a missing, torn or damaged one."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    start = len(MAGIC) + HEADER.size
    if len(raw) < start or not raw.startswith(MAGIC):
        return None
    size, digest = HEADER.unpack(raw[len(MAGIC) : start])
    payload = raw[start:]
    if len(payload) != size or hashlib.sha256(payload).digest() != digest:
        return None
    return payload
