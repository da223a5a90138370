"""DOCX (python-docx): a manuscript in Shunn's format, or the book in real Word styles.

`docx_layout="manuscript"` (the "manuscript" preset) is what agents and editors ask for: Times
New Roman or Courier New 12 pt, 1-inch margins, double spacing, ragged right, a 0.5-inch first-line
indent set in the Normal style; page 1 with the author's legal name and contact top left, the word
count rounded to 100 top right, title and byline halfway down; later pages headed
``Surname / Short title / N`` (N a PAGE field); each chapter on a new page; ``#`` scene breaks; END.

`docx_layout="book"` (the default, the "book" preset) keeps the book's own look in Word's built-in
styles (Title, Heading 1/2, Normal, Quote, List...) so a publisher's template restyles it, with a TOC
field, footnotes and pictures.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Inches, Pt
from docx.styles.style import CharacterStyle

from reyna_desktop.export.book import RenderedBook
from reyna_desktop.export.formats.docx_body import BodyWriter, Look, add_field, add_setting, add_toc, centre
from reyna_desktop.export.manuscript import BookMeta

MANUSCRIPT_PAGE = (Inches(8.5), Inches(11))  # US Letter, as Shunn's format is used by US markets


def write(book: RenderedBook, out: Path) -> None:
    document = new_document()
    if book.options.docx_layout == "manuscript":
        write_manuscript(document, book)
    else:
        write_book(document, book)
    props = document.core_properties
    props.title, props.author, props.language = book.meta.title, book.meta.author, book.lang
    document.save(str(out))


# --- the manuscript layout ------------------------------------------------------------------------

def rounded_words(words: int) -> str:
    """Shunn: the count rounded to the nearest hundred ("about 80,100 words"), at least 100."""
    return f"about {max(100, (words + 50) // 100 * 100):,} words"  # half up, not to even


def surname(meta: BookMeta) -> str:
    if meta.author_file_as:
        return meta.author_file_as.split(",")[0].strip()
    return meta.author.split()[-1] if meta.author.split() else ""


def running_head(meta: BookMeta) -> str:
    """The text before the page number in every later page's header: "Surname / Short title / "."""
    parts = [surname(meta), meta.short_title or meta.title]
    return " / ".join(p for p in parts if p) + " / "


