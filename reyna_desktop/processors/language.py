"""The language the model is asked and answers in, and text handling for scripts written
without spaces.

A book's prompts follow its `language` metadata (book_language.py): the key into
prompt_texts.TEXTS. A book that sets none is guessed from its text's script, for the scripts
whose language it tells (kana: Japanese, hangul: Korean, Han alone: Chinese); anything else
is English, as before. The script rules below hold whatever the metadata says, since a
chapter may quote another script:

- pieces of text are joined with a space, except between two CJK characters or CJK
  punctuation (Chinese and Japanese put no space between sentences);
- a CJK run's content terms are its character bigrams, left out those with a hiragana
  (Japanese grammar) or a Chinese function character (的, 了, 是...): "赵家的狗" gives
  赵家 only; the expansion checks and the quality bench compare these as English compares
  word stems.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reyna_desktop.book_language import bucket_language, primary_subtag
from reyna_desktop.store.text import CHARACTERS, count_unit, has_unspaced_script, split_unspaced

if TYPE_CHECKING:
    from reyna_desktop.store import Store

ENGLISH = "en"
SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？", "．")
CLOSING = "\"'”’)」』）》〉】"
_OPENING = "\"'“‘(「『（《〈【"
# Punctuation of CJK text: the CJK symbols block, fullwidth forms, and the dashes and dots it uses.
_WIDE_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef…—·]")
_HIRAGANA = re.compile(r"[\u3040-\u309f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Characters that make a Chinese bigram grammar rather than content: particles, pronouns, copulas, measure words.
FUNCTION_CHARACTERS = frozenset("的了是在我你他她它们这那一不有也就都和与而之其着过吗呢吧啊呀把被给对个么得地很又")


def prompt_language(tag: str | None, sample: str = "") -> str:
    """The prompt language for a book tagged `tag` (its primary subtag), or, untagged, the one
    `sample`'s script tells (zh, ja, ko), else English."""
    if tag and tag.strip():
        return primary_subtag(tag.strip())
    if sample and count_unit(sample) == CHARACTERS:
        if _KANA.search(sample):
            return "ja"
        if _HANGUL.search(sample):
            return "ko"
        if _HAN.search(sample):
            return "zh"
    return ENGLISH


def language_at(store: Store, bucket_id: str | None, sample: str = "") -> str:
    """The prompt language for text in this bucket (its book's metadata, else `sample`'s script)."""
    return prompt_language(bucket_language(store, bucket_id) if bucket_id else None, sample)


def _wide(character: str) -> bool:
    return bool(character) and (has_unspaced_script(character) or bool(_WIDE_PUNCTUATION.match(character)))


def join(left: str, right: str) -> str:
    """`left` and `right` as one text: no space between two CJK sides (quotes looked through), else one."""
    if not left:
        return right
    if not right:
        return left
    end = left.rstrip().rstrip(CLOSING)[-1:] or left.rstrip()[-1:]
    start = right.lstrip().lstrip(_OPENING)[:1] or right.lstrip()[:1]
    space = "" if _wide(end) and _wide(start) else " "
    return f"{left.rstrip()}{space}{right.lstrip()}"


def join_all(parts: list[str]) -> str:
    text = ""
    for part in parts:
        text = join(text, part)
    return text


def flatten(text: str) -> str:
    """The text on one line: runs of white space become one space, and none is left between CJK sides."""
    return join_all(text.split())


def ends_sentence(text: str) -> bool:
    """Whether the text ends with a sentence's final punctuation (closing quotes and brackets looked through)."""
    return text.rstrip().rstrip(CLOSING).endswith(SENTENCE_ENDS)


def cjk_share(text: str) -> float:
    """Share of the text's letters that are CJK (or other unspaced-script) characters: 1.0 for
    Chinese prose, 0.0 for English, in between for a mix; 0.0 for text without letters."""
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if has_unspaced_script(c)) / len(letters) if letters else 0.0


def content_bigrams(text: str) -> set[str]:
    """The content terms of the text's CJK runs: bigrams without hiragana or a function character."""
    found: set[str] = set()
    for run in split_unspaced(text)[0]:
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if not _HIRAGANA.search(pair) and not (set(pair) & FUNCTION_CHARACTERS):
                found.add(pair)
    return found



def leading_sentences(raw: str) -> str:
    """A completion's first lines, on one line, up to the first that does not end a sentence (a
    heading, a list, a cut-off line), blank lines skipped. A small model starts Chinese after a
    blank line and writes one sentence a line, so a CJK completion is not stopped at a newline
    but read this way."""
    kept: list[str] = []
    for line in raw.split("\n"):
        if not line.strip():
            continue
        kept.append(line)
        if not ends_sentence(line):
            break
    return flatten("\n".join(kept))


def line_stop(text: str) -> tuple[str, ...]:
    """The stop for a completion that continues `text`: a newline, except after CJK text (see leading_sentences)."""
    return () if cjk_share(text) > 0.5 else ("\n",)
