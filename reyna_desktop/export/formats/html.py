"""One standalone HTML5 file: stylesheet inline, images as data: URIs, links within the page."""

from __future__ import annotations

import base64
from pathlib import Path

from reyna_desktop.export import language
from reyna_desktop.export.book import RenderedBook
from reyna_desktop.export.formats import common
from reyna_desktop.export.formats.common import esc
from reyna_desktop.export.manuscript import ImageRef


def write(book: RenderedBook, out: Path) -> None:
    out.write_text(render(book), encoding="utf-8")


def render(book: RenderedBook) -> str:
    meta = book.meta
    parts = []
    if meta.cover is not None:
        cover = f'<img src="{_data_uri(book, meta.cover)}" alt="{esc(meta.title)}" />'
        parts.append(f'<section class="cover">{cover}</section>\n')
    parts += [common.title_page(meta), common.copyright_page(meta), common.dedication_page(meta)]
    if book.options.include_toc:
        parts.append(toc(book))
    for rd in book.divisions:
        parts.append(common.division_html(rd, heading_id=rd.anchor))
    if book.options.include_index and book.index():
        parts.append(common.index_html(book, lambda d, anchor: f"#{anchor}", page_refs=False))
    body = "".join(parts)
    for ref in book.images():
        body = body.replace(f'src="{ref.href}"', f'src="{_data_uri(book, ref)}"')
    head = (f'<meta charset="utf-8" />\n<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
            f"<title>{esc(meta.title)}</title>\n")
    if meta.author:
        head += f'<meta name="author" content="{esc(meta.author)}" />\n'
    if meta.description:
        head += f'<meta name="description" content="{esc(meta.description)}" />\n'
    css = common.export_resource("epub.css") + common.export_resource("html.css")
    direction = ' dir="rtl"' if language.direction(book.lang) == "rtl" else ""
    return (f'<!DOCTYPE html>\n<html lang="{esc(book.lang)}"{direction}>\n'
            f'<head>\n{head}<style>\n{css}</style>\n</head>\n'
            f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n")


def toc(book: RenderedBook) -> str:
    items = []
    for rd in book.divisions:
        items.append(f'<li class="toc-{rd.division.kind} depth-{rd.division.depth}">'
                     f'<a href="#{rd.anchor}">{esc(rd.division.heading)}</a></li>')
    return '<nav class="toc" role="doc-toc">\n<h1>Contents</h1>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</nav>\n"


def _data_uri(book: RenderedBook, ref: ImageRef) -> str:
    return f"data:{ref.mime};base64,{base64.b64encode(book.load_image(ref)).decode()}"
