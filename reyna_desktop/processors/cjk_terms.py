"""The terms of a Chinese or Japanese question, cut with the book itself as the dictionary.

A CJK question has no spaces to find its words by. Its question words (为什么, 什么, 几,
なぜ...) and, in Japanese, its hiragana (particles and endings) are taken out first; each run
left is then cut greedily from the right (backward maximum matching, which cuts Chinese
better than from the left: 我大声说 is 我 | 大声说, not 我大 | 声说) into the longest piece,
at most MAX_TERM characters, that some passage of the book contains, found in the passages'
bigram index (store/passages.py, `text.bigram_expression`). Characters no passage contains
stay together as one term: the question names something the book does not have, and that
term weighs most when retrieval.py scores how much of the question a passage covers, so the
chat refuses rather than answering from a passage that shares only common characters. A
single character the book has is kept only when it is a whole run (狗 in 狗怎么了？): inside
a longer run it is what is left between words, as English drops words under three letters;
function characters (的, 了, 谁...) never count.

    question_terms(store, blob_ids, "那赵家的狗为什么看我？")  # ["赵家的狗", "看我"] in 狂人日记
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from reyna_desktop.processors.language import FUNCTION_CHARACTERS
from reyna_desktop.store.passages import BIGRAMS
from reyna_desktop.store.text import bigram_expression, split_unspaced

if TYPE_CHECKING:
    from reyna_desktop.store import Store

MAX_TERM = 4  # characters: most Chinese words are one to four
QUESTION_WORDS = (
    "为什么", "為什麼", "什么", "什麼", "怎么样", "怎么", "怎麼", "怎样", "哪里", "哪裡", "哪儿", "哪个", "哪些",
    "多少", "如何", "为何", "為何", "是不是", "有没有", "请问", "請問", "告诉我", "一下", "书里", "书中", "这本书",
    "几", "幾", "なぜ", "どうして", "どこ", "いつ", "だれ", "どんな", "どう", "何故", "何が", "何を", "誰が", "誰",
)
STOP_CHARACTERS = FUNCTION_CHARACTERS | frozenset("谁誰几吗呢吧啊呀哪何么嗎")
_QUESTION_WORD = re.compile("|".join(re.escape(w) for w in sorted(QUESTION_WORDS, key=len, reverse=True)))
_HIRAGANA_RUN = re.compile(r"[\u3040-\u309f]+")


def question_runs(question: str) -> list[str]:
    """The question's CJK runs with question words and hiragana taken out."""
    text = _HIRAGANA_RUN.sub(" ", _QUESTION_WORD.sub(" ", question))
    return split_unspaced(text)[0]


def segment(run: str, occurs: Callable[[str], bool]) -> list[str]:
    """The run cut from the right into the longest pieces `occurs` accepts, in reading order;
    characters it does not accept even alone are kept together as one piece."""
    pieces: list[str] = []
    missing = ""
    end = len(run)
    while end > 0:
        size = next((n for n in range(min(MAX_TERM, end), 0, -1) if occurs(run[end - n:end])), 0)
        if size == 0:
            missing = run[end - 1] + missing
            end -= 1
            continue
        if missing:
            pieces.append(missing)
            missing = ""
        pieces.append(run[end - size:end])
        end -= size
    if missing:
        pieces.append(missing)
    return pieces[::-1]


def question_terms(store: Store, blob_ids: list[str], question: str) -> list[str]:
    """The question's CJK terms as the book's passages cut them (see the module's docstring)."""
    seen: dict[str, bool] = {}

    def occurs(piece: str) -> bool:
        if piece not in seen:
            seen[piece] = bool(store.passages.matching(blob_ids, bigram_expression(piece), index=BIGRAMS))
        return seen[piece]

    terms: list[str] = []
    for run in question_runs(question):
        for piece in segment(run, occurs):
            single = len(piece) == 1
            if piece in terms or (single and (piece in STOP_CHARACTERS or (len(run) > 1 and occurs(piece)))):
                continue
            terms.append(piece)
    return terms
