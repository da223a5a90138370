"""A division's XHTML body as Word paragraphs, plus the Word XML python-docx has no API for.

python-docx writes paragraphs, runs, styles and pictures; fields (PAGE, TOC) and footnotes it
does not, so they are written here as WordprocessingML elements. `BodyWriter.add_division`
walks the XHTML the markup renderer made (paragraphs, headings, lists, quotes, code, scene
breaks, images, footnote references) and leaves anything else as its plain text.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from lxml import html as lxml_html

from reyna_desktop.export.book import RenderedBook, RenderedDivision
from reyna_desktop.export.manuscript import ImageRef

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr", "section", "div"}
FOOTNOTE_TEXT, FOOTNOTE_REFERENCE = "Footnote Text", "Footnote Reference"


@dataclass
class Look:
    """How body elements are styled: the two layouts differ only in these names and the scene break."""

    scene_break: str  # the text of a scene break ("#" in a manuscript)
    heading_style: Callable[[int], str]  # a sub-heading's level (2..6) -> its paragraph style
    quote_style: str
    code_font: str = "Courier New"


def add_field(paragraph: Paragraph, instruction: str, shown: str = "") -> None:
    """A complex field (PAGE...) in `paragraph`, showing `shown` until Word or LibreOffice computes it."""
    _field_start(paragraph, instruction)
    if shown:
        paragraph.add_run(shown)
    _field_end(paragraph)


def add_toc(document: Document, entries: list[tuple[str, int]]) -> None:
    """A TOC field over Heading 1-2, its result already filled with the headings (without page numbers),
    so the contents read right before Word updates the field (LibreOffice's conversion does not)."""
    para = document.add_paragraph()
    _field_start(para, 'TOC \\o "1-2" \\h \\z \\u')
    for i, (heading, level) in enumerate(entries):
        if i:
            para = document.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.left_indent = Pt(18 * (level - 1))
        para.add_run(heading)
    _field_end(para)


def _field_start(paragraph: Paragraph, instruction: str) -> None:
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))


def _field_end(paragraph: Paragraph) -> None:
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))


# The tail of CT_Settings' element sequence from updateFields on: Word refuses a settings part
# whose elements are out of this order.
_SETTINGS_ORDER = ("updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")


def add_setting(document: Document, element: BaseOxmlElement) -> None:
    """Put `element` (updateFields or footnotePr) into word/settings.xml where the schema wants it."""
    settings = document.settings.element
    name = element.tag.rsplit("}", 1)[1]
    later = _SETTINGS_ORDER[_SETTINGS_ORDER.index(name) + 1:]
    anchor = next((child for child in settings if child.tag.rsplit("}", 1)[-1] in later), None)
    if anchor is None:
        settings.append(element)
    else:
        anchor.addprevious(element)


