"""A Word .docx as a book: Heading 1 / Heading 2 become parts and chapters (or chapters and scenes).

Paragraphs become Markdown keeping italics, bold, line breaks, lists and quotes; footnotes become
Markdown footnotes; pictures become image blobs in the book, referred to by file name. What comes
before the first heading (a title page, a manuscript's contact block) is front matter; the
document's Title paragraph names the book; a table of contents field is left out (the compiler
makes its own). Tables and other objects are reduced to their text, with a warning.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange.importers.mdtext import Run, join_paragraphs, paragraph_markdown
from reyna_desktop.interchange.importers.plan import Image, ImportPlan, Node, Text

HEADING_LEVELS = ("parts", "chapters")  # what Heading 1 starts; Heading 2 is one level below
_REL_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_LABELLED = re.compile(r"^(?:chapter|part)\s+[\w-]+\s*[:.–—]\s+(.+)$", re.IGNORECASE)


def read(path: Path, headings: str = "parts") -> ImportPlan:
    if headings not in HEADING_LEVELS:
        raise ReynaError(f"headings {headings!r}: use one of {', '.join(HEADING_LEVELS)}")
    document = _open(path)
    return _DocxReader(path, document, headings).read()


def _open(path: Path) -> Document:
    if not zipfile.is_zipfile(path):
        raise ReynaError(f"{path}: not a Word document (not a zip file at all)")
    with zipfile.ZipFile(path) as archive:
        if "word/document.xml" not in archive.namelist():
            raise ReynaError(f"{path}: not a Word document (a zip file without word/document.xml)")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise ReynaError(f"{path}: the Word document cannot be read ({exc})") from None


@dataclass
class _Open:
    part: Node | None = None
    chapter: Node | None = None
    scene: Node | None = None


class _DocxReader:
    def __init__(self, path: Path, document: Document, headings: str) -> None:
        self.path = path
        self.document = document
        self.headings = headings
        self.plan = ImportPlan("Word document", [])
        self.book = Node(path.stem, "book", {"title": path.stem})
        core = document.core_properties
        if core.title:
            self.book.metadata["title"] = core.title
        if core.author:
            self.book.metadata["author"] = core.author
        self.open = _Open()
        self.paragraphs: list[str] = []  # Markdown of the section being read
        self.target: Node | None = None  # the node the paragraphs belong to
        self.images: dict[str, str] = {}  # relationship id -> image file name
        # Style id -> name, once: python-docx's Paragraph.style searches the styles on every call.
        self.style_names = {style.style_id: style.name or "" for style in document.styles}
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self.default_style = default.name or "" if default is not None else ""
        self.notes = self._footnotes()
        self.used_notes: list[str] = []  # footnotes referenced in the section being read

    def read(self) -> ImportPlan:
        self._blocks(self.document.element.body)
        self._flush()
        self.book.images.extend(self._collected_images())
        self.plan.roots.append(self.book)
        return self.plan

    def _blocks(self, container: Any) -> None:
        """The paragraphs of the body (or of a content control), leaving out a table of contents."""
        in_toc = False
        for element in container.iterchildren():
            if element.tag == qn("w:sdt"):  # a content control: Word wraps its own TOC in one
                gallery = element.find(f".//{qn('w:docPartGallery')}")
                content = element.find(qn("w:sdtContent"))
                if content is not None and (gallery is None or "Table of Contents" not in (
                        gallery.get(qn("w:val")) or "")):
                    self._blocks(content)
                continue
            if element.tag == qn("w:tbl"):
                self.plan.warnings.append(f"{self.path.name}: a table was imported as plain paragraphs")
                for p in element.iter(qn("w:p")):
                    self._paragraph(Paragraph(p, self.document))
                continue
            if element.tag != qn("w:p"):
                continue  # section properties, bookmarks: layout, not text
            instructions = " ".join(t.text or "" for t in element.iter(qn("w:instrText")))
            if "TOC" in instructions.split():
                in_toc = True
            if in_toc:
                in_toc = not any(c.get(qn("w:fldCharType")) == "end" for c in element.iter(qn("w:fldChar")))
                continue
            self._paragraph(Paragraph(element, self.document))

    # -- structure ---------------------------------------------------------------------------

    def _style(self, para: Paragraph) -> str:
        ref = para._p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = ref.get(qn("w:val")) if ref is not None else None
        return self.style_names.get(style_id or "", self.default_style)

    def _paragraph(self, para: Paragraph) -> None:
        style = self._style(para)
        text = para.text.strip()
        if style == "Title" and text:
            self.book.name = text
            self.book.metadata["title"] = text
            return
        if style == "TOC Heading":
            return
        level = _heading_level(style)
        if level in (1, 2) and text:
            self._flush()
            self._open_heading(level, text)
            return
        markdown = self._markdown(para, style, level)
        if markdown:
            self.paragraphs.append(markdown)

    def _open_heading(self, level: int, heading: str) -> None:
        # "Chapter 3: The Storm" as the compiler writes it: the bucket keeps the title, the compiler numbers it.
        labelled = _LABELLED.match(heading)
        title = labelled.group(1) if labelled else heading
        kinds = ("part", "chapter") if self.headings == "parts" else ("chapter", "scene")
        node = Node(title, kinds[level - 1])
        if level == 1:
            self.book.children.append(node)
            if kinds[0] == "part":
                self.open = _Open(part=node)
            else:
                self.open = _Open(chapter=node)
        else:
            parent = (self.open.part if kinds[1] == "chapter" else self.open.chapter) or self.book
            parent.children.append(node)
            if kinds[1] == "chapter":
                self.open.chapter = node
            else:
                self.open.scene = node
        self.target = node

    def _flush(self) -> None:
        self.paragraphs += [f"[^{n}]: {self.notes[n]}" for n in dict.fromkeys(self.used_notes)]
        text = join_paragraphs(self.paragraphs)
        self.paragraphs, self.used_notes = [], []
        if not text.strip():
            return
        target = self.target
        if target is None:
            target = Node("Front Matter", "front-matter")
            self.book.children.insert(0, target)
            self.target = target
        target.texts.append(Text(target.name, text))

    # -- one paragraph as Markdown ---------------------------------------------------------------

    def _markdown(self, para: Paragraph, style: str, level: int) -> str:
        runs = list(self._runs(para))
        body = paragraph_markdown(runs)
        if not body:
            return ""
        if level:
            return f"{'#' * min(level - 1, 4)} {body}"
        numbered = para._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None
        if style.startswith("List Bullet") or (numbered and not style.startswith("List Number")):
            return f"- {body}"
        if style.startswith("List Number"):
            return f"1. {body}"
        if style in ("Quote", "Intense Quote", "Block Text"):
            return f"> {body}"
        return body

    def _runs(self, para: Paragraph) -> Iterator[Run]:
        """The paragraph's text runs, footnote references and pictures, in order (links keep their text)."""
        for r in para._p.iter(qn("w:r")):
            props = r.find(qn("w:rPr"))
            italic = bool(props is not None and _on(props.find(qn("w:i"))))
            bold = bool(props is not None and _on(props.find(qn("w:b"))))
            style = props.find(qn("w:rStyle")) if props is not None else None
            style_id = style.get(qn("w:val")) if style is not None else ""
            italic = italic or style_id in ("Emphasis",)
            bold = bold or style_id in ("Strong",)
            for child in r:
                if child.tag == qn("w:t"):
                    yield Run(child.text or "", italic, bold)
                elif child.tag == qn("w:tab"):
                    yield Run(" ")
                elif child.tag == qn("w:br") and child.get(qn("w:type")) in (None, "textWrapping"):
                    yield Run("\\\n", raw=True)
                elif child.tag == qn("w:footnoteReference"):
                    yield self._note_ref(child.get(qn("w:id")) or "")
                elif child.tag == qn("w:drawing"):
                    yield from self._picture(child)

    def _note_ref(self, note_id: str) -> Run:
        if note_id not in self.notes:
            self.plan.warnings.append(f"{self.path.name}: footnote {note_id} has no text; left out")
            return Run("")
        self.used_notes.append(note_id)
        return Run(f"[^{note_id}]", raw=True)

    def _picture(self, drawing: Any) -> Iterator[Run]:
        for blip in drawing.iter(_BLIP):
            rid = blip.get(_REL_EMBED)
            part = self.document.part.related_parts.get(rid) if rid else None
            if part is None:
                self.plan.warnings.append(f"{self.path.name}: a linked (not embedded) picture was left out")
                continue
            name = self.images.setdefault(rid, f"{self.path.stem}-image{len(self.images) + 1}"
                                               f"{Path(str(part.partname)).suffix.lower()}")
            described = next(drawing.iter(_DOCPR), None)
            alt = (described.get("descr") or described.get("name") or "") if described is not None else ""
            yield Run(f"![{alt}]({name})", raw=True)

    def _collected_images(self) -> list[Image]:
        out = []
        for rid, name in self.images.items():
            part = self.document.part.related_parts[rid]
            out.append(Image(name, part.blob, name))
        return out

    def _footnotes(self) -> dict[str, str]:
        """Footnote id -> its Markdown (ids 0 and -1 are Word's separators, not notes)."""
        part = next((rel.target_part for rel in self.document.part.rels.values()
                     if rel.reltype.endswith("/footnotes") and not rel.is_external), None)
        if part is None:
            return {}
        root = parse_xml(part.blob)
        notes = {}
        for note in root.iterfind(qn("w:footnote")):
            note_id = note.get(qn("w:id")) or ""
            if note.get(qn("w:type")) in ("separator", "continuationSeparator") or note_id in ("-1", "0"):
                continue
            texts = [paragraph_markdown(list(self._runs(Paragraph(p, self.document))))
                     for p in note.iterfind(qn("w:p"))]
            notes[note_id] = " ".join(t for t in texts if t)
        return notes


def _on(element: Any) -> bool:
    if element is None:
        return False
    return element.get(qn("w:val")) not in ("0", "false", "none")


def _heading_level(style: str) -> int:
    if style.startswith("Heading "):
        digits = style.removeprefix("Heading ").strip()
        if digits.isdigit():
            return int(digits)
    return 0
