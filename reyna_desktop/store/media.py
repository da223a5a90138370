"""What a binary file is: format, MIME type, and what its header tells (duration, size).

Pure Python, header-only reads: WAV, FLAC, Ogg Vorbis/Opus and AIFF give a duration; MP3 and
M4A are recognised but their duration needs a full decode, so it is left out.
"""

from __future__ import annotations

import struct
import wave
from pathlib import Path
from typing import Any, BinaryIO

from reyna_desktop import schema_ids

AUDIO = {
    ".wav": ("wav", "audio/wav"),
    ".flac": ("flac", "audio/flac"),
    ".ogg": ("ogg", "audio/ogg"),
    ".oga": ("ogg", "audio/ogg"),
    ".opus": ("opus", "audio/ogg"),
    ".mp3": ("mp3", "audio/mpeg"),
    ".m4a": ("m4a", "audio/mp4"),
    ".aif": ("aiff", "audio/aiff"),
    ".aiff": ("aiff", "audio/aiff"),
}
IMAGE = {
    ".png": ("png", "image/png"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
    ".gif": ("gif", "image/gif"),
    ".webp": ("webp", "image/webp"),
    ".svg": ("svg", "image/svg+xml"),
}
TEXT = {".md", ".markdown", ".txt", ".text"}
CHORDPRO = {".cho", ".chopro", ".chordpro", ".crd", ".pro"}


def schema_for_path(path: Path) -> str | None:
    """The blob schema a file of this name becomes, or None when unknown."""
    ext = path.suffix.lower()
    if ext in TEXT:
        return schema_ids.TEXT_INPUT
    if ext in CHORDPRO:
        return schema_ids.CHORDPRO
    if ext in AUDIO:
        return schema_ids.AUDIO
    if ext in IMAGE:
        return schema_ids.IMAGE
    return None


def describe(path: Path, filename: str | None = None) -> dict[str, Any]:
    """Metadata for an audio or image file, for audio-v1 / image-v1 data."""
    name = filename or path.name
    ext = Path(name).suffix.lower()
    info: dict[str, Any] = {"filename": name, "size": path.stat().st_size}
    if ext in AUDIO:
        info["format"], info["mime"] = AUDIO[ext]
        with open(path, "rb") as stream:
            info.update(_audio_details(stream, info["format"]))
    elif ext in IMAGE:
        info["format"], info["mime"] = IMAGE[ext]
        with open(path, "rb") as stream:
            info.update(_image_size(stream.read(64 * 1024)))
    else:
        info["format"] = ext.lstrip(".") or "bin"
        info["mime"] = "application/octet-stream"
    return info


def _audio_details(stream: BinaryIO, fmt: str) -> dict[str, Any]:
    try:
        if fmt == "wav":
            with wave.open(stream) as w:
                rate = w.getframerate()
                return {
                    "duration_s": round(w.getnframes() / rate, 3),
                    "sample_rate": rate,
                    "channels": w.getnchannels(),
                }
        if fmt == "flac":
            return _flac(stream)
        if fmt in ("ogg", "opus"):
            return _ogg(stream)
        if fmt == "aiff":
            return _aiff(stream)
    except (wave.Error, EOFError, struct.error, ValueError, ZeroDivisionError):
        return {}
    return {}


def _flac(stream: BinaryIO) -> dict[str, Any]:
    head = stream.read(42)
    if head[:4] != b"fLaC":
        return {}
    info = head[8:26]  # STREAMINFO body
    packed = int.from_bytes(info[10:18], "big")
    rate = packed >> 44
    channels = ((packed >> 41) & 0x7) + 1
    total = packed & 0xFFFFFFFFF
    return {"duration_s": round(total / rate, 3), "sample_rate": rate, "channels": channels} if rate else {}


def _ogg(stream: BinaryIO) -> dict[str, Any]:
    data = stream.read()
    rate = 0
    if (i := data.find(b"\x01vorbis")) >= 0:
        channels = data[i + 11]
        rate = struct.unpack("<I", data[i + 12 : i + 16])[0]
    elif (i := data.find(b"OpusHead")) >= 0:
        channels = data[i + 9]
        rate = 48000
    else:
        return {}
    last = data.rfind(b"OggS")
    granule = struct.unpack("<q", data[last + 6 : last + 14])[0]
    return {"duration_s": round(granule / rate, 3), "sample_rate": rate, "channels": channels}


def _aiff(stream: BinaryIO) -> dict[str, Any]:
    data = stream.read(4096)
    i = data.find(b"COMM")
    if data[:4] != b"FORM" or i < 0:
        return {}
    channels, frames = struct.unpack(">hI", data[i + 8 : i + 14])
    exponent, mantissa = struct.unpack(">HQ", data[i + 16 : i + 26])
    rate = mantissa * 2.0 ** ((exponent & 0x7FFF) - 16383 - 63)
    return {"duration_s": round(frames / rate, 3), "sample_rate": int(rate), "channels": channels}


def _image_size(head: bytes) -> dict[str, Any]:
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        width, height = struct.unpack(">II", head[16:24])
        return {"width": width, "height": height}
    if head[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", head[6:10])
        return {"width": width, "height": height}
    if head[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                i += 1
                continue
            marker = head[i + 1]
            length = struct.unpack(">H", head[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", head[i + 5 : i + 9])
                return {"width": width, "height": height}
            i += 2 + length
    return {}
