"""Cutting text into pieces that fit a token budget: paragraphs first, sentences if a paragraph
is too long, words as the last resort. Nothing is dropped and the order is kept."""

from __future__ import annotations

import re
from collections.abc import Callable

CountTokens = Callable[[str], int]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence ends at . ! ? or … (and its closing quote or bracket) before white space and a
# word that is not lower-case ("“Oh!” said she" goes on); not after a title ("Mr. Bennet")
# or an initial ("J. Smith"). In Chinese and Japanese it ends at 。！？ (and its closing
# quote or bracket) whatever follows, since no space separates sentences there; not before
# the Japanese quoting particle (「また遅刻だね。」と言った。 is one sentence).
_SENTENCE_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bSr\.)(?<!\bJr\.)(?<!\b[A-Z]\.)"
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)]))\s+(?![a-z])"
    r"|(?:(?<=[。！？])|(?<=[。！？][”’」』）])(?!と|って))(?![”’」』）。！？])\s*"
)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


_QUOTE_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"))


def sentences(text: str) -> list[str]:
    """The text's sentences, as written. A Chinese or Japanese stop inside a quotation that is
    still open (“老子呀！我要咬你几口才出气！”) does not end the sentence."""
    text = text.strip()
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start:match.start()]
        if piece.rstrip("”’」』）")[-1:] in "。！？" and has_open_quote(piece):
            continue
        found.append(piece.strip())
        start = match.end()
    found.append(text[start:].strip())
    return [s for s in found if s]


def quotes_balanced(text: str) -> bool:
    """Whether every curly or CJK quotation in the text is opened and closed in it."""
    return all(text.count(opening) == text.count(closing) for opening, closing in _QUOTE_PAIRS)


def has_open_quote(piece: str) -> bool:
    """Whether a curly or CJK quotation opened in the text is not closed in it."""
    return any(piece.count(opening) > piece.count(closing) for opening, closing in _QUOTE_PAIRS)


def split_to_fit(text: str, budget: int, count: CountTokens) -> list[str]:
    """`text` as pieces of at most `budget` tokens each (a paragraph, else sentences, else words)."""
    if count(text) <= budget:
        return [text]
    parts = sentences(text)
    if len(parts) <= 1:
        parts = text.split()
        return pack(parts, budget, count, joiner=" ")
    pieces: list[str] = []
    for part in parts:
        pieces.extend(split_to_fit(part, budget, count) if count(part) > budget else [part])
    return pack(pieces, budget, count, joiner=" ")


def pack(pieces: list[str], budget: int, count: CountTokens, *, joiner: str = "\n\n") -> list[str]:
    """Join neighbouring pieces while the result stays within `budget` tokens."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if current and count(candidate) > budget:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def chunk_text(text: str, budget: int, count: CountTokens) -> list[str]:
    """Paragraphs packed into chunks of at most `budget` tokens (long ones split first)."""
    pieces: list[str] = []
    for paragraph in paragraphs(text):
        pieces.extend(split_to_fit(paragraph, budget, count))
    return pack(pieces, budget, count)
