"""Word .docx in: the sample book compiled to DOCX and imported back keeps its chapters' texts, italics,
footnotes and pictures; another zip is refused with nothing written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from reyna_desktop.cli import main as cli_main
from reyna_desktop.export import compile_bucket
from reyna_desktop.export.samples import SAMPLE_CHAPTERS, make_sample_book
from reyna_desktop.interchange.importers import import_project
from reyna_desktop.store import Store


def words(markdown: str) -> list[str]:
    """The words of a chapter, without the marks that differ between the two Markdowns (index terms,
    footnote labels, picture file names)."""
    text = re.sub(r"\{\^([^}|]*)(?:\|[^}]*)?\}", r"\1", markdown)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|\[\^\w+\]:?", " ", text)
    return re.findall(r"\w+", text.replace("# The Harbour", ""))


@pytest.fixture
def book_docx(store: Store, tmp_path: Path) -> Path:
    book = make_sample_book(store)
    return compile_bucket(store, book, "docx", tmp_path / "The Lighthouse.docx", preset="book",
                          store_result=False).path


def test_compiled_book_comes_back_chapter_by_chapter(store: Store, book_docx: Path) -> None:
    result = import_project(store, book_docx)
    assert result.warnings == []
    book = store.buckets.get(result.root_ids[0])
    assert (book.name, book.type) == ("The Lighthouse", "book")
    parts = store.buckets.children(book.id)
    assert [(p.name, p.type) for p in parts][:3] == [
        ("Front Matter", "front-matter"), ("Part 1", "part"), ("Part 2", "part")]
    chapters = {c.name: c for p in parts[1:3] for c in store.buckets.children(p.id)}
    assert list(chapters) == ["The Storm", "The Harbour", "Return"]  # the compiler numbers them again
    originals = {**SAMPLE_CHAPTERS["Part One"], **SAMPLE_CHAPTERS["Part Two"]}
    for (name, chapter), original in zip(chapters.items(), originals.values(), strict=True):
        text = store.blobs.data(store.blobs.in_bucket(chapter.id)[0].id)["content"]
        assert words(text) == words(original), name
    storm = store.blobs.data(store.blobs.in_bucket(chapters["The Storm"].id)[0].id)["content"]
    assert "stubborn, *bright*." in storm and "\n\n***\n\n" in storm
    assert storm.count("[^1]") == 2 and "[^1]: The wind off the sea, which locals call *the old man*." in storm
    images = store.blobs.in_bucket(book.id, schema_ids=["image-v1"])
    assert len(images) == 2 and all(store.blobs.content(i.id).startswith(b"\x89PNG") for i in images)
    names = [store.blobs.data(i.id)["filename"] for i in images]
    assert any(f"]({name})" in storm for name in names)
    again = compile_bucket(store, book.id, "md", book_docx.with_suffix(".md"), store_result=False)
    assert not [w for w in again.warnings if "image" in w]  # the pictures resolve in the imported book
    assert "## Chapter 1: The Storm\n" in again.path.read_text(encoding="utf-8")


def test_headings_as_chapters_and_scenes(store: Store, book_docx: Path) -> None:
    book_id = import_project(store, book_docx, headings="chapters").root_ids[0]
    kinds = [(c.name, c.type) for c in store.buckets.children(book_id)]
    assert ("Part 1", "chapter") in kinds
    part1 = next(c for c in store.buckets.children(book_id) if c.name == "Part 1")
    assert [(s.name, s.type) for s in store.buckets.children(part1.id)] == [
        ("The Storm", "scene"), ("The Harbour", "scene")]


def test_cli_import_into_a_bucket_and_a_zip_that_is_not_word(store: Store, book_docx: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    shelf = store.buckets.create("Shelf", "folder")
    assert cli_main(["import", str(book_docx), "--into", shelf.id, "--json"]) == 0
    assert [b.name for b in store.buckets.children(shelf.id)] == ["The Lighthouse"]
    capsys.readouterr()
    other = tmp_path / "photos.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.txt", "not a document")
    before = len(store.buckets.descendants(shelf.id))
    assert cli_main(["import", str(other), "--into", shelf.id]) == 2
    assert "photos.docx: not a Word document (a zip file without word/document.xml)" in capsys.readouterr().err
    assert len(store.buckets.descendants(shelf.id)) == before
    (tmp_path / "plain.docx").write_text("just text", encoding="utf-8")
    assert cli_main(["import", str(tmp_path / "plain.docx")]) == 2
    assert "not a Word document (not a zip file at all)" in capsys.readouterr().err


def test_word_content_controls_tables_and_styles(store: Store, tmp_path: Path) -> None:
    """A document as Word makes one: its TOC in a content control, text in another, a table, a list."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    body = doc.element.body
    toc = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
                    "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Contents 1</w:t></w:r></w:p>"
                    "</w:sdtContent></w:sdt>")
    body.insert(0, toc)
    doc.add_heading("第一章", level=1)
    kept = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>In a control.</w:t></w:r></w:p>'
                     "</w:sdtContent></w:sdt>")
    body.insert(len(body) - 1, kept)
    doc.add_paragraph("一つ", style="List Bullet")
    doc.add_table(rows=1, cols=2).rows[0].cells[0].text = "cell"
    path = tmp_path / "word.docx"
    doc.save(str(path))
    result = import_project(store, path, headings="chapters")
    assert result.warnings == ["word.docx: a table was imported as plain paragraphs"]
    chapter = store.buckets.children(result.root_ids[0])[0]
    assert (chapter.name, chapter.type) == ("第一章", "chapter")
    text = store.blobs.data(store.blobs.in_bucket(chapter.id)[0].id)["content"]
    assert text == "In a control.\n\n- 一つ\n\ncell\n"
