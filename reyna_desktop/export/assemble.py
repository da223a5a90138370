"""Manuscript assembly: walk a book bucket in order and pick each section's text.

A section's (a chapter, scene, part or matter bucket's) text is the blob the store's rule
picks (`store/sections.py`: named final, else marked final, else edited or expanded, else
draft; notes never), the same blob the tree and stats count. Buckets whose type is not in the options'
``include_types`` are left out with everything under them.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from reyna_desktop.errors import NotFound, ReynaError
from reyna_desktop.export import language
from reyna_desktop.export.manuscript import BookMeta, Division, DivisionKind, ImageRef, Manuscript, SourceRef, TextPiece
from reyna_desktop.export.numbers import format_number, to_words
from reyna_desktop.export.options import CompileOptions
from reyna_desktop.models import Blob, Bucket
from reyna_desktop.schema_ids import EXPANDED_TEXT, IMAGE
from reyna_desktop.store import Store
from reyna_desktop.store.sections import SECTION_TEXT_SCHEMAS

TEXT_SCHEMAS = list(SECTION_TEXT_SCHEMAS)
MATTER_TYPES: dict[str, DivisionKind] = {"front-matter": "front", "back-matter": "back"}
_DEFAULT_NAME = re.compile(
    r"^(chapter|part|scene|book)\s+(\d+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten)$", re.IGNORECASE
)
_LEADING_HEADING = re.compile(r"^\s*#{1,2}\s+(.+?)\s*#*\s*$")
_PLAIN_SPECIALS = re.compile(r"([\\`*_\[\]{}<>#!|~^])")


def assemble(store: Store, bucket_id: str, options: CompileOptions) -> Manuscript:
    root = store.buckets.get(bucket_id)
    if root.deleted_at:
        raise ReynaError(f"bucket {root.name!r} ({bucket_id}) is in the trash; restore it before compiling")
    warnings: list[str] = []
    images = collect_images(store, bucket_id)
    meta = book_meta(store, root, options, images, warnings)
    walker = _Walker(store, options, warnings)
    for child in store.buckets.children(root.id):
        walker.visit(child, depth=1, trail=[])
    if not any(d.kind == "chapter" for d in walker.divisions) and walker.loose_chapters(root):
        warnings.append(f"{root.name}: no chapter buckets, so each text in the book itself became a chapter")
    if not any(d.kind == "chapter" for d in walker.divisions):
        raise ReynaError(
            f"book {root.name!r} has nothing to compile: no chapter buckets of the types "
            f"{', '.join(options.include_types)} under it, and no text of its own"
        )
    return Manuscript(root.id, meta, walker.divisions, images, warnings)


class _Walker:
    def __init__(self, store: Store, options: CompileOptions, warnings: list[str]) -> None:
        self.store = store
        self.options = options
        self.warnings = warnings
        self.divisions: list[Division] = []
        self.chapter_no = 0
        self.part_no = 0

    def visit(self, bucket: Bucket, depth: int, trail: list[str]) -> None:
        if bucket.type not in self.options.include_types:
            return
        where = " / ".join([*trail, bucket.name])
        if bucket.type in MATTER_TYPES:
            self.matter(bucket, MATTER_TYPES[bucket.type], where)
        elif bucket.type == "part":
            self.part_no += 1
            title = _own_title(bucket.name)
            heading = _heading(self.options.part_template, self.part_no, title, self.options.numbering)
            division = Division(bucket.id, "part", title, heading, self.part_no, depth, where)
            division.pieces.extend(self.pieces(bucket, where, deep=False))
            self.divisions.append(division)
            for child in self.store.buckets.children(bucket.id):
                self.visit(child, depth + 1, [*trail, bucket.name])
        else:
            self.chapter_no += 1
            pieces = self.pieces(bucket, where, deep=True)
            title = _own_title(bucket.name) or (_leading_heading(pieces[0].markdown) if pieces else "")
            heading = _heading(self.options.chapter_template, self.chapter_no, title, self.options.numbering)
            division = Division(bucket.id, "chapter", title, heading, self.chapter_no, depth, where, pieces)
            if not division.pieces:
                self.warnings.append(f"{where}: the chapter has no text; only its heading is compiled")
            self.divisions.append(division)

    def loose_chapters(self, book: Bucket) -> int:
        """A book made of texts rather than chapter buckets (a folder of chapter files imported
        as it was): each of its own texts, in order, is a chapter. Returns how many."""
        made = 0
        for blob in self.store.blobs.in_bucket(book.id, schema_ids=TEXT_SCHEMAS):
            data = self.store.blobs.data(blob.id)
            if data.get("role") == "notes" or not _text_of(blob, data).strip():
                continue
            self.chapter_no += 1
            made += 1
            piece = _piece(blob, data, f"{book.name} / {blob.title}")
            title = _leading_heading(piece.markdown) or blob.title
            heading = _heading(self.options.chapter_template, self.chapter_no, title, self.options.numbering)
            self.divisions.append(
                Division(f"{book.id}-{blob.id}", "chapter", title, heading, self.chapter_no, 1, piece.where, [piece])
            )
        return made

    def matter(self, bucket: Bucket, kind: DivisionKind, where: str) -> None:
        """Each text in a matter bucket is its own piece (a foreword, acknowledgements...), then each child."""
        for blob in self.store.blobs.in_bucket(bucket.id, schema_ids=TEXT_SCHEMAS):
            data = self.store.blobs.data(blob.id)
            if data.get("role") == "notes" or not _text_of(blob, data).strip():
                continue
            title = blob.title or bucket.name
            division = Division(f"{bucket.id}-{blob.id}", kind, title, title, None, 1, f"{where} / {title}")
            division.pieces.append(_piece(blob, data, division.where))
            self.divisions.append(division)
        for child in self.store.buckets.children(bucket.id):
            if child.type not in self.options.include_types and child.type not in ("folder", "section"):
                continue
            child_where = f"{where} / {child.name}"
            division = Division(child.id, kind, child.name, child.name, None, 1, child_where)
            division.pieces.extend(self.pieces(child, child_where, deep=True))
            if division.pieces:
                self.divisions.append(division)
            else:
                self.warnings.append(f"{child_where}: no text; left out")

    def pieces(self, bucket: Bucket, where: str, *, deep: bool) -> list[TextPiece]:
        """The bucket's chosen text, then (when `deep`) each included descendant's, as scenes."""
        out: list[TextPiece] = []
        chosen = choose_text(self.store, bucket, self.warnings, where)
        if chosen is not None:
            out.append(chosen)
        if deep:
            for child in self.store.buckets.children(bucket.id):
                if child.type in self.options.include_types and child.type not in ("part", *MATTER_TYPES):
                    out.extend(self.pieces(child, f"{where} / {child.name}", deep=True))
        return out


def choose_text(store: Store, bucket: Bucket, warnings: list[str], where: str) -> TextPiece | None:
    """The section's text by the store's rule (store/sections.py, the same blob the tree
    counts), or None when it has none."""
    override = bucket.metadata.get("final_blob_id")
    chosen = store.sections.chosen_blob(bucket.id)
    if override and chosen != override:
        warnings.append(f"{where}: final_blob_id {override!r} names no text blob; using the newest text instead")
    if chosen is None:
        return None
    blob = store.blobs.get(chosen)
    return _piece(blob, store.blobs.data(chosen), where)


def _piece(blob: Blob, data: dict[str, Any], where: str) -> TextPiece:
    return TextPiece(_text_of(blob, data), SourceRef(blob.id, blob.version, blob.schema_id), where)


def _text_of(blob: Blob, data: dict[str, Any]) -> str:
    if blob.schema_id == EXPANDED_TEXT:
        return str(data.get("expanded", ""))
    text = str(data.get("content", ""))
    if data.get("format") == "plain":
        return _PLAIN_SPECIALS.sub(r"\\\1", text)
    return text


def _own_title(name: str) -> str:
    """A bucket's name as a title; the template's default names ("Chapter 3") carry no title."""
    return "" if _DEFAULT_NAME.match(name.strip()) else name.strip()


def _leading_heading(markdown: str) -> str:
    """The title a text gives itself with a heading on its first line ("# The Harbour")."""
    first = markdown.lstrip("\n").split("\n", 1)[0]
    match = _LEADING_HEADING.match(first)
    return match.group(1) if match else ""


def _heading(template: str, number: int, title: str, numbering: str) -> str:
    title = without_own_label(template, title)
    text = template.format(n=format_number(number, numbering), title=title)
    if not title:
        text = text.strip().rstrip(":.—–-·|").strip()
    return text.strip() or format_number(number, numbering)


_NUMBER_WORDS = "|".join(sorted({to_words(n).lower() for n in range(1, 200)}, key=len, reverse=True))


def without_own_label(template: str, title: str) -> str:
    """A bucket named "Chapter 3" or "Part One: The Harbour" already carries the label the template
    adds ("Chapter {n}: {title}"); drop it from the title so the heading does not say it twice."""
    label = template.split("{n}", 1)[0].strip() if "{n}" in template else ""
    if not label or not title:
        return title
    number = rf"(?:\d+|[ivxlcdm]+|{_NUMBER_WORDS})"
    match = re.match(rf"^{re.escape(label)}\s+{number}\s*(?:[:.\-–—]\s*(.*)|$)", title.strip(), re.IGNORECASE)
    return (match.group(1) or "").strip() if match else title


def collect_images(store: Store, bucket_id: str) -> dict[str, ImageRef]:
    """Every image in the book's tree, findable by blob id and by (lower-case) file name."""
    found: dict[str, ImageRef] = {}
    for blob in store.blobs.in_bucket(bucket_id, recursive=True, schema_ids=[IMAGE]):
        ref = image_ref(store, blob)
        found[blob.id] = ref
        found.setdefault(ref.filename.lower(), ref)
    return found


