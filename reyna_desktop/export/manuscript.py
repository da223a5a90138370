"""The manuscript model every writer works from: book metadata plus divisions in reading order.

A division is what becomes one XHTML file in an EPUB and starts a new page in a PDF: a front- or
back-matter piece, a part page, or a chapter (with its scenes joined by scene breaks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DivisionKind = Literal["front", "part", "chapter", "back"]


@dataclass(frozen=True)
class SourceRef:
    """The blob version a piece of text came from (recorded in the compiled blob's sources)."""

    blob_id: str
    version: int
    schema_id: str


@dataclass(frozen=True)
class TextPiece:
    """One chosen text: a chapter's own text or one scene's."""

    markdown: str
    source: SourceRef
    where: str  # "Part One / Chapter 3", for warnings


@dataclass
class Division:
    key: str  # stable id (the bucket id, or bucket id + blob id for matter pieces)
    kind: DivisionKind
    title: str  # the bucket's (or piece's) own title
    heading: str  # the formatted heading shown to readers
    number: int | None
    depth: int  # 1 = top level of the TOC, 2 = inside a part
    where: str
    pieces: list[TextPiece] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        """The pieces joined by scene breaks (a thematic break, rendered as the separator)."""
        return "\n\n***\n\n".join(p.markdown.strip("\n") for p in self.pieces if p.markdown.strip())


@dataclass(frozen=True)
class ImageRef:
    blob_id: str
    filename: str
    mime: str
    ext: str
    alt: str
    content_hash: str
    size: int
    width: int | None
    height: int | None

    @property
    def href(self) -> str:
        """Where the image lives next to the chapter files (EPUB and the PDF's temp folder alike)."""
        return f"images/{self.blob_id}.{self.ext}"


@dataclass
class BookMeta:
    title: str
    subtitle: str = ""
    author: str = ""
    author_file_as: str = ""
    language: str = "en"
    publisher: str = ""
    isbn: str = ""
    identifier: str = ""  # urn:isbn:… or urn:uuid:…
    description: str = ""
    rights: str = ""
    dedication: str = ""
    publication_date: str = ""
    cover: ImageRef | None = None
    legal_name: str = ""  # a manuscript's first page: the author's legal name (else `author`)
    contact: str = ""  # ... and contact lines (address, email, phone), one per line
    short_title: str = ""  # a manuscript's running head (else `title`)


@dataclass
class Manuscript:
    bucket_id: str
    meta: BookMeta
    divisions: list[Division]
    images: dict[str, ImageRef]  # by blob id and by filename
    warnings: list[str] = field(default_factory=list)

    @property
    def chapters(self) -> list[Division]:
        return [d for d in self.divisions if d.kind == "chapter"]

    @property
    def sources(self) -> list[SourceRef]:
        seen: dict[str, SourceRef] = {}
        for division in self.divisions:
            for piece in division.pieces:
                seen.setdefault(piece.source.blob_id, piece.source)
        return list(seen.values())
