"""XHTML pieces every book format shares: title page, copyright page, dedication, headings, index."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from reyna_desktop.export.book import RenderedBook, RenderedDivision
from reyna_desktop.export.manuscript import BookMeta
from reyna_desktop.paths import resources_dir

ROLE = {"front": "doc-prologue", "part": "doc-part", "chapter": "doc-chapter", "back": "doc-epilogue"}


def esc(text: str) -> str:
    return escape(text, quote=True)


def export_resource(name: str) -> str:
    return (resources_dir() / "export" / name).read_text(encoding="utf-8")


def title_page(meta: BookMeta) -> str:
    parts = [f'<h1 class="book-title">{esc(meta.title)}</h1>']
    if meta.subtitle:
        parts.append(f'<p class="book-subtitle">{esc(meta.subtitle)}</p>')
    if meta.author:
        parts.append(f'<p class="book-author">{esc(meta.author)}</p>')
    if meta.publisher:
        parts.append(f'<p class="book-publisher">{esc(meta.publisher)}</p>')
    return f'<section class="title-page">\n{"".join(parts)}\n</section>\n'


def copyright_page(meta: BookMeta) -> str:
    year = meta.publication_date[:4]
    lines = [f"{esc(meta.title)}" + (f": {esc(meta.subtitle)}" if meta.subtitle else "")]
    if meta.rights:
        lines.append(esc(meta.rights))
    elif year or meta.author:  # a bare "©" with no holder and no year says nothing
        lines.append(" ".join(filter(None, ["©", year, esc(meta.author)])))
    if meta.publisher:
        lines.append(f"Published by {esc(meta.publisher)}")
    if meta.isbn:
        lines.append(f"ISBN {esc(meta.isbn)}")
    body = "".join(f"<p>{line}</p>\n" for line in lines)
    return f'<section class="copyright-page">\n{body}</section>\n'


def dedication_page(meta: BookMeta) -> str:
    if not meta.dedication:
        return ""
    paragraphs = "".join(f"<p>{esc(p.strip())}</p>" for p in meta.dedication.split("\n") if p.strip())
    return f'<section class="dedication">\n{paragraphs}\n</section>\n'


def division_html(rd: RenderedDivision, *, heading_id: str | None = None) -> str:
    """A division's heading and body, as one section element."""
    d = rd.division
    id_attr = f' id="{heading_id}"' if heading_id else ""
    cls = f"{d.kind} depth-{d.depth}"
    heading = f'<h1 class="{d.kind}-title"{id_attr}>{esc(d.heading)}</h1>'
    body = f'<div class="text">\n{rd.body.html}</div>'
    return f'<section class="{cls}" role="{ROLE[d.kind]}">\n{heading}\n{body}\n</section>\n'


def index_html(book: RenderedBook, href: Callable[[RenderedDivision, str], str], *, page_refs: bool) -> str:
    """The index: each marked term with links to where it is marked (shown as page numbers in print)."""
    items = []
    for entry in book.index():
        links = []
        places = entry.places
        if page_refs:  # one page number per chapter: "9, 9" helps nobody
            places = list({id(d): (d, a) for d, a in reversed(places)}.values())[::-1]
        for n, (division, anchor) in enumerate(places, 1):
            label = "" if page_refs else (esc(division.division.heading) if len(places) == 1 else str(n))
            links.append(f'<a href="{href(division, anchor)}">{label}</a>')
        items.append(f'<li><span class="term">{esc(entry.term)}</span> {", ".join(links)}</li>')
    head = '<section class="index" role="doc-index">\n<h1 class="index-title" id="index">Index</h1>\n'
    return head + "<ul>\n" + "\n".join(items) + "\n</ul>\n</section>\n"