def image_ref(store: Store, blob: Blob) -> ImageRef:
    data = store.blobs.data(blob.id)
    fmt = str(data.get("format", "png")).lower()
    ext = {"jpeg": "jpg"}.get(fmt, fmt)
    return ImageRef(
        blob.id, str(data.get("filename", f"{blob.id}.{ext}")), str(data.get("mime", f"image/{fmt}")), ext,
        str(data.get("alt", "")), blob.content_hash, int(data.get("size", blob.content_size)),
        data.get("width"), data.get("height"),
    )


def book_meta(
    store: Store, root: Bucket, options: CompileOptions, images: dict[str, ImageRef], warnings: list[str]
) -> BookMeta:
    m = root.metadata

    def text(key: str) -> str:
        value = m.get(key, "")
        return value.strip() if isinstance(value, str) else ""

    meta = BookMeta(
        title=text("title") or root.name,
        subtitle=text("subtitle"),
        author=text("author") or text("artist"),
        author_file_as=text("author_file_as"),
        language=language.resolve(options.language or text("language"), warnings, f"book {root.name!r}"),
        publisher=text("publisher") or text("label"),
        description=text("description"),
        rights=text("rights"),
        dedication=text("dedication"),
        publication_date=text("publication_date") or text("release_date"),
        legal_name=text("legal_name"),
        contact=text("contact"),
        short_title=text("short_title"),
    )
    if not meta.author:
        warnings.append(f"book {root.name!r}: no author in the book's metadata; the book is compiled without one")
    isbn = re.sub(r"[\s-]", "", text("isbn"))
    if isbn and not is_valid_isbn(isbn):
        warnings.append(f"book {root.name!r}: ISBN {text('isbn')!r} has a bad check digit; using a generated id")
        isbn = ""
    meta.isbn = isbn
    meta.identifier = f"urn:isbn:{isbn}" if isbn else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'reyna:{root.id}')}"
    cover_id = text("cover_blob_id")
    if cover_id:
        meta.cover = images.get(cover_id)
        if meta.cover is None:
            try:
                blob = store.blobs.get(cover_id)
                if blob.schema_id == IMAGE and blob.deleted_at is None:
                    meta.cover = image_ref(store, blob)
            except NotFound:
                pass
        if meta.cover is None:
            warnings.append(f"book {root.name!r}: the cover image {cover_id!r} is missing; compiled without a cover")
    return meta


def is_valid_isbn(isbn: str) -> bool:
    if re.fullmatch(r"\d{13}", isbn):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(isbn[:12]))
        return (10 - total % 10) % 10 == int(isbn[12])
    if re.fullmatch(r"\d{9}[\dXx]", isbn):
        total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(isbn))
        return total % 11 == 0
    return False
