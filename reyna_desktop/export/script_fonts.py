"""Fonts for scripts the shipped fonts lack (CJK, Arabic, Hebrew, Indic, ...), and a check for the rest.

EB Garamond covers Latin, Greek and Cyrillic. For other scripts the print PDF falls back, glyph by
glyph, to the Noto fonts that ``scripts/dev`` installs from Debian (``fonts-noto-cjk``,
``fonts-noto-core``; SIL OFL 1.1, so they may be embedded) at the paths below. A character that
no font in the chain has would print as an empty box, so the compiler warns, naming its script,
before that can happen silently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from reyna_desktop.export import fonts, language

NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class ScriptFont:
    family: str  # as the font names itself (what Typst and CSS ask for)
    files: tuple[Path, ...]  # regular first

    @property
    def available(self) -> bool:
        return self.files[0].is_file()


def _noto(family: str, stem: str) -> ScriptFont:
    return ScriptFont(family, (NOTO / f"{stem}-Regular.ttf", NOTO / f"{stem}-Bold.ttf"))


def _cjk(region: str) -> ScriptFont:
    return ScriptFont(f"Noto Serif CJK {region}",
                      (NOTO_CJK / "NotoSerifCJK-Regular.ttc", NOTO_CJK / "NotoSerifCJK-Bold.ttc"))


# One collection holds every CJK region; the region decides the glyph forms of shared ideographs.
CJK_LANGUAGES = {"zh", "ja", "ko", "yue"}
CJK_BY_LANGUAGE = {"ja": "JP", "ko": "KR", "zh": "SC", "zh-tw": "TC", "zh-hk": "HK", "zh-hant": "TC", "yue": "HK"}
OTHER_SCRIPTS = (
    _noto("Noto Naskh Arabic", "NotoNaskhArabic"),
    _noto("Noto Serif Hebrew", "NotoSerifHebrew"),
    _noto("Noto Serif Devanagari", "NotoSerifDevanagari"),
    _noto("Noto Serif Bengali", "NotoSerifBengali"),
    _noto("Noto Serif Tamil", "NotoSerifTamil"),
    _noto("Noto Serif Thai", "NotoSerifThai"),
    _noto("Noto Serif Armenian", "NotoSerifArmenian"),
    _noto("Noto Serif Georgian", "NotoSerifGeorgian"),
    _noto("Noto Serif Ethiopic", "NotoSerifEthiopic"),
    ScriptFont("DejaVu Sans", (DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf")),  # symbols, arrows
)
CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Serif CJK TC", "Noto Serif CJK JP", "Noto Serif CJK KR")
IGNORED_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}  # spaces, joiners, marks ride on their base


def cjk_font(lang: str) -> ScriptFont:
    tag = lang.lower()
    return _cjk(CJK_BY_LANGUAGE.get(tag) or CJK_BY_LANGUAGE.get(language.primary(tag)) or "SC")


def fallbacks(lang: str) -> list[ScriptFont]:
    """The installed script fonts, in the order a book in `lang` should try them."""
    return [f for f in (cjk_font(lang), *OTHER_SCRIPTS) if f.available]


def font_files() -> list[Path]:
    """Every installed script font file (each CJK collection once)."""
    files = {path for f in (_cjk("SC"), *OTHER_SCRIPTS) if f.available for path in f.files if path.is_file()}
    return sorted(files)


def uncovered(texts: Iterable[str], shipped: list[str], lang: str) -> dict[str, str]:
    """Characters of `texts` that no font in the chain has: {script name: a few of its characters}.
    `shipped` names the shipped families tried first; the installed script fonts follow."""
    scripts: dict[str, str] = {}
    for text in texts:
        for name, sample in _uncovered_in(text, tuple(shipped), lang).items():
            scripts[name] = (scripts.get(name, "") + sample)[:5]
    return scripts


@lru_cache(maxsize=1024)
def _uncovered_in(text: str, shipped: tuple[str, ...], lang: str) -> dict[str, str]:
    """One text's uncovered characters by script (cached: a recompile re-checks only changed chapters)."""
    needed = {ch for ch in set(text) if unicodedata.category(ch) not in IGNORED_CATEGORIES}
    missing = needed - _shipped_coverage(shipped)
    for font in fallbacks(lang):
        if not missing:
            break
        missing -= _coverage(font.files[0])
    scripts: dict[str, str] = {}
    for ch in sorted(missing):
        name = _script_name(ch)
        if len(scripts.get(name, "")) < 5:
            scripts[name] = scripts.get(name, "") + ch
    return scripts


def _script_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name:
        return f"U+{ord(ch):04X}"
    return "CJK" if name.startswith("CJK") else name.split()[0].title()


@cache
def _shipped_coverage(families: tuple[str, ...]) -> frozenset[str]:
    chars: set[str] = set()
    for family in families:
        for f in fonts.family(family):
            chars |= _coverage(f.path)
    return frozenset(chars)


@cache
def _coverage(path: Path) -> frozenset[str]:
    """The characters a font file (or the first font of a collection) has glyphs for."""
    font = TTCollection(str(path), lazy=True).fonts[0] if path.suffix == ".ttc" else TTFont(str(path), lazy=True)
    return frozenset(chr(code) for code in font.getBestCmap())
