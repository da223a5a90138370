"""The `book-compiler` processor: the compile operation as a job, for the runner and the GUI.

Params: ``output_format`` (or ``format``; default ``pdf``), ``preset``, ``options`` (an object of
compile options) or the seed's flat ``include_toc`` / ``include_index``, and ``out_path`` (else
the file lives only in the store, as the compiled-book-v1 blob this returns).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, ClassVar

from reyna_desktop.export.compile import PROCESSOR_ID, compile_bucket
from reyna_desktop.export.options import FORMATS
from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.schema_ids import COMPILED_BOOK

EXTENSIONS = {"epub": "epub", "pdf": "pdf", "md": "md", "html": "html", "songbook-pdf": "pdf"}
FLAT_OPTIONS = ("include_toc", "include_index", "trim_size", "transpose", "pdf_variant", "chapter_template")


class BookCompilerProcessor(Processor):
    id: ClassVar[str] = PROCESSOR_ID
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = "Compiles a book to EPUB 3, print PDF, Markdown or HTML, or an album to a songbook PDF"
    input_schemas: ClassVar[tuple[str, ...]] = ("bucket:book", "bucket:album", "bucket:songbook")
    output_schema: ClassVar[str] = COMPILED_BOOK
    uses_model: ClassVar[bool] = False
    cacheable: ClassVar[bool] = False  # the same bucket compiles differently after every edit
    default_params: ClassVar[dict[str, Any]] = {"output_format": "pdf"}

    def run(self, ctx: JobContext) -> str:
        bucket = ctx.input_bucket()
        fmt = str(ctx.params.get("output_format") or ctx.params.get("format") or "pdf")
        if fmt not in FORMATS:
            raise ProcessorError(f"unknown output_format {fmt!r}; use one of {', '.join(FORMATS)}")
        options: dict[str, Any] = dict(ctx.params.get("options") or {})
        options.update({k: ctx.params[k] for k in FLAT_OPTIONS if k in ctx.params})
        preset = ctx.params.get("preset")

        def progress(fraction: float) -> None:
            ctx.check_cancelled()
            ctx.progress(fraction)

        out_path = ctx.params.get("out_path")
        if out_path:
            result = compile_bucket(ctx.store, bucket.id, fmt, Path(str(out_path)), preset=preset, options=options,
                                    on_progress=progress)
        else:
            with tempfile.TemporaryDirectory(prefix="reyna-compile-") as folder:
                name = f"{_slug(bucket.name)}.{EXTENSIONS[fmt]}"
                result = compile_bucket(ctx.store, bucket.id, fmt, Path(folder) / name, preset=preset,
                                        options=options, on_progress=progress)
        assert result.blob_id is not None
        return result.blob_id


def _slug(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_ " else "" for c in name).strip().replace(" ", "-")
    return cleaned or "book"