def write_manuscript(document: Document, book: RenderedBook) -> None:
    meta = book.meta
    section = document.sections[0]
    section.page_width, section.page_height = MANUSCRIPT_PAGE
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = Inches(0.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = book.options.manuscript_font, Pt(12)
    _east_asian_font(normal, book.options.manuscript_font)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.DOUBLE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Inches(0.5)
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.widow_control = True
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title", "Quote", "List Bullet", "List Number"):
        _plain_style(document, name, book.options.manuscript_font)

    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.paragraph_format.first_line_indent = Pt(0)
    header.paragraph_format.line_spacing = 1.0
    header.add_run(running_head(meta))
    add_field(header, "PAGE", "2")

    _manuscript_first_page(document, book, Emu(section.page_width - Inches(2)))
    look = Look(scene_break="#", heading_style=lambda level: "Heading 3", quote_style="Quote")
    body = BodyWriter(document, book, look, Emu(section.page_width - Inches(2)))
    for rd in book.divisions:
        heading = document.add_paragraph(rd.division.heading, style="Heading 1")
        heading.paragraph_format.page_break_before = True
        body.add_division(rd)
    centre(document.add_paragraph("END"))


def _manuscript_first_page(document: Document, book: RenderedBook, text_width: Emu) -> None:
    meta = book.meta
    single = [meta.legal_name or meta.author, *[line.strip() for line in meta.contact.splitlines() if line.strip()]]
    for i, line in enumerate(single):
        para = document.add_paragraph()
        fmt = para.paragraph_format
        fmt.first_line_indent, fmt.line_spacing = Pt(0), 1.0
        para.add_run(line)
        if i == 0:
            fmt.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
            para.add_run("\t" + rounded_words(book.word_count))
    title = document.add_paragraph(meta.title, style="Title")
    title.paragraph_format.space_before = Inches(max(0.5, 3.5 - 0.2 * len(single)))
    if meta.subtitle:
        centre(document.add_paragraph(meta.subtitle))
    if meta.author:
        centre(document.add_paragraph(f"by {meta.author}"))


def _plain_style(document: Document, name: str, font: str) -> None:
    """Manuscript headings and quotes: the body font, 12 pt, black, centred headings, no colour."""
    style = document.styles[name]
    style.font.name, style.font.size, style.font.bold, style.font.italic = font, Pt(12), False, False
    style.font.color.rgb = None
    _east_asian_font(style, font)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.DOUBLE
    fmt.space_before = fmt.space_after = Pt(0)
    if name.startswith("Heading") or name == "Title":
        fmt.alignment, fmt.first_line_indent = WD_ALIGN_PARAGRAPH.CENTER, Pt(0)
        style.font.bold = name != "Heading 1" or None
    if name == "Heading 1":
        fmt.space_before = Inches(2)  # chapters open a third of the way down the page
        fmt.space_after = Pt(24)
    if name == "Quote":
        fmt.left_indent = fmt.right_indent = Inches(0.5)
    if name == "Title":
        _no_border(style)


# --- the book layout ------------------------------------------------------------------------------

def write_book(document: Document, book: RenderedBook) -> None:
    meta, options = book.meta, book.options
    section = document.sections[0]
    width, height = options.trim_inches
    section.page_width, section.page_height = Inches(width), Inches(height)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Inches(0.75))
    text_width = Emu(section.page_width - Inches(1.5))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = options.body_font, Pt(options.font_size_pt)
    _east_asian_font(normal, options.body_font)
    fmt = normal.paragraph_format
    fmt.first_line_indent, fmt.space_after, fmt.line_spacing = Inches(0.25), Pt(0), 1.15
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Quote", "List Bullet", "List Number"):
        document.styles[name].paragraph_format.first_line_indent = Pt(0)
        document.styles[name].paragraph_format.alignment = (
            WD_ALIGN_PARAGRAPH.CENTER if name in ("Title", "Subtitle") else WD_ALIGN_PARAGRAPH.LEFT)
    _no_border(document.styles["Title"])

    look = Look(scene_break=options.scene_separator, heading_style=lambda level: f"Heading {min(level + 1, 4)}",
                quote_style="Quote")
    body = BodyWriter(document, book, look, text_width)
    if meta.cover is not None:
        cover = document.add_paragraph()
        centre(cover)
        body.add_picture(cover, meta.cover, Emu(int(text_width * 0.8)))
        cover.add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph(meta.title, style="Title")
    if meta.subtitle:
        document.add_paragraph(meta.subtitle, style="Subtitle")
    if meta.author:
        centre(document.add_paragraph(meta.author))
    _book_front_matter(document, meta)
    if options.include_toc:
        contents = document.add_paragraph("Contents", style="TOC Heading")
        contents.paragraph_format.page_break_before = True
        entries = [(rd.division.heading, 1 if rd.division.kind == "part" or rd.division.depth == 1 else 2)
                   for rd in book.divisions]
        add_toc(document, entries)
        _update_fields_on_open(document)
    for rd in book.divisions:
        style = "Heading 1" if rd.division.kind == "part" or rd.division.depth == 1 else "Heading 2"
        heading = document.add_paragraph(rd.division.heading, style=style)
        heading.paragraph_format.page_break_before = True
        body.add_division(rd)


def _book_front_matter(document: Document, meta: BookMeta) -> None:
    lines = [meta.title + (f": {meta.subtitle}" if meta.subtitle else "")]
    year = meta.publication_date[:4]
    if meta.rights:
        lines.append(meta.rights)
    elif year or meta.author:
        lines.append(" ".join(filter(None, ["©", year, meta.author])))
    if meta.publisher:
        lines.append(f"Published by {meta.publisher}")
    if meta.isbn:
        lines.append(f"ISBN {meta.isbn}")
    for i, line in enumerate(lines):
        para = document.add_paragraph(line)
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.page_break_before = i == 0
    dedication = [p.strip() for p in meta.dedication.split("\n") if p.strip()]
    for i, line in enumerate(dedication):
        para = document.add_paragraph()
        centre(para)
        para.add_run(line).italic = True
        para.paragraph_format.page_break_before = i == 0


# --- shared -------------------------------------------------------------------------------------

def _east_asian_font(style: CharacterStyle, font: str) -> None:
    """python-docx sets only the Latin font: set the East Asian one too (so CJK text uses it in Word) and
    drop the template's theme fonts, which would win over both."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _no_border(style: CharacterStyle) -> None:
    """The template's Title has a blue bottom rule and colour; a manuscript and a book want neither."""
    ppr = style.element.pPr
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
    style.font.color.rgb = None


def _update_fields_on_open(document: Document) -> None:
    """Ask Word to fill in the TOC when the file is opened."""
    add_setting(document, parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))
