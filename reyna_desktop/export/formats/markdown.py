"""One Markdown file: pandoc-style YAML metadata, then each division under its own heading.

Headings in the text move down below the division's heading, footnote labels get a per-division
prefix (so two chapters' ``[^1]`` stay apart), and index marks become their plain text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from reyna_desktop.export.book import RenderedBook, RenderedDivision

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})(\s)")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_INDEX = re.compile(r"\{\^([^{}\n|]*)(?:\|[^{}\n]*)?\}")


def write(book: RenderedBook, out: Path) -> None:
    out.write_text(render(book), encoding="utf-8")


def render(book: RenderedBook) -> str:
    meta = book.meta
    fields = {"title": meta.title, "subtitle": meta.subtitle, "author": meta.author, "lang": book.lang,
              "publisher": meta.publisher, "rights": meta.rights, "date": meta.publication_date,
              "identifier": meta.identifier, "description": meta.description}
    lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items() if v), "---", ""]
    if meta.dedication:
        lines += [f"*{meta.dedication.strip()}*", ""]
    for n, rd in enumerate(book.divisions, 1):
        level = min(6, rd.division.depth)
        lines += [f"{'#' * level} {rd.division.heading}", ""]
        body = _body(rd, level, n)
        if body:
            lines += [body, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _body(rd: RenderedDivision, level: int, n: int) -> str:
    out: list[str] = []
    fence: str | None = None
    lines = rd.division.markdown.replace("\r\n", "\n").split("\n")
    if lines and _HEADING.match(lines[0]) and _same(lines[0].lstrip("#"), rd.division.title, rd.division.heading):
        lines = lines[1:]
    for line in lines:
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence:
                fence = None
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)[0]
            out.append(line)
            continue
        line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + level) + m.group(2), line)
        line = _FOOTNOTE.sub(lambda m: f"[^{n}-{m.group(1)}]", line)
        out.append(_INDEX.sub(lambda m: m.group(1).strip(), line))
    return "\n".join(out).strip("\n")


def _same(text: str, *titles: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().casefold()

    return norm(text) in {norm(t) for t in titles if t}
