"""DOCX: the manuscript layout read back with python-docx and printed by LibreOffice, and the book layout's
styles, footnotes, pictures and TOC field."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from lxml import etree

from reyna_desktop.cli import main as cli_main
from reyna_desktop.export import compile_bucket
from reyna_desktop.export.formats.docx import rounded_words
from reyna_desktop.export.samples import make_sample_book
from reyna_desktop.store import Store

CONTACT = {"legal_name": "Ada K. Marlowe", "contact": "12 Quay Street\nPortree\nada@example.org"}


@pytest.fixture
def manuscript(store: Store, tmp_path: Path) -> Path:
    book = make_sample_book(store)
    store.buckets.update(book, metadata=CONTACT, merge_metadata=True)
    result = compile_bucket(store, book, "docx", tmp_path / "m.docx", preset="manuscript")
    assert result.warnings == []
    return result.path


def test_manuscript_format(manuscript: Path) -> None:
    doc = Document(str(manuscript))
    section = doc.sections[0]
    assert [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin] == [Inches(1)] * 4
    normal = doc.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(12))
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.DOUBLE
    assert fmt.first_line_indent == Inches(0.5) and fmt.alignment == WD_ALIGN_PARAGRAPH.LEFT
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Ada K. Marlowe\tabout 100 words"  # the sample's 140 words, rounded
    assert texts[1:4] == ["12 Quay Street", "Portree", "ada@example.org"]
    assert texts[4:7] == ["The Lighthouse", "A Novel of the Coast", "by Ada Marlowe"]
    assert texts[-1] == "END" and texts.count("#") == 1
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [h.text for h in headings][:3] == ["Part 1", "Chapter 1: The Storm", "Chapter 2: The Harbour"]
    assert all(h.paragraph_format.page_break_before for h in headings)
    assert not any("\t" in t for t in texts[7:])  # indents come from the style, never tabs
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.text.startswith("Marlowe / The Lighthouse / ")
    assert header.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    instructions = [t.text.strip() for t in header._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert [c.get(qn("w:fldCharType")) for c in header._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_libreoffice_prints_the_running_head_with_the_page_number(manuscript: Path, tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(manuscript)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "m.pdf"

    def page(n: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout

    assert "Marlowe / The Lighthouse / 2" in page(2)
    assert "Marlowe / The Lighthouse / 3" in page(3) and "Chapter 1: The Storm" in page(3)
    first = page(1)
    assert "Marlowe /" not in first and "about 100 words" in first and "by Ada Marlowe" in first


def test_word_count_rounds_to_the_nearest_hundred() -> None:
    assert rounded_words(80_049) == "about 80,000 words"
    assert rounded_words(80_050) == "about 80,100 words"
    assert rounded_words(12) == "about 100 words"


def test_manuscript_font_and_short_title(store: Store, tmp_path: Path) -> None:
    book = make_sample_book(store)
    store.buckets.update(book, metadata={"short_title": "Lighthouse", "title": "The Lighthouse: 山と海"},
                         merge_metadata=True)
    result = compile_bucket(store, book, "docx", tmp_path / "c.docx", preset="manuscript",
                            options={"manuscript_font": "Courier New"})
    doc = Document(str(result.path))
    assert doc.styles["Normal"].font.name == "Courier New"
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Courier New"
    assert doc.sections[0].header.paragraphs[0].text.startswith("Marlowe / Lighthouse / ")
    assert "The Lighthouse: 山と海" in [p.text for p in doc.paragraphs]


def test_book_layout_uses_word_styles_footnotes_pictures_and_a_toc(store: Store, tmp_path: Path) -> None:
    book = make_sample_book(store)
    result = compile_bucket(store, book, "docx", tmp_path / "b.docx", preset="book")
    assert result.warnings == []
    doc = Document(str(result.path))
    styles = {p.text: p.style.name for p in doc.paragraphs if p.text}
    assert styles["The Lighthouse"] == "Title" and styles["A Novel of the Coast"] == "Subtitle"
    assert styles["Part 1"] == "Heading 1" and styles["Chapter 1: The Storm"] == "Heading 2"
    assert styles["A smaller heading"] == "Heading 4"  # "##" in a chapter (Heading 2)
    assert styles["A quotation, set apart."] == "Quote"
    storm = next(p for p in doc.paragraphs if p.text.startswith("Her café"))
    assert [r.text for r in storm.runs if r.italic] == ["bright"]
    assert len(doc.inline_shapes) == 2  # the cover and the harbour
    body = doc.element.body
    assert any("TOC" in t.text for t in body.iter(qn("w:instrText")))
    refs = [r.get(qn("w:id")) for r in body.iter(qn("w:footnoteReference"))]
    assert refs == ["1", "2"]
    notes_part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/footnotes"))
    notes = "".join(t.text for t in etree.fromstring(notes_part.blob).iter(qn("w:t")))
    assert "The wind off the sea, which locals call the old man." in notes and "Nets of hemp" in notes
    settings = [child.tag.rsplit("}", 1)[1] for child in doc.settings.element]
    assert settings.index("updateFields") < settings.index("footnotePr") < settings.index("compat")  # schema order


def test_cli_compiles_docx_with_a_built_in_preset(store: Store, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    book = make_sample_book(store)
    out = tmp_path / "cli.docx"
    assert cli_main(["compile", book, "--format", "docx", "--preset", "manuscript", "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "docx" and report["chapter_count"] == 3
    assert Document(str(out)).paragraphs[-1].text == "END"
    assert cli_main(["compile", book, "--format", "docx", "--out", str(out), "-O", "docx_layout=novel"]) == 2
    assert "'docx_layout': 'novel' is not one of book, manuscript" in capsys.readouterr().err
