"""Songbook PDF: chords set above the syllables they belong to (positions read back with pdftotext -bbox)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from reyna_desktop.errors import ReynaError
from reyna_desktop.export import chordpro, compile_bucket
from reyna_desktop.export.samples import make_sample_album
from reyna_desktop.store import Store

Word = tuple[float, float, float, float, str]  # xMin, yMin, xMax, yMax, text


def words(path: Path, page: int) -> list[Word]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(pattern, out)]


def chord_above(page: list[Word], lyric: str, chord: str) -> tuple[Word, Word]:
    target = next(w for w in page if w[4] == lyric)
    candidates = [w for w in page if w[4] == chord and w[3] <= target[1] + 0.5 and target[1] - w[3] < 15]
    assert candidates, f"no chord {chord} above {lyric}"
    return target, min(candidates, key=lambda w: abs(w[0] - target[0]))


def test_chords_sit_above_their_syllables(store: Store, tmp_path: Path) -> None:
    album = make_sample_album(store)
    result = compile_bucket(store, album, "songbook-pdf", tmp_path / "songs.pdf")
    assert result.chapter_count == 2 and result.warnings == []
    page = words(result.path, 3)  # cover, songs list, then "Harbour Song"
    assert any(w[4] == "Harbour" for w in page)
    for lyric, chord in (("Down", "G"), ("harbour", "C"), ("Keepers", "Em"), ("waiting", "C"), ("home", "G")):
        syllable, above = chord_above(page, lyric, chord)
        assert abs(above[0] - syllable[0]) < 1.0, (lyric, chord, above, syllable)  # same left edge
        assert above[3] <= syllable[1] + 0.5  # and above it
    listed = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(result.path), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert re.search(r"Harbour Song[ .]+3", listed) and re.search(r"Night Watch[ .]+4", listed)
    text = subprocess.run(["pdftotext", "-f", "3", "-l", "3", str(result.path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "CHORUS" in text.upper() and "Capo 2" in text and "e|---0---3---|" in text
    assert text.count("lighthouse of") == 2 and "CHORUS (REPEAT)" in text  # {chorus} prints it again


def test_transposed_songbook(store: Store, tmp_path: Path) -> None:
    album = make_sample_album(store)
    result = compile_bucket(store, album, "songbook-pdf", tmp_path / "songs.pdf", options={"transpose": 2})
    page = words(result.path, 3)
    for lyric, chord in (("Down", "A"), ("harbour", "D"), ("Keepers", "F#m")):
        chord_above(page, lyric, chord)
    assert any(w[4] == "A" for w in page) and "Key" in {w[4] for w in page}


def test_parser_reads_directives_chorus_and_tab() -> None:
    song = chordpro.parse("{t: X}\n{artist: Y}\n{key: D}\n[D]one [A]two\n\n{soc}\n[G]la\n{eoc}\n{chorus}\n"
                          "{sot}\ne|--|\n{eot}\n{foo: bar}\n# a comment\n")
    assert (song.title, song.artist, song.key) == ("X", "Y", "D")
    assert [b.kind for b in song.blocks] == ["verse", "chorus", "chorus-recall", "tab"]
    assert [(s.chord, s.text) for s in song.blocks[0].lines[0]] == [("D", "one "), ("A", "two")]
    assert song.blocks[2].lines == song.blocks[1].lines
    assert song.blocks[3].lines[0][0].text == "e|--|"
    assert any("{foo}" in w for w in song.warnings)


@pytest.mark.parametrize(("chord", "steps", "flats", "expected"), [
    ("G", 2, False, "A"), ("F#m7/C#", 1, False, "Gm7/D"), ("Bb", 2, False, "C"), ("C", 1, True, "Db"),
    ("Am", -2, False, "Gm"), ("N.C.", 3, False, "N.C."), ("Esus4", 12, False, "Esus4"),
])
def test_transpose_chord(chord: str, steps: int, flats: bool, expected: str) -> None:
    assert chordpro.transpose_chord(chord, steps, flats) == expected


def test_songbook_of_a_bucket_without_songs_fails_clearly(store: Store, tmp_path: Path) -> None:
    empty = store.buckets.create("Empty", "songbook")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ReynaError, match="no ChordPro songs"):
        compile_bucket(store, empty.id, "songbook-pdf", out / "x.pdf")
    assert list(out.iterdir()) == []  # no partial file, no temp file left behind


def test_short_directives_and_chords_without_words(store: Store, tmp_path: Path) -> None:
    book = store.buckets.create("Set list", "songbook")
    source = "{t: Slow Train}\n{st: Traditional}\n{soc}\n[E]Slow train [F#m7/C#]coming\n{eoc}\n[A]   [E]\n"
    blob = store.blobs.create({"source": source}, schema_id="chordpro-v1", bucket_ids=[book.id])
    assert blob.title == "Slow Train"  # from the {t: } directive, not the first line
    result = compile_bucket(store, book.id, "songbook-pdf", tmp_path / "set.pdf")
    page = words(result.path, 3)
    last_line = max(w[1] for w in page if w[4] in ("A", "E", "AE"))
    chords = sorted((w for w in page if w[1] == last_line), key=lambda w: w[0])
    assert [w[4] for w in chords] == ["A", "E"]  # apart, not run together as "AE"
    assert chords[1][0] - chords[0][2] > 8
