"""EPUB 3 with EbookLib, valid under EPUBCheck 5 with no warnings.

Layout inside the container (all XHTML in one folder, so every link is a plain relative name):
``cover.xhtml``, ``title.xhtml``, ``copyright.xhtml``, ``dedication.xhtml``, ``nav.xhtml``,
``div001.xhtml``…, ``index.xhtml``, ``style/book.css``, ``fonts/*``, ``images/*``. The cover page is
linear (EPUBCheck 5 flags an unreachable non-linear cover, OPF-096). A NCX is written for old readers.
Every page carries the book's ``lang``/``xml:lang``; a right-to-left book also ``dir="rtl"`` and a
right-to-left page progression. The stylesheet names font fallbacks by language (CJK, Arabic, Hebrew):
those fonts are too large to embed, so the reading system's own are used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ebooklib import epub

from reyna_desktop.export import fonts, language
from reyna_desktop.export.book import RenderedBook, RenderedDivision
from reyna_desktop.export.formats import common
from reyna_desktop.export.formats.common import esc

ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityHazard", "none"),
)


def write(book: RenderedBook, out: Path) -> None:
    meta = book.meta
    eb = epub.EpubBook()
    eb.set_identifier(meta.identifier)
    eb.set_title(meta.title)
    eb.set_language(book.lang)
    direction = language.direction(book.lang)
    if direction == "rtl":
        eb.set_direction("rtl")  # the spine's page-progression-direction
    if meta.author:
        eb.add_author(meta.author, file_as=meta.author_file_as or _file_as(meta.author), role="aut", uid="creator")
    for name, value in (("description", meta.description), ("rights", meta.rights), ("publisher", meta.publisher),
                        ("date", meta.publication_date)):
        if value:
            eb.add_metadata("DC", name, value)
    if meta.isbn:
        eb.add_metadata("DC", "source", f"urn:isbn:{meta.isbn}")
    for prop, value in ACCESSIBILITY:
        eb.add_metadata(None, "meta", value, {"property": prop})
    summary = ("This publication meets basic accessibility: a table of contents, headings, "
               "and text descriptions of images.")
    eb.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})

    css = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css", content=_css().encode())
    eb.add_item(css)
    for font in fonts.family(fonts.SERIF) + fonts.family("Liberation Mono"):
        eb.add_item(epub.EpubItem(uid=f"font-{font.file.split('.')[0]}", file_name=f"fonts/{font.file}",
                                  media_type=font.mime, content=font.path.read_bytes()))
    for ref in book.images():
        eb.add_item(epub.EpubImage(uid=f"img-{ref.blob_id}", file_name=ref.href, media_type=ref.mime,
                                   content=book.load_image(ref)))

    spine: list[Any] = []

    def page(uid: str, name: str, title: str, body: str) -> epub.EpubHtml:
        item = epub.EpubHtml(uid=uid, file_name=name, title=title, lang=book.lang, content=_doc(body),
                             direction=direction if direction == "rtl" else None)
        item.add_item(css)
        eb.add_item(item)
        spine.append(item)
        return item

    if meta.cover is not None:
        ext = meta.cover.ext
        eb.set_cover(f"images/cover.{ext}", book.load_image(meta.cover), create_page=False)
        page("cover", "cover.xhtml", "Cover",
             f'<section class="cover"><img src="images/cover.{ext}" alt="{esc(meta.title)}" /></section>')
    page("title", "title.xhtml", meta.title, common.title_page(meta))
    page("copyright", "copyright.xhtml", "Copyright", common.copyright_page(meta))
    if meta.dedication:
        page("dedication", "dedication.xhtml", "Dedication", common.dedication_page(meta))

    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml")
    nav.add_item(css)
    eb.add_item(nav)
    if book.options.include_toc:
        spine.append(nav)

    chapters = [page(f"div{i:03d}", rd.file_name, rd.division.heading, common.division_html(rd))
                for i, rd in enumerate(book.divisions, 1)]
    index_item = None
    if book.options.include_index and book.index():
        index_item = page("index", "index.xhtml", "Index",
                          common.index_html(book, lambda d, anchor: f"{d.file_name}#{anchor}", page_refs=False))

    eb.toc = _toc(book.divisions, chapters)
    if index_item is not None:
        eb.toc.append(epub.Link("index.xhtml", "Index", "toc-index"))
    eb.add_item(epub.EpubNcx())
    eb.spine = spine
    epub.write_epub(str(out), eb, {"epub3_pages": False, "play_order": {"enabled": True, "start_from": 1}})


def _toc(divisions: list[RenderedDivision], items: list[epub.EpubHtml]) -> list[Any]:
    """Parts hold the chapters after them (up to the next part); everything else is top level."""
    toc: list[Any] = []
    current: list[Any] | None = None
    for rd, item in zip(divisions, items):
        link = epub.Link(item.file_name, rd.division.heading, f"toc-{item.id}")
        if rd.division.kind == "part":
            current = []
            toc.append((epub.Section(rd.division.heading, item.file_name), current))
        elif current is not None and rd.division.kind == "chapter" and rd.division.depth > 1:
            current.append(link)
        else:
            current = None
            toc.append(link)
    return toc


def _doc(body: str) -> str:
    return f"<html><head></head><body>{body}</body></html>"


def _css() -> str:
    faces = fonts.font_face_css(fonts.family(fonts.SERIF) + fonts.family("Liberation Mono"),
                                lambda f: f"../fonts/{f.file}")
    return faces + common.export_resource("epub.css")


def _file_as(author: str) -> str:
    """"Ada King Lovelace" files as "Lovelace, Ada King"."""
    words = author.split()
    return f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else author
