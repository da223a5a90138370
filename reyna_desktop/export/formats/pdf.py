"""A print-ready PDF with WeasyPrint: trim size, mirrored margins, running headers, real footnotes.

The document is one HTML file: title page, copyright page, dedication, contents (page numbers by
CSS ``target-counter``), the divisions, the index. ``resources/export/print.css`` holds the design;
the block made here sets what varies per book (page size, margins, fonts, header texts). Fonts come
from ``resources/fonts`` so every one is embedded; PDF/A-3b is an option (``pdf_variant``).
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from reyna_desktop.export import fonts
from reyna_desktop.export.book import RenderedBook, RenderedDivision
from reyna_desktop.export.formats import common
from reyna_desktop.export.formats.common import esc

# WeasyPrint says, once per font, that it subsets with fontTools; that is fine for us.
logging.getLogger("weasyprint").addFilter(lambda record: "HarfBuzz-Subset" not in record.getMessage())

# Margins in inches: (top, bottom, inner, outer) by trim size.
MARGINS = {
    "6x9": (0.75, 0.8, 0.875, 0.625),
    "5.5x8.5": (0.7, 0.75, 0.8, 0.55),
    "a5": (0.7, 0.75, 0.8, 0.55),
    "letter": (1.0, 1.0, 1.125, 0.875),
}
_FOOTNOTE_ITEM = re.compile(
    r'<li id="(fn-[^"]+)" class="footnote-item">(.*?)</li>', re.DOTALL
)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#(fn-[^"]+)" id="[^"]+">\[[^\]]*\]</a></sup>')
_FOOTNOTE_BLOCK = re.compile(r'<hr class="footnotes-sep" />\s*<section class="footnotes">.*?</section>\s*', re.DOTALL)
_BACKREF = re.compile(r'\s*<a href="#fnref-[^"]+" class="footnote-backref">.*?</a>')


def write(book: RenderedBook, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="reyna-pdf-") as folder:
        base = Path(folder)
        (base / "images").mkdir()
        for ref in book.images():
            (base / ref.href).write_bytes(book.load_image(ref))
        font_config = FontConfiguration()
        html = HTML(string=document(book), base_url=str(base) + "/")
        stylesheets = [CSS(string=page_css(book), font_config=font_config),
                       CSS(string=common.export_resource("print.css"), font_config=font_config)]
        variant = book.options.pdf_variant
        html.write_pdf(out, stylesheets=stylesheets, font_config=font_config, pdf_variant=variant,
                       uncompressed_pdf=False, pdf_identifier=book.meta.identifier.encode() if variant else None)


def document(book: RenderedBook) -> str:
    meta = book.meta
    parts = [common.title_page(meta), common.copyright_page(meta), common.dedication_page(meta)]
    if book.options.include_toc:
        parts.append(toc(book))
    parts += [_with_footnotes(common.division_html(rd, heading_id=rd.anchor)) for rd in book.divisions]
    if book.options.include_index and book.index():
        parts.append(common.index_html(book, lambda d, anchor: f"#{anchor}", page_refs=True))
    head = f"<title>{esc(meta.title)}</title>\n"
    for name, value in (("author", meta.author), ("description", meta.description),
                        ("dcterms.created", meta.publication_date)):
        if value:
            head += f'<meta name="{name}" content="{esc(value)}" />\n'
    return (f'<!DOCTYPE html>\n<html lang="{esc(book.lang)}">\n<head>\n<meta charset="utf-8" />\n{head}</head>\n'
            f'<body>\n{"".join(parts)}</body>\n</html>\n')


def toc(book: RenderedBook) -> str:
    items = [_toc_item(rd) for rd in book.divisions]
    if book.options.include_index and book.index():
        items.append('<li class="toc-back depth-1"><a href="#index">Index</a></li>')
    return '<nav class="toc" role="doc-toc">\n<h1>Contents</h1>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</nav>\n"


def _toc_item(rd: RenderedDivision) -> str:
    d = rd.division
    return f'<li class="toc-{d.kind} depth-{d.depth}"><a href="#{rd.anchor}">{esc(d.heading)}</a></li>'


def page_css(book: RenderedBook) -> str:
    """What varies per book: trim size, mirrored margins, fonts, running headers, hyphenation."""
    o = book.options
    width, height = o.trim_inches
    top, bottom, inner, outer = MARGINS[o.trim_size]
    shipped = fonts.family(o.body_font) or fonts.family(fonts.SERIF)
    faces = fonts.font_face_css([*shipped, *fonts.family("Liberation Mono")], lambda f: f.path.as_uri())
    family = f'"{o.body_font}", "{fonts.SERIF}", serif'
    author, title = _css_string(book.meta.author or book.meta.title), _css_string(book.meta.title)
    header = "font-size: 8.5pt; font-variant: small-caps; letter-spacing: 0.06em;"
    return f"""{faces}
@page {{ size: {width}in {height}in; margin: {top}in {outer}in {bottom}in {inner}in; }}
@page :left {{ margin-left: {outer}in; margin-right: {inner}in;
  @top-left {{ content: counter(page); font-size: 9pt; }}
  @top-center {{ content: {author}; {header} }} }}
@page :right {{ margin-left: {inner}in; margin-right: {outer}in;
  @top-right {{ content: counter(page); font-size: 9pt; }}
  @top-center {{ content: {title}; {header} }} }}
html {{ font-family: {family}; font-size: {o.font_size_pt}pt; }}
p, li, blockquote {{ hyphens: {"auto" if o.hyphenate else "manual"}; }}
section.chapter, section.front, section.back, section.index {{
  break-before: {"right" if o.recto_chapters else "page"}; }}
"""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _with_footnotes(section: str) -> str:
    """Move markdown-it's end-of-chapter notes to their calls, as CSS footnotes at the page foot."""
    notes = {m.group(1): _BACKREF.sub("", m.group(2)).strip() for m in _FOOTNOTE_ITEM.finditer(section)}
    if not notes:
        return section
    section = _FOOTNOTE_BLOCK.sub("", section)

    def call(match: re.Match[str]) -> str:
        body = notes.pop(match.group(1), None)
        if body is None:
            return ""
        body = re.sub(r"^<p>|</p>$", "", body).replace("</p>\n<p>", " ")
        return f'<span class="footnote">{body}</span>'

    return _FOOTNOTE_REF.sub(call, section)
