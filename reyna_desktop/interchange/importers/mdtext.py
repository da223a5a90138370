"""Styled runs of text as Markdown: what the Word and RTF readers share.

A reader collects each paragraph as runs of (text, italic, bold); `paragraph_markdown` escapes
the characters Markdown would read as markup and wraps the runs in ``*``/``**`` with the spaces
kept outside the marks (``* word*`` is not emphasis in CommonMark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])(?=\s|$)")
_SCENE_BREAK = re.compile(r"^\s*(?:#|\*|\* \* \*|\*\*\*|~|-{3,}|—)\s*$")


@dataclass
class Run:
    text: str
    italic: bool = False
    bold: bool = False
    raw: bool = False  # already Markdown (a footnote reference, a picture, a line break)


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def paragraph_markdown(runs: list[Run]) -> str:
    """One paragraph's Markdown; a paragraph that is only a scene-break mark becomes ``***``."""
    plain = "".join(r.text for r in runs)
    if plain.strip() and _SCENE_BREAK.match(plain):
        return "***"
    merged: list[Run] = []
    for run in runs:
        if merged and not run.raw and not merged[-1].raw and (run.italic, run.bold) == (
                merged[-1].italic, merged[-1].bold):
            merged[-1] = Run(merged[-1].text + run.text, run.italic, run.bold)
        elif run.text:
            merged.append(run)
    out = []
    for run in merged:
        if run.raw:
            out.append(run.text)
            continue
        text = escape(run.text)
        mark = "*" * (int(run.italic) + 2 * int(run.bold))
        if mark and text.strip():
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            text = f"{lead}{mark}{text.strip()}{mark}{trail}"
        out.append(text)
    line = "".join(out).strip()
    return _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", line)


def join_paragraphs(paragraphs: list[str]) -> str:
    text = "\n\n".join(p for p in paragraphs if p.strip())
    return text + "\n" if text else ""
