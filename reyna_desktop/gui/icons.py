"""Icons by bucket type and blob schema: small SVGs in resources/icons, else a QStyle icon."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from reyna_desktop import paths

BUCKET_ICONS = {
    "book": "book", "part": "part", "chapter": "chapter", "scene": "chapter", "front-matter": "part",
    "back-matter": "part", "album": "album", "songbook": "album", "tracks": "part", "track": "track", "song": "track",
    "research": "research", "characters": "research", "conversation": "chat", "thread": "chat",
    "demos": "audio", "samples": "audio", "masters": "audio",
}
BLOB_ICONS = {
    "text-input-v1": "text", "expanded-text-v1": "text", "chordpro-v1": "lyrics", "audio-v1": "audio",
    "image-v1": "image", "message-v1": "chat", "compiled-book-v1": "book",
}


@cache
def named(name: str) -> QIcon:
    file = paths.resources_dir() / "icons" / f"{name}.svg"
    if file.exists():
        return QIcon(str(file))
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


def for_bucket(bucket_type: str) -> QIcon:
    name = BUCKET_ICONS.get(bucket_type)
    if name is None:
        return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
    return named(name)


def for_blob(schema_id: str) -> QIcon:
    return named(BLOB_ICONS.get(schema_id, "text"))
