"""Small real media files for import tests: a WAV with a tone, a PNG, a ChordPro chart."""

from __future__ import annotations

import math
import struct
import wave
import zlib
from pathlib import Path

CHART = "{title: Harbour Light}\n{key: G}\n[G]Row the boat, the [C]light is [D]low\n"


def write_wav(path: Path, seconds: float = 0.25, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate)))
        out.writeframes(b"".join(struct.pack("<h", f) for f in frames))
    return path


def write_png(path: Path, width: int = 4, height: int = 3) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc0\x40\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
                     + chunk(b"IEND", b""))
    return path


def drop_folder(root: Path) -> list[Path]:
    """Three files and a folder (with a chart and an unsupported file), as a user would drop them."""
    root.mkdir(parents=True, exist_ok=True)
    notes = root / "notes.md"
    notes.write_text("# Notes\n\nThe bridge needs a lift.\n", encoding="utf-8")
    bounce = write_wav(root / "bounce.wav")
    cover = write_png(root / "cover.png")
    folder = root / "Charts"
    folder.mkdir(exist_ok=True)
    (folder / "harbour.cho").write_text(CHART, encoding="utf-8")
    (folder / "session.logicx").write_bytes(b"not ours")
    (folder / ".DS_Store").write_bytes(b"hidden")
    return [notes, bounce, cover, folder]
