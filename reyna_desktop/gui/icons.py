"""Icons by bucket type and blob schema: small SVGs in resources/icons, else a QStyle icon."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from reyna_desktop import paths
from reyna_desktop.schema_ids import AUDIO, CHORDPRO, COMPILED_BOOK, EXPANDED_TEXT, IMAGE, MESSAGE, TEXT_INPUT

BUCKET_ICONS = {
    "book": "book", "part": "part", "chapter": "chapter", "scene": "chapter", "front-matter": "part",
    "back-matter": "part", "album": "album", "songbook": "album", "tracks": "part", "track": "track", "song": "track",
    "research": "research", "characters": "research", "conversation": "chat", "thread": "chat",
    "demos": "audio", "samples": "audio", "masters": "audio",
}
BLOB_ICONS = {
    TEXT_INPUT: "text", EXPANDED_TEXT: "text", CHORDPRO: "lyrics", AUDIO: "audio",
    IMAGE: "image", MESSAGE: "chat", COMPILED_BOOK: "book",
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
