"""Checks on what the model wrote for an expansion, shared by the processor and the quality bench.

The measures are those of issue 9: content words (4+ letters, not stop words, matched on
their first five letters), new proper names (capitalised words not at a sentence start that
the draft, its chapter and the book's notes never use), prompt labels, runs of words copied
from the prompt's samples, and repeated word trigrams.

Chinese and Japanese text (processors/language.py) is compared by character: its content
terms are character bigrams, its tokens for copies and repeats are single characters (a copy
is then CJK_COPY_RUN of them), and the labels of every language's prompt count. The names
rule has nothing to go on in these scripts (no capitals) and passes their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reyna_desktop.processors.language import content_bigrams
from reyna_desktop.processors.prompt_texts import TEXTS
from reyna_desktop.store.text import WORDS, count_unit, has_unspaced_script

_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*", re.UNICODE)
_LABEL_WORDS = sorted({label for texts in TEXTS.values() for label in texts.labels}, key=lambda w: (-len(w), w))
LABEL = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in _LABEL_WORDS if not has_unspaced_script(w)) + r"|Chapter \w+)\s*[:：]",
)
CJK_LABEL = re.compile("(" + "|".join(re.escape(w) for w in _LABEL_WORDS if has_unspaced_script(w)) + ")\\s*[:：]")
STOP_WORDS = frozenset(
    "about above after again against also among been before being below between both could does doing down during "
    "each every from further have having here herself himself however into itself just more most much must myself "
    "never once only other ought ourselves over same shall should some such than that their theirs them themselves "
    "then there these they this those through under until upon very were what when where which while whom whose "
    "will with within without would your yours yourself yourselves said says".split()
)
# Capitalised words that are not names wherever they stand.
NOT_NAMES = frozenset("i i'm i’m i'll i’ll i've i’ve i'd i’d mr mrs miss sir lady lord dr st oh ah god".split())
COPY_RUN = 6  # words in a row copied from a prompt sample count as a leak
CJK_COPY_RUN = 10  # ... or CJK characters in a row (about as much text as six English words)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def stem(word: str) -> str:
    return word.lower()[:5]


def tokens(text: str) -> list[str]:
    """Words, lower-cased, with CJK runs cut into their characters: what copies and repeats count."""
    out: list[str] = []
    for word in words(text):
        if not has_unspaced_script(word):
            out.append(word.lower())
            continue
        piece = ""  # the letters of another script inside the word ("Tom" in "Tom的")
        for character in word:
            if has_unspaced_script(character):
                out.extend([piece.lower(), character] if piece else [character])
                piece = ""
            else:
                piece += character
        if piece:
            out.append(piece.lower())
    return out


def content_stems(text: str) -> set[str]:
    """Content words' stems, and the content bigrams of CJK runs (matched as English stems are)."""
    latin = {stem(w) for w in words(text) if len(w) >= 4 and w.lower() not in STOP_WORDS and not has_unspaced_script(w)}
    return latin | content_bigrams(text)


def new_names(text: str, known: set[str]) -> list[str]:
    """Capitalised words after a sentence's first word that are not in `known` (lower-cased words)."""
    from reyna_desktop.processors.text_chunks import sentences

    found = []
    for sentence in sentences(text):
        for token in words(sentence)[1:]:
            lower = re.sub(r"[’']s$", "", token.lower())  # "Jane’s" is Jane
            if token[0].isupper() and lower not in known and lower not in NOT_NAMES:
                found.append(token)
    return found


def known_words(*texts: str) -> set[str]:
    return {w.lower() for text in texts for w in words(text)}


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    found = tokens(text)
    return {tuple(found[i:i + n]) for i in range(len(found) - n + 1)}


def copied_from(text: str, samples: Iterable[str], *, allowed: str = "", n: int | None = None) -> bool:
    """True when `text` repeats `n` tokens in a row of a sample that `allowed` (the draft) does not have
    (COPY_RUN words, or CJK_COPY_RUN characters for a CJK text)."""
    if n is None:
        n = COPY_RUN if count_unit(text) == WORDS else CJK_COPY_RUN
    mine = _runs(text, n) - _runs(allowed, n)
    return any(mine & _runs(sample, n) for sample in samples)


def has_label(text: str) -> bool:
    return bool(LABEL.search(text) or CJK_LABEL.search(text))


def trigram_repeats(text: str, earlier: str = "") -> float:
    """Share of the text's word trigrams already seen in `earlier` or earlier in the text."""
    seen = set(_trigrams(tokens(earlier)))
    repeats = total = 0
    for gram in _trigrams(tokens(text)):
        total += 1
        if gram in seen:
            repeats += 1
        seen.add(gram)
    return repeats / total if total else 0.0


def distinct_trigrams(text: str) -> float:
    grams = _trigrams(tokens(text))
    return len(set(grams)) / len(grams) if grams else 1.0


def _trigrams(tokens: list[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)]


def overlap(text: str, reference: str) -> float:
    """Share of the reference's content stems that the text uses."""
    wanted = content_stems(reference)
    return len(wanted & content_stems(text)) / len(wanted) if wanted else 0.0
