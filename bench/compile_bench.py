"""Book compiler bench: a generated 150,000-word, 60-chapter book.

Prints the time for our EPUB (cold cache), an EPUB recompile after a one-chapter edit, pandoc
(pypandoc-binary, bench only) turning the same Markdown into an EPUB; our print PDF (6x9, Typst)
cold (the first PDF in this process: the Typst compiler is made and every page laid out) and
recompiled in the same process after a one-chapter edit; and the issue's reference, WeasyPrint
(bench only, in the dev extra) setting pandoc's HTML of the same Markdown as a 6x9 PDF.

    .venv/bin/python bench/compile_bench.py [--words 150000] [--chapters 60] [--pdf-edits 5]

`--pdf-edits N` recompiles the PDF after N one-chapter edits (different chapters) and prints each
time, since one recompile on a busy machine says little.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from reyna_desktop.export import compile_bucket
from reyna_desktop.export.samples import make_generated_book
from reyna_desktop.store import Store


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:7.2f} s", flush=True)
    return elapsed, value


REFERENCE_CSS = "@page { size: 6in 9in; margin: 0.75in; } body { font-family: serif; font-size: 11pt; }"


def reference_pdf(md: Path, out: Path) -> float:
    """The issue's reference: pandoc's standalone HTML of the same Markdown, set as a 6x9 PDF by
    WeasyPrint with a plain page style (no TOC page numbers, headers or hyphenation)."""
    import pypandoc
    from weasyprint import CSS, HTML

    html = out / "pandoc.html"
    pypandoc.convert_file(str(md), "html", outputfile=str(html), extra_args=["--standalone"])
    elapsed, _ = timed("WeasyPrint 6x9 PDF of pandoc's HTML (reference)",
                       lambda: HTML(filename=str(html)).write_pdf(out / "reference.pdf",
                                                                  stylesheets=[CSS(string=REFERENCE_CSS)]))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--chapters", type=int, default=60)
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--pdf-edits", type=int, default=1, help="one-chapter edits, each followed by a PDF recompile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reyna-bench-") as folder:
        out = Path(folder)
        with Store.open(out / "data") as store:
            book, chapters = make_generated_book(store, chapters=args.chapters, words=args.words)
            epub_s, epub = timed("EPUB (cold cache)", lambda: compile_bucket(store, book, "epub", out / "book.epub"))
            print(f"  {epub.word_count:,} words, {epub.chapter_count} chapters, {epub.size:,} bytes")
            warm_s, _ = timed("EPUB (warm cache, nothing changed)",
                              lambda: compile_bucket(store, book, "epub", out / "book.epub"))
            draft = store.blobs.in_bucket(chapters[len(chapters) // 2])[0]
            text = store.blobs.data(draft.id)["content"]
            store.blobs.update(draft.id, {"content": "An edited first line.\n\n" + text, "role": "draft"})
            incr_s, incr = timed("EPUB recompile after a one-chapter edit",
                                 lambda: compile_bucket(store, book, "epub", out / "book.epub"))
            print(f"  sections rendered {incr.sections_rendered}, from cache {incr.sections_cached}")
            pdf_s = pdf_incr_s = None
            if not args.skip_pdf:
                pdf_s, pdf = timed("PDF 6x9 (Typst, cold: first in this process)",
                                   lambda: compile_bucket(store, book, "pdf", out / "book.pdf"))
                print(f"  {len(PdfReader(pdf.path).pages)} pages, {pdf.size:,} bytes")
                recompiles = []
                for edit in range(args.pdf_edits):
                    draft = store.blobs.in_bucket(chapters[(len(chapters) // 3 + 7 * edit) % len(chapters)])[0]
                    text = store.blobs.data(draft.id)["content"]
                    store.blobs.update(draft.id, {"content": f"Edited line {edit + 1}.\n\n" + text, "role": "draft"})
                    seconds, _ = timed("PDF recompile after a one-chapter edit (same process)",
                                       lambda: compile_bucket(store, book, "pdf", out / "book.pdf"))
                    recompiles.append(seconds)
                pdf_incr_s = statistics.median(recompiles)
            md = compile_bucket(store, book, "md", out / "book.md").path
        try:
            import pypandoc
        except ImportError:
            print("pandoc: pypandoc-binary is not installed (pip install pypandoc-binary)")
            return 0
        pandoc_s, _ = timed(f"pandoc {pypandoc.get_pandoc_version()} Markdown -> EPUB",
                            lambda: pypandoc.convert_file(str(md), "epub", outputfile=str(out / "pandoc.epub")))
        reference_s = None if pdf_s is None else reference_pdf(md, out)
    print()
    print(f"EPUB: ours {epub_s:.2f} s vs pandoc {pandoc_s:.2f} s -> ratio {epub_s / pandoc_s:.2f} (target <= 0.5)")
    if pdf_s is not None and reference_s is not None:
        print(f"PDF: ours {pdf_s:.2f} s cold vs WeasyPrint on pandoc's HTML {reference_s:.2f} s -> ratio "
              f"{pdf_s / reference_s:.2f} (target <= 0.15)")
        print(f"PDF recompile after a one-chapter edit, same process: {pdf_incr_s:.2f} s median of "
              f"{args.pdf_edits} (target <= 0.5 s)")
    print(f"Incremental EPUB recompile: {incr_s:.3f} s (target < 0.3 s); no-change recompile {warm_s:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
