"""A print-ready PDF typeset by Typst: trim size, mirrored margins, running heads, real footnotes.

The book goes to ``resources/export/book.typ`` as data (see ``book_data``): metadata, options,
each division's body as a node tree (``export.doctree``), the index. The template holds the
design: title, copyright and dedication pages, contents with page numbers, parts and chapters
in the PDF outline, chapter openings on a new (optionally odd) page without running heads,
hyphenation by the book's language, footnotes, images, the index, a cover page when the book
has a cover image. Every font is a shipped OFL font or an installed script font, all embedded;
PDF/A and PDF/UA are options (``pdf_variant``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reyna_desktop.export import doctree, fonts, language, script_fonts, typesetter
from reyna_desktop.export.book import RenderedBook
from reyna_desktop.export.manuscript import ImageRef

# Margins in inches: (top, bottom, inner, outer) by trim size.
MARGINS = {
    "6x9": (0.75, 0.8, 0.875, 0.625),
    "5.5x8.5": (0.7, 0.75, 0.8, 0.55),
    "a5": (0.7, 0.75, 0.8, 0.55),
    "letter": (1.0, 1.0, 1.125, 0.875),
}


def write(book: RenderedBook, out: Path) -> None:
    engine = typesetter.shared()
    images: dict[str, bytes] = {}
    data = book_data(book, engine, images)
    warn_uncovered(book)
    pdf, warnings = engine.typeset("book.typ", data, images, book.options.pdf_variant)
    book.warnings.extend(f"PDF: {w}" for w in warnings)
    out.write_bytes(pdf)  # `out` is already the compiler's temp file


def book_data(book: RenderedBook, engine: typesetter.Typesetter, images: dict[str, bytes]) -> dict[str, Any]:
    """Everything the template lays out, as JSON-ready data; `images` fills with the files it names."""
    o, meta = book.options, book.meta

    def image_path(ref: ImageRef) -> str:
        content = book.load_image(ref)
        name = typesetter.image_name(content, ref.ext)
        images[name] = content
        return "/" + name

    paths = {ref.href: image_path(ref) for ref in book.images()}
    width, height = o.trim_inches
    top, bottom, inner, outer = MARGINS[o.trim_size]
    index = book.index() if o.include_index else []
    body_font = o.body_font if fonts.family(o.body_font) else fonts.SERIF
    latin = list(dict.fromkeys([engine.family(body_font), engine.family(fonts.SERIF)]))
    chain: list[str | dict[str, str]] = list(latin)
    if language.primary(book.lang) in script_fonts.CJK_LANGUAGES:
        # Latin letters in Garamond, but CJK punctuation (full-width quotes, commas) from the CJK font.
        chain = [{"name": name, "covers": "latin-in-cjk"} for name in latin]
    chain += [f.family for f in script_fonts.fallbacks(book.lang)]
    return {
        "meta": {
            "title": meta.title, "subtitle": meta.subtitle, "author": meta.author, "publisher": meta.publisher,
            "isbn": meta.isbn, "rights": meta.rights, "description": meta.description,
            "year": meta.publication_date[:4],
            "dedication": [p.strip() for p in meta.dedication.split("\n") if p.strip()],
            "cover": image_path(meta.cover) if meta.cover else None,
            "cover_alt": meta.cover.alt if meta.cover else "",
        },
        "lang": language.primary(book.lang), "region": language.region(book.lang),
        "dir": language.direction(book.lang),
        "fonts": chain, "mono": engine.family("Liberation Mono"),
        "page": {"width": width, "height": height, "top": top, "bottom": bottom, "inner": inner, "outer": outer},
        "font_size": o.font_size_pt, "hyphenate": o.hyphenate, "recto": o.recto_chapters, "toc": o.include_toc,
        "divisions": [
            {"kind": rd.division.kind, "depth": rd.division.depth, "heading": rd.division.heading,
             "anchor": rd.anchor,
             "body": _with_image_paths(doctree.tree(rd.body.html), paths) if rd.body.images
             else doctree.tree(rd.body.html)}
            for rd in book.divisions
        ],
        "index": [
            {"term": entry.term,
             # one page number per chapter: "9, 9" helps nobody
             "places": list({id(d): anchor for d, anchor in reversed(entry.places)}.values())[::-1]}
            for entry in index
        ],
    }


def warn_uncovered(book: RenderedBook) -> None:
    """A script no font has would print as empty boxes: say which, and where."""
    shipped = [book.options.body_font, fonts.SERIF]
    for rd in book.divisions:
        texts = [rd.division.heading, rd.body.html]
        for script, sample in script_fonts.uncovered(texts, shipped, book.lang).items():
            book.warnings.append(f"{rd.division.where}: no installed font has the {script} script "
                                 f"({sample}); those characters print as empty boxes in the PDF")


def _with_image_paths(nodes: list[doctree.Node], paths: dict[str, str]) -> list[doctree.Node]:
    """Point each image at its file in the typesetter's work folder (a copy: the tree is cached)."""
    out: list[doctree.Node] = []
    for node in nodes:
        if isinstance(node, dict):
            node = {**node, "c": _with_image_paths(node["c"], paths)}
            if node["t"] == "img":
                node["src"] = paths.get(node.get("src", ""), "")
        out.append(node)
    return out
