"""Print PDF: checked with poppler-utils (pdffonts, pdftotext, pdfinfo) and pypdf."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from reyna_desktop.export import CompileResult, compile_bucket, typesetter
from reyna_desktop.export.samples import make_generated_book, make_sample_book
from reyna_desktop.store import Store


@dataclass
class Pdfs:
    sample: CompileResult
    book: CompileResult  # several pages per chapter, so body pages carry running headers
    pdfa: CompileResult


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pdfs]:
    folder = tmp_path_factory.mktemp("pdf")
    with Store.open(folder / "data") as store:
        sample = make_sample_book(store)
        book, _ = make_generated_book(store, chapters=4, words=5_000, parts=2)
        yield Pdfs(
            compile_bucket(store, sample, "pdf", folder / "sample.pdf", options={"include_index": True}),
            compile_bucket(store, book, "pdf", folder / "book.pdf", options={"trim_size": "5.5x8.5"}),
            compile_bucket(store, sample, "pdf", folder / "sample-a.pdf", options={"pdf_variant": "pdf/a-3b"}),
        )


def page_text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def pages(path: Path) -> list[str]:
    return [page_text(path, n) for n in range(1, len(PdfReader(path).pages) + 1)]


def test_every_font_is_embedded(pdfs: Pdfs) -> None:
    for result in (pdfs.sample, pdfs.book):
        out = subprocess.run(["pdffonts", str(result.path)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, out
        for row in rows:
            emb = row[-28:].split()[0]  # the "emb" column
            assert emb == "yes", row


def test_trim_size_is_applied(pdfs: Pdfs) -> None:
    assert [round(float(x)) for x in PdfReader(pdfs.sample.path).pages[0].mediabox[2:]] == [432, 648]  # 6x9 in
    assert [round(float(x)) for x in PdfReader(pdfs.book.path).pages[0].mediabox[2:]] == [396, 612]  # 5.5x8.5 in


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number) for each bookmark."""
    out: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))  # type: ignore

    walk(reader.outline, 1)
    return out


def test_outline_matches_parts_and_chapters(pdfs: Pdfs) -> None:
    entries = outline(PdfReader(pdfs.sample.path))
    assert [(d, t) for d, t, _ in entries] == [
        (1, "Part 1"), (2, "Chapter 1: The Storm"), (2, "Chapter 2: The Harbour"),
        (1, "Part 2"), (2, "Chapter 3: Return"), (1, "Acknowledgements"), (1, "Index"),
    ]


def test_toc_page_numbers_match_where_chapters_start(pdfs: Pdfs) -> None:
    texts = pages(pdfs.book.path)
    toc_page = next(i for i, t in enumerate(texts) if t.strip().startswith("Contents"))
    listed = dict(re.findall(r"^\s*(.+?)\s*(?:\. )+\.?\s*(\d+)\s*$", texts[toc_page], re.MULTILINE))
    assert len(listed) == 6, texts[toc_page]  # two parts, four chapters
    for title, number in listed.items():
        start = texts[int(number) - 1]
        assert start.strip().startswith(title), (title, number, start[:200])
    marks = {t: p for _, t, p in outline(PdfReader(pdfs.book.path))}
    assert {t: int(n) for t, n in listed.items()} == marks


def test_running_headers_on_body_pages_but_not_on_chapter_openings(pdfs: Pdfs) -> None:
    texts = pages(pdfs.book.path)
    openings = {p for _, t, p in outline(PdfReader(pdfs.book.path)) if t.startswith("Chapter")}
    first_lines = {n: next((line.strip() for line in t.splitlines() if line.strip()), "")
                   for n, t in enumerate(texts, 1)}
    body = [n for n in range(min(openings) + 1, len(texts) + 1) if n not in openings and len(texts[n - 1]) > 800]
    assert body, "the book should have body pages"
    for n in body:
        header = first_lines[n].casefold()
        expected = "bench writer" if n % 2 == 0 else "the generated book"
        assert expected in header and str(n) in header, (n, first_lines[n])
    for n in openings:
        assert "bench writer" not in first_lines[n].casefold()
        assert first_lines[n].startswith("Chapter"), first_lines[n]
        assert texts[n - 1].strip().endswith(str(n))  # the folio moves to the foot


def test_chapters_open_on_recto_pages(pdfs: Pdfs) -> None:
    for _, title, page in outline(PdfReader(pdfs.book.path)):
        assert page % 2 == 1, (title, page)


def test_text_is_extractable_in_reading_order(pdfs: Pdfs) -> None:
    text = subprocess.run(["pdftotext", str(pdfs.sample.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = re.sub(r"\s+", " ", text.replace("\u2010", "-").replace("-\n", ""))
    order = ["The Lighthouse", "Contents", "Chapter 1: The Storm", "“Get inside,” said Zoë", "Her café stood",
             "Ελληνικά", "Morning came", "Chapter 2: The Harbour", "Chapter 3: Return", "She wrote <stuff> &",
             "My thanks to the night watch", "Index"]
    position = 0
    for snippet in order:
        found = text.find(snippet, position)
        assert found >= 0, (snippet, text[position : position + 300])
        position = found + len(snippet)
    assert "The wind off the sea" in text  # the footnote, at its page's foot


def test_metadata_and_pdfa_variant(pdfs: Pdfs) -> None:
    info = PdfReader(pdfs.sample.path).metadata
    assert info is not None and info.title == "The Lighthouse" and info.author == "Ada Marlowe"
    xmp = subprocess.run(["pdfinfo", "-meta", str(pdfs.pdfa.path)], capture_output=True, text=True,
                         check=True).stdout
    assert re.search(r"pdfaid:part(>|=\")3", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp), xmp


def test_a_recompile_in_the_same_process_reuses_the_compiler_and_shows_the_edit(store: Store, tmp_path: Path) -> None:
    book, chapters = make_generated_book(store, chapters=3, words=1_500, parts=1)
    first = compile_bucket(store, book, "pdf", tmp_path / "a.pdf")
    engine = typesetter.shared()
    draft = store.blobs.in_bucket(chapters[1])[0]
    text = store.blobs.data(draft.id)["content"]
    store.blobs.update(draft.id, {"content": "A freshly edited opening line.\n\n" + text, "role": "draft"})
    second = compile_bucket(store, book, "pdf", tmp_path / "b.pdf")
    assert typesetter.shared() is engine  # one typst.Compiler for the process
    before = subprocess.run(["pdftotext", str(first.path), "-"], capture_output=True, text=True, check=True).stdout
    after = subprocess.run(["pdftotext", str(second.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "freshly edited" not in before and "A freshly edited opening line." in after
