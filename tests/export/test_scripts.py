"""Books in other scripts and hostile text, through the Typst PDF (pdftotext and pdffonts read it back)
and the EPUB (language and direction attributes, EPUBCheck)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from reyna_desktop.export import compile_bucket
from reyna_desktop.export.samples import WORLD_TEXTS, make_language_book
from reyna_desktop.store import Store
from tests.export.test_epub import JAR
from tests.export.test_songbook import words


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Text without line breaks, hyphens at line ends or spaces (pdftotext's line layout differs by script),
    bidi controls (pdftotext wraps right-to-left runs in them) or vowel marks (it misplaces Arabic tanwin)."""
    text = re.sub(r"\s+", "", text.replace("-\n", "").replace("\u2010\n", ""))
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf"))


def in_order(expected: str, got: str, *, ordered: bool = True) -> None:
    """Each word of `expected` appears in `got` (flattened), in reading order when `ordered`."""
    position = 0
    for word in filter(None, (flat(w) for w in expected.split())):
        found = got.find(word, position)
        assert found >= 0, (word, got[position : position + 200])
        position = found + len(word) if ordered else 0


def first_line_runs_right_to_left(path: Path, page: int, text: str) -> None:
    """The paragraph's first two words sit on one line, the first to the right of the second."""
    first, second = (flat(w) for w in text.split()[:2])
    placed = [(flat(w[4]), w) for w in words(path, page)]  # -bbox gives right-to-left words reversed
    a = next(w for t, w in placed if first in (t, t[::-1]))
    b = next(w for t, w in placed if second in (t, t[::-1]) and abs(w[1] - a[1]) < 2)
    assert b[2] <= a[0], (a, b)


def embedded_fonts(path: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert all(row[-28:].split()[0] == "yes" for row in rows), out
    return [row.split()[0].split("+")[-1] for row in rows]


@pytest.mark.parametrize(("lang", "font"), [
    ("zh", "NotoSerifCJKsc"), ("ja", "NotoSerifCJKjp"), ("ru", "EBGaramond12"), ("ar", "NotoNaskhArabic"),
    ("he", "NotoSerifHebrew"),
])
def test_a_book_in_another_script_gets_a_font_that_covers_it(store: Store, tmp_path: Path, lang: str,
                                                             font: str) -> None:
    heading, text = WORLD_TEXTS[lang]
    book = make_language_book(store, lang, {heading: text})
    result = compile_bucket(store, book, "pdf", tmp_path / f"{lang}.pdf")
    assert result.warnings == []
    got = flat(pdf_text(result.path))
    # pdftotext splits right-to-left lines at Arabic vowel marks and reorders the pieces, so for those
    # scripts the words are checked one by one and the direction by where the first two words sit.
    right_to_left = lang in ("ar", "he")
    in_order(text, got, ordered=not right_to_left)
    if right_to_left:
        first_line_runs_right_to_left(result.path, 5, text)
        html = compile_bucket(store, book, "html", tmp_path / f"{lang}.html").path.read_text(encoding="utf-8")
        assert f'<html lang="{lang}" dir="rtl">' in html
    assert any(name.startswith(font) for name in embedded_fonts(result.path)), embedded_fonts(result.path)


def test_a_script_no_font_covers_compiles_with_a_warning_naming_it(store: Store, tmp_path: Path) -> None:
    book = make_language_book(store, "en", {"Letters": "Cherokee syllables: ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ."})
    result = compile_bucket(store, book, "pdf", tmp_path / "chr.pdf")
    assert any("Cherokee" in w and "Letters" in w and "empty boxes" in w for w in result.warnings), result.warnings


def test_right_to_left_paragraph_in_a_left_to_right_book(store: Store, tmp_path: Path) -> None:
    _, hebrew = WORLD_TEXTS["he"]  # (pdftotext jumbles Arabic vowel marks in a left-to-right page)
    book = make_language_book(store, "en", {"Mixed": f"An English line first.\n\n{hebrew}\n\nAnd English again."})
    result = compile_bucket(store, book, "pdf", tmp_path / "mixed.pdf")
    got = flat(pdf_text(result.path))
    assert got.index("AnEnglishlinefirst") < got.index(flat(hebrew.split()[0])) < got.index("AndEnglishagain")
    in_order(hebrew, got, ordered=False)
    first_line_runs_right_to_left(result.path, 5, hebrew)
    html = compile_bucket(store, book, "html", tmp_path / "mixed.html").path.read_text(encoding="utf-8")
    assert '<p dir="rtl">' + hebrew[:10] in html


def test_hostile_text_compiles_and_reads_back(store: Store, tmp_path: Path) -> None:
    word = "x" * 4_000 + "y" * 3_000 + "z" * 3_000  # a 10,000-character word: a pasted blob
    hostile = (
        "#set page(width: 1in) #panic(\"no\") $x^2$ *bold* _em_ @label <tag> \\ ] [ } { = + - / ` ~ ' \" % ; "
        "#import \"/etc/passwd\" #read(\"/etc/passwd\")\n\n"
        f"{word}\n\n"
        "# A heading with #hash and $dollar\n\n> >> > deep quote ```not code```\n\n"
        "Arabic: يولد جميع الناس أحرارًا. Chinese: 學而時習之. Hebrew: כל בני אדם.\n\n"
        "{^#index|$term} and [^note]\n\n[^note]: A note with #hash."
    )
    book = make_language_book(store, "en", {"Hostile": hostile, "Empty": ""})
    result = compile_bucket(store, book, "pdf", tmp_path / "hostile.pdf")
    got = flat(pdf_text(result.path))
    for snippet in ("#setpage(width:1in)#panic(“no”)$x^2$", "@label<tag>", "#import“/etc/passwd”",
                    "Aheadingwith#hashand$dollar", "學而時習之", "כלבניאדם", "Anotewith#hash.", "Empty"):
        assert flat(snippet) in got, (snippet, got[:600])
    for letter, count in (("x", 4_000), ("y", 3_000), ("z", 3_000)):  # the long word, broken across lines
        assert sum(len(run) for run in re.findall(f"{letter}{{10,}}", got)) == count  # and pages (with headers)
    assert "root:" not in got  # nothing was read from the disk


def test_epubs_in_other_scripts_carry_language_and_direction_and_pass_epubcheck(store: Store, tmp_path: Path) -> None:
    books = {lang: make_language_book(store, lang, {WORLD_TEXTS[lang][0]: WORLD_TEXTS[lang][1]})
             for lang in ("zh", "ja", "ar")}
    results = {lang: compile_bucket(store, book, "epub", tmp_path / f"{lang}.epub") for lang, book in books.items()}
    checked = [r for lang, r in results.items() if lang != "ja"]  # EPUBCheck is slow: Chinese and Arabic
    checks = [subprocess.Popen(["java", "-jar", str(JAR), "--failonwarnings", str(r.path)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for r in checked]
    for check in checks:
        report, _ = check.communicate(timeout=300)
        assert check.returncode == 0, report
    for lang, result in results.items():
        with zipfile.ZipFile(result.path) as z:
            chapter = z.read("EPUB/div001.xhtml").decode()
            css = z.read("EPUB/style/book.css").decode()
            opf = z.read("EPUB/content.opf").decode()
        assert f'lang="{lang}"' in chapter and f'xml:lang="{lang}"' in chapter
        assert WORLD_TEXTS[lang][1].split("\n")[0][:12] in chapter
        assert ('dir="rtl"' in chapter and 'page-progression-direction="rtl"' in opf) == (lang == "ar")
    assert '"Noto Serif CJK JP"' in css and ":lang(ja)" in css
