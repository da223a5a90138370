"""The book compiler: a book (or album) bucket to EPUB 3, print PDF, Markdown, HTML or a songbook PDF.

    from reyna_desktop.export import compile_bucket
    result = compile_bucket(store, book_id, "pdf", "novel.pdf", preset="Paperback")

Pipeline: assemble (pick each section's text) -> render (Markdown to XHTML, cached per section)
-> one writer per format (formats/) -> the file, stored as a compiled-book-v1 blob.
"""

from __future__ import annotations

from reyna_desktop.export.compile import PROCESSOR_ID, CompileResult, compile_bucket
from reyna_desktop.export.options import FORMATS, CompileOptions
from reyna_desktop.export.presets import delete_preset, get_preset, list_presets, resolve_options, save_preset

__all__ = [
    "FORMATS",
    "PROCESSOR_ID",
    "CompileOptions",
    "CompileResult",
    "compile_bucket",
    "delete_preset",
    "get_preset",
    "list_presets",
    "resolve_options",
    "save_preset",
]