class Footnotes:
    """The document's footnotes part (word/footnotes.xml), made on first use."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.part: XmlPart | None = None
        self.count = 0

    def add(self, run_paragraph: Paragraph) -> Paragraph:
        """A footnote referenced at the end of `run_paragraph`; returns the note's paragraph to fill."""
        part = self._part()
        self.count += 1
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{self.count}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        part.element.append(note)
        run_paragraph._p.append(parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{self.count}"/></w:r>'
        ))
        return Paragraph(note[0], run_paragraph._parent)

    def _part(self) -> XmlPart:
        if self.part is None:
            element = parse_xml(
                f'<w:footnotes {nsdecls("w")}>'
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                "</w:p></w:footnote></w:footnotes>"
            )
            doc_part = self.document.part
            self.part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, doc_part.package)
            doc_part.relate_to(self.part, RT.FOOTNOTES)
            _footnote_styles(self.document)
            add_setting(self.document, parse_xml(  # Word wants the separators named in the settings too
                f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'))
        return self.part


def _footnote_styles(document: Document) -> None:
    styles = document.styles
    names = {s.name for s in styles}
    if FOOTNOTE_TEXT not in names:
        text = styles.add_style(FOOTNOTE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
        text.base_style = styles["Normal"]
        text.font.size = Pt(10)
        fmt = text.paragraph_format
        fmt.first_line_indent, fmt.line_spacing, fmt.space_after = Pt(0), 1.0, Pt(2)
    if FOOTNOTE_REFERENCE not in names:
        styles.add_style(FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER).font.superscript = True


class BodyWriter:
    """Appends divisions' bodies to a document, with footnotes and pictures."""

    def __init__(self, document: Document, book: RenderedBook, look: Look, text_width: Emu) -> None:
        self.document = document
        self.book = book
        self.look = look
        self.text_width = text_width
        self.footnotes = Footnotes(document)

    def add_division(self, rd: RenderedDivision) -> None:
        root = lxml_html.fragment_fromstring(rd.body.html, create_parent="div")
        notes = {li.get("id"): li for li in root.iterfind(".//section[@class='footnotes']//li")}
        for element in root:
            self._block(element, notes)

    def _block(self, el: etree._Element, notes: dict[str | None, etree._Element], style: str | None = None,
               list_style: str | None = None) -> None:
        tag, cls = el.tag, el.get("class") or ""
        if (tag == "section" and "footnotes" in cls) or (tag == "hr" and "footnotes-sep" in cls):
            return  # the notes themselves are placed where they are referenced
        if tag == "p" and "scene-break" in cls:
            para = self.document.add_paragraph(self.look.scene_break)
            centre(para)
        elif tag == "p":
            para = self.document.add_paragraph(style=style)
            if "image" in cls:
                centre(para)
            self._inline(el, para, notes)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            para = self.document.add_paragraph(style=self.look.heading_style(int(tag[1])))
            self._inline(el, para, notes)
        elif tag == "blockquote":
            for child in el:
                self._block(child, notes, style=self.look.quote_style)
        elif tag in ("ul", "ol"):
            for li in el.iterfind("li"):
                self._list_item(li, notes, "List Bullet" if tag == "ul" else "List Number")
        elif tag == "pre":
            for line in (el.text_content() or "").rstrip("\n").split("\n"):
                run = self.document.add_paragraph(style=style).add_run(line)
                run.font.name = self.look.code_font
        elif tag == "hr":
            centre(self.document.add_paragraph(self.look.scene_break))
        else:  # an element the renderer does not make: keep its words
            text = (el.text_content() or "").strip()
            if text:
                self.document.add_paragraph(text, style=style)

    def _list_item(self, li: etree._Element, notes: dict[str | None, etree._Element], style: str) -> None:
        if any(child.tag in BLOCKS for child in li):
            for child in li:
                if child.tag == "p":
                    self._inline(child, self.document.add_paragraph(style=style), notes)
                else:
                    self._block(child, notes)
        else:
            self._inline(li, self.document.add_paragraph(style=style), notes)

    def _inline(self, el: etree._Element, para: Paragraph, notes: dict[str | None, etree._Element],
                italic: bool = False, bold: bool = False, code: bool = False) -> None:
        """Append `el`'s text and children (but not its tail) to `para` as runs."""
        self._text(para, el.text, italic, bold, code)
        for child in el:
            tag, cls = child.tag, child.get("class") or ""
            if tag == "br":
                para.add_run().add_break(WD_BREAK.LINE)
            elif tag == "sup" and "footnote-ref" in cls:
                self._footnote(child, para, notes)
            elif tag == "img":
                self._picture(child, para)
            elif tag == "a" and "footnote-backref" in cls:
                pass
            else:
                self._inline(child, para, notes, italic or tag in ("em", "i"), bold or tag in ("strong", "b"),
                             code or tag == "code")
            self._text(para, child.tail, italic, bold, code)

    def _text(self, para: Paragraph, text: str | None, italic: bool, bold: bool, code: bool) -> None:
        text = (text or "").replace("\n", " ")
        if not text:
            return
        run = para.add_run(text)
        run.italic = italic or None
        run.bold = bold or None
        if code:
            run.font.name = self.look.code_font

    def _footnote(self, sup: etree._Element, para: Paragraph, notes: dict[str | None, etree._Element]) -> None:
        link = sup.find("a")
        target = (link.get("href") or "").lstrip("#") if link is not None else ""
        note = notes.get(target)
        if note is None:
            return
        note_para = self.footnotes.add(para)
        for i, child in enumerate(note.iterfind("p")):
            if i:
                note_para.add_run().add_break(WD_BREAK.LINE)
            self._inline(child, note_para, {})
        last = note_para.runs[-1] if note_para.runs else None
        if isinstance(last, Run) and last.text.endswith(" "):
            last.text = last.text.rstrip()

    def _picture(self, img: etree._Element, para: Paragraph) -> None:
        src = img.get("src") or ""
        ref = next((r for r in self.book.images() if r.href == src), None)
        if ref is None:
            return
        self.add_picture(para, ref)

    def add_picture(self, para: Paragraph, ref: ImageRef, max_width: Emu | None = None) -> None:
        """`ref` in `para`, no wider than the text (or `max_width`); a format Word cannot show is a warning."""
        data = self.book.load_image(ref)
        if not data:
            return
        width = max_width or self.text_width
        try:
            run = para.add_run()
            shape = run.add_picture(io.BytesIO(data))
            if shape.width > width:
                shape.height = Emu(int(shape.height * width / shape.width))
                shape.width = width
        except UnrecognizedImageError:
            para._p.remove(run._r)
            self.book.warnings.append(
                f"image {ref.filename!r} is in a format Word cannot show; its description is shown instead")
            para.add_run(f"[{ref.alt or ref.filename}]")


def centre(para: Paragraph) -> None:
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)

