"""One writer per output format, all reading the same RenderedBook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reyna_desktop.export.book import RenderedBook
from reyna_desktop.export.formats import docx, epub, html, markdown, pdf

Writer = Callable[[RenderedBook, Path], None]

WRITERS: dict[str, Writer] = {"epub": epub.write, "pdf": pdf.write, "md": markdown.write, "html": html.write,
                           "docx": docx.write}
MIME = {
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "songbook-pdf": "application/pdf",
}
