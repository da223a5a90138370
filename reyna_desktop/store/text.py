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


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


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
