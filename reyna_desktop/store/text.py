"""Plain-text helpers shared by the store: titles, previews, word counts, names, ids, clocks."""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Any

from reyna_desktop.errors import InvalidOperation

PREVIEW_CHARS = 500
TITLE_CHARS = 120
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
_SPACE = re.compile(r"\s+")
_MD_LEAD = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)")


def to_json(value: Any) -> str:
    """JSON as the store writes it: UTF-8 kept readable, keys sorted so equal data hashes equal."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


# Scripts counted one per character, as Scrivener and novelWriter count CJK: Han ideographs
# (with compatibility and extension blocks), hiragana, katakana, hangul syllables; and the
# scripts written without spaces between words (Thai, Lao, Khmer, Myanmar), where a regex
# cannot find words without a dictionary: their letters count one each, combining marks
# (vowel signs, tone marks) not at all.
_BY_CHARACTER = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # Han
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d"  # kana, half-width katakana
    "\uac00-\ud7af"  # hangul syllables
    "\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f"  # Thai, Lao, Khmer, Myanmar
)
_CHARACTER = re.compile(f"[{_BY_CHARACTER}]")
_CHARACTER_RUN = re.compile(f"[{_BY_CHARACTER}]+")
_MARK = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u17b4-\u17d3\u102b-\u103e"
                   r"\u3099\u309a\u309b\u309c\u30fc\uff9e\uff9f]")
WORDS, CHARACTERS = "words", "characters"


def has_unspaced_script(text: str) -> bool:
    """Whether the text holds a script written without spaces between words (CJK, Thai...):
    such text is also indexed by trigrams, so a search finds words inside its runs."""
    return _CHARACTER.search(text) is not None


def bigrams(text: str) -> str:
    """The unspaced-script runs of a text as overlapping two-character tokens, each run's last
    character also alone ("今天晚上" -> "今天 天晚 晚上 上"): a word index over these finds a
    one- or two-character term anywhere inside a run (below what a trigram index can find)."""
    out: list[str] = []
    for run in _CHARACTER_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
    return " ".join(out)


def bigram_expression(term: str) -> str:
    """An FTS5 query over an index of `bigrams` that finds `term`, a run of unspaced-script
    characters, anywhere inside a run: one character as a prefix (the first of a bigram, or a
    run's last character alone), two as their bigram, more as the phrase of their bigrams."""
    if len(term) == 1:
        return f'"{term}"*'
    return '"' + " ".join(term[i : i + 2] for i in range(len(term) - 1)) + '"'


def split_unspaced(text: str) -> tuple[list[str], str]:
    """(the runs of unspaced-script characters, the rest with each run replaced by a space)."""
    return _CHARACTER_RUN.findall(text), _CHARACTER_RUN.sub(" ", text)


def word_count(text: str) -> int:
    """The one count Reyna shows and compares (tree, stats, goals, compiler, processors' ratios):
    a character-counted script's letters one each (see _BY_CHARACTER; the long-vowel mark and
    (semi-)voiced marks of kana count nothing), every other run of letters or digits one word."""
    characters = len(_CHARACTER.findall(text)) - len(_MARK.findall(text))
    return characters + len(_WORD.findall(_CHARACTER_RUN.sub(" ", text)))


def count_unit(text: str) -> str:
    """"characters" when most of what `word_count` counts in the text is counted by character
    (a Chinese, Japanese, Korean or Thai text), else "words": the unit the UI names."""
    characters = len(_CHARACTER.findall(text)) - len(_MARK.findall(text))
    return CHARACTERS if characters * 2 > word_count(text) else WORDS


def preview(text: str) -> str:
    flat = _SPACE.sub(" ", text[: PREVIEW_CHARS * 4]).strip()
    if len(flat) <= PREVIEW_CHARS:
        return flat
    return flat[: PREVIEW_CHARS - 1].rstrip() + "…"


_CHORDPRO_TITLE = re.compile(r"^\{\s*(?:title|t)\s*:\s*(.+?)\s*\}$", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^\{[^}]*\}$")


def first_line_title(text: str) -> str:
    """The first line that reads as a title: Markdown marks removed; in ChordPro, the {title: }
    directive, other directive lines skipped."""
    for line in text.splitlines():
        stripped = line.strip()
        if match := _CHORDPRO_TITLE.match(stripped):
            return match.group(1)[:TITLE_CHARS]
        if _DIRECTIVE.match(stripped):
            continue
        line = _MD_LEAD.sub("", line).strip().strip("*_`").strip()
        if line:
            return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"
    return ""


def clean_name(name: str, what: str = "name") -> str:
    """A bucket or blob name: trimmed, not empty, no control characters, at most 500 chars."""
    if not isinstance(name, str):
        raise InvalidOperation(f"{what} must be text")
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise InvalidOperation(f"{what} must not be empty")
    bad = next((c for c in name if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise InvalidOperation(f"{what} must not contain control character U+{ord(bad):04X}")
    if len(name) > 500:
        raise InvalidOperation(f"{what} is {len(name)} characters long; at most 500 allowed")
    return name


def clean_tags(tags: list[str] | tuple[str, ...] | None) -> list[str]:
    out: list[str] = []
    for tag in tags or []:
        tag = clean_name(tag, "tag")
        if tag not in out:
            out.append(tag)
    return out
