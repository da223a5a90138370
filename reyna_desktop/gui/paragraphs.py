"""Paragraph-level accept: take one expanded paragraph into the original, keeping both texts."""

from __future__ import annotations

import re
from typing import Any

_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _BREAK.split(text) if p.strip()]


def paragraph_at(text: str, position: int) -> int:
    """Index of the paragraph holding character `position` (blank-line separated)."""
    index = -1
    for match in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        if match.group().strip():
            index += 1
            if position <= match.end():
                return index
    return max(index, 0)


def merge_paragraph(original: str, expanded: str, index: int, sections: list[dict[str, Any]] | None = None) -> str:
    """The original with expanded paragraph `index` put in place of the paragraph it grew from.
    Paragraphs accepted earlier stay; accepting the same paragraph twice changes nothing."""
    exp = paragraphs(expanded)
    orig = paragraphs(original)
    if not 0 <= index < len(exp):
        raise IndexError(f"the expansion has no paragraph {index + 1}")
    chosen = exp[index]
    if chosen in orig:
        return original
    source = _source_index(orig, exp, index, sections)
    if not orig:
        return chosen
    source = min(source, len(orig) - 1)
    # Walk past paragraphs of this expansion accepted before this one, to keep their order.
    while source < len(orig) and orig[source] in exp and exp.index(orig[source]) < index:
        source += 1
    if source < len(orig) and orig[source] not in exp:
        orig[source] = chosen
    else:
        orig.insert(source, chosen)
    return "\n\n".join(orig)


def _source_index(orig: list[str], exp: list[str], index: int, sections: list[dict[str, Any]] | None) -> int:
    if sections:
        for section in sections:
            if exp[index] in paragraphs(str(section.get("expanded", ""))):
                firsts = paragraphs(str(section.get("original", "")))
                if firsts and firsts[0] in orig:
                    return orig.index(firsts[0])
    if len(orig) == len(exp) or not exp:
        return index
    return min(len(orig) - 1, index * len(orig) // len(exp)) if orig else 0


def accept_paragraph(store, original_id: str, expanded_id: str, index: int) -> Any:
    """Save the merged text as a new version of the original; the expansion is left as it is."""
    data = store.blobs.data(expanded_id)
    original = store.blobs.text(original_id)
    merged = merge_paragraph(original, str(data.get("expanded", "")), index, data.get("sections"))
    if merged == original:
        return store.blobs.get(original_id)
    return store.blobs.update_text(original_id, merged, note=f"accepted expanded paragraph {index + 1}")
