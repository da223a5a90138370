"""compile_bucket: a bucket tree in, a finished file out, and the result kept as a compiled-book-v1 blob.

    result = compile_bucket(store, book_id, "epub", Path("novel.epub"), preset="Ebook")
    result.blob_id, result.warnings, result.word_count

The file is written to a temporary name in the target folder and renamed into place, so a failed
compile never leaves a partial file at the path asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reyna_desktop.atomic import atomic_path
from reyna_desktop.errors import ReynaError
from reyna_desktop.export import cache, images
from reyna_desktop.export.assemble import assemble
from reyna_desktop.export.book import RenderedBook, RenderedDivision
from reyna_desktop.export.formats import WRITERS
from reyna_desktop.export.options import FORMATS, CompileOptions
from reyna_desktop.export.presets import resolve_options
from reyna_desktop.schema_ids import COMPILED_BOOK
from reyna_desktop.store import Store

PROCESSOR_ID = "book-compiler"
SCHEMA_ID = COMPILED_BOOK
ProgressFn = Callable[[float], None]


@dataclass
class CompileResult:
    blob_id: str | None  # the compiled-book-v1 blob (None with store_result=False)
    path: Path
    format: str
    warnings: list[str]
    word_count: int
    chapter_count: int
    size: int
    options: dict[str, Any]
    sources: list[dict[str, Any]] = field(default_factory=list)
    sections_rendered: int = 0  # divisions rendered afresh
    sections_cached: int = 0  # divisions taken from the compile cache
    elapsed_s: float = 0.0


def compile_bucket(
    store: Store,
    bucket_id: str,
    fmt: str,
    out_path: Path | str,
    *,
    preset: str | None = None,
    options: Mapping[str, Any] | None = None,
    on_progress: ProgressFn | None = None,
    store_result: bool = True,
    emit_event: bool = True,
) -> CompileResult:
    """Compile the book (or album/songbook) `bucket_id` to `fmt` at `out_path`.

    `preset` names one of the book's saved presets; `options` override single options on top.
    Raises ReynaError on bad input; recoverable problems are listed in `CompileResult.warnings`.
    """
    started = time.perf_counter()
    progress = on_progress or (lambda fraction: None)
    if fmt not in FORMATS:
        raise ReynaError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = _check_out_path(Path(out_path))
    opts = resolve_options(store, bucket_id, preset, options)
    progress(0.02)
    if fmt == "songbook-pdf":
        from reyna_desktop.export.songbook import compile_songbook

        with atomic_path(out, mode=0o644) as tmp:
            summary = compile_songbook(store, bucket_id, opts, tmp)
        warnings, words, chapters, sources, rendered, cached = (
            summary.warnings, summary.word_count, summary.song_count, summary.sources, 0, 0)
    else:
        book = render_book(store, bucket_id, opts, progress)
        progress(0.6)
        with atomic_path(out, mode=0o644) as tmp:
            WRITERS[fmt](book, tmp)
        warnings = [*book.manuscript.warnings, *book.warnings]
        words, chapters = book.word_count, len(book.manuscript.chapters)
        sources = [{"blob_id": s.blob_id, "version": s.version} for s in book.manuscript.sources]
        rendered, cached = book.stats.rendered, book.stats.cached
    progress(0.95)
    result = CompileResult(
        None, out, fmt, list(dict.fromkeys(warnings)), words, chapters, out.stat().st_size, opts.to_dict(),
        sources, rendered, cached,
    )
    if store_result:
        result.blob_id = store_compiled(store, bucket_id, result, emit_event=emit_event)
    result.elapsed_s = round(time.perf_counter() - started, 3)
    progress(1.0)
    return result


def render_book(
    store: Store, bucket_id: str, opts: CompileOptions, progress: ProgressFn | None = None
) -> RenderedBook:
    """Assemble the manuscript and render each division (from the cache where nothing changed)."""
    manuscript = assemble(store, bucket_id, opts)
    sig = cache.images_signature(manuscript.images)
    stats = cache.RenderStats()
    divisions = []
    total = len(manuscript.divisions)
    for i, division in enumerate(manuscript.divisions, 1):
        body = cache.render_division(
            store, division, lang=manuscript.meta.language, scene_separator=opts.scene_separator,
            images=manuscript.images, images_sig=sig, stats=stats,
        )
        manuscript.warnings.extend(body.warnings)
        divisions.append(RenderedDivision(division, body, f"div{i:03d}.xhtml", f"div-{i}"))
        if progress is not None:
            progress(0.05 + 0.5 * i / total)
    image_warnings: list[str] = []
    return RenderedBook(manuscript, opts, divisions, lambda ref: images.load(store, ref, image_warnings),
                        image_warnings, stats)


def store_compiled(store: Store, bucket_id: str, result: CompileResult, *, emit_event: bool = True) -> str:
    """Save the file as the book's compiled-book-v1 blob for this format (a new version if one exists)."""
    from reyna_desktop.export.formats import MIME

    data = {
        "format": result.format, "filename": result.path.name, "mime": MIME[result.format],
        "options": result.options, "sources": result.sources, "word_count": result.word_count,
        "chapter_count": result.chapter_count, "warnings": result.warnings, "book_bucket_id": bucket_id,
    }
    with store.transaction() as tx:
        existing = next(
            (b for b in store.blobs.in_bucket(bucket_id, schema_ids=[SCHEMA_ID])
             if store.blobs.data(b.id).get("format") == result.format),
            None,
        )
        if existing is None:
            blob = store.blobs.create(data, schema_id=SCHEMA_ID, bucket_ids=[bucket_id], file=result.path,
                                      filename=result.path.name, processor_id=PROCESSOR_ID)
        else:
            blob = store.blobs.update(existing.id, data, file=result.path, filename=result.path.name,
                                      note="recompiled")
        if emit_event:
            tx.emit("bucket.processing.completed",
                    {"bucket_id": bucket_id, "processor_id": PROCESSOR_ID, "output_blob_id": blob.id})
    return blob.id


def _check_out_path(out: Path) -> Path:
    out = out.expanduser()
    if out.is_dir():
        raise ReynaError(f"{out} is a folder; give a file name to write the book to")
    if not out.parent.is_dir():
        raise ReynaError(f"cannot write {out}: the folder {out.parent} does not exist")
    return out.resolve()
