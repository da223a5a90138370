"""Compile options: what a writer chooses once and saves per book as a named preset.

`CompileOptions.from_mapping` is the one gate: unknown keys and bad values are refused with a
message that names the option, so a preset typed by hand fails loudly instead of being ignored.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from reyna_desktop.errors import ReynaError

FORMATS = ("epub", "pdf", "md", "html", "docx", "songbook-pdf")
NUMBERINGS = ("arabic", "roman", "words")
# Trim sizes: (width, height) in inches.
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "6x9": (6.0, 9.0),
    "5.5x8.5": (5.5, 8.5),
    "a5": (5.83, 8.27),
    "letter": (8.5, 11.0),
}
PDF_VARIANTS = ("pdf/a-3b", "pdf/a-2b", "pdf/ua-1")
SONG_LAYOUTS = ("one-per-page", "fit")
DOCX_LAYOUTS = ("book", "manuscript")  # the book's own look, or Shunn's manuscript format
MANUSCRIPT_FONTS = ("Times New Roman", "Courier New")
DEFAULT_TYPES = ("front-matter", "part", "chapter", "scene", "section", "back-matter")
TEMPLATE_FIELDS = {"n", "title"}


@dataclass(frozen=True)
class CompileOptions:
    """Everything that changes what a compile produces (and so keys the section cache)."""

    include_toc: bool = True
    include_index: bool = False
    chapter_template: str = "Chapter {n}: {title}"
    part_template: str = "Part {n}: {title}"
    numbering: str = "arabic"
    include_types: tuple[str, ...] = DEFAULT_TYPES
    scene_separator: str = "* * *"
    trim_size: str = "6x9"
    body_font: str = "EB Garamond"
    font_size_pt: float = 11.0
    recto_chapters: bool = True
    hyphenate: bool = True
    pdf_variant: str | None = None
    language: str | None = None
    transpose: int = 0
    song_layout: str = "one-per-page"
    docx_layout: str = "book"
    manuscript_font: str = "Times New Roman"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None, *, base: CompileOptions | None = None) -> CompileOptions:
        """`base` (or the defaults) with `values` applied, each checked."""
        current = base or cls()
        if not values:
            return current
        known = {f.name: f for f in fields(cls) if f.name != "extra"}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ReynaError(f"compile option {key!r} is unknown; known options: {', '.join(sorted(known))}")
            changes[key] = _check(key, value)
        return replace(current, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["include_types"] = list(self.include_types)
        return data

    @property
    def trim_inches(self) -> tuple[float, float]:
        return TRIM_SIZES[self.trim_size]


def _check(key: str, value: Any) -> Any:
    def bad(expected: str) -> ReynaError:
        return ReynaError(f"compile option {key!r}: {value!r} is not {expected}")

    if key in ("include_toc", "include_index", "recto_chapters", "hyphenate"):
        if isinstance(value, str) and value.lower() in ("true", "yes", "1", "false", "no", "0"):
            return value.lower() in ("true", "yes", "1")
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if key in ("chapter_template", "part_template"):
        if not isinstance(value, str) or not value.strip():
            raise bad("a non-empty template such as 'Chapter {n}: {title}'")
        check_template(value, key)
        return value
    if key == "numbering":
        if value not in NUMBERINGS:
            raise bad(f"one of {', '.join(NUMBERINGS)}")
        return value
    if key == "include_types":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(t, str) and t.strip() for t in items):
            raise bad("a list of bucket types")
        return tuple(t.strip() for t in items)
    if key == "scene_separator":
        if not isinstance(value, str) or not value.strip() or len(value) > 40:
            raise bad("a short non-empty text such as '* * *'")
        return value.strip()
    if key == "trim_size":
        if value not in TRIM_SIZES:
            raise bad(f"one of {', '.join(TRIM_SIZES)}")
        return value
    if key == "body_font":
        if not isinstance(value, str) or not value.strip() or any(c in value for c in "\"';{}\\"):
            raise bad("a font family name")
        return value.strip()
    if key == "font_size_pt":
        try:
            size = float(value)
        except (TypeError, ValueError):
            raise bad("a number of points") from None
        if not 6 <= size <= 24:
            raise bad("between 6 and 24 points")
        return size
    if key == "pdf_variant":
        if value in (None, "", "none"):
            return None
        if value not in PDF_VARIANTS:
            raise bad(f"one of {', '.join(PDF_VARIANTS)} or none")
        return value
    if key == "language":
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise bad("a language code such as 'en' or 'de-CH'")
        return value
    if key == "transpose":
        try:
            steps = int(value)
        except (TypeError, ValueError):
            raise bad("a whole number of semitones") from None
        if not -11 <= steps <= 11:
            raise bad("between -11 and 11 semitones")
        return steps
    if key == "song_layout":
        if value not in SONG_LAYOUTS:
            raise bad(f"one of {', '.join(SONG_LAYOUTS)}")
        return value
    if key == "docx_layout":
        if value not in DOCX_LAYOUTS:
            raise bad(f"one of {', '.join(DOCX_LAYOUTS)}")
        return value
    if key == "manuscript_font":
        if value not in MANUSCRIPT_FONTS:
            raise bad(f"one of {', '.join(MANUSCRIPT_FONTS)}")
        return value
    raise AssertionError(key)  # pragma: no cover - every known field is handled above


def check_template(template: str, what: str = "template") -> None:
    """Refuse a heading template with fields other than {n} and {title}, or broken braces."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ReynaError(f"{what} {template!r}: {exc}") from None
    unknown = names - TEMPLATE_FIELDS
    if unknown:
        raise ReynaError(f"{what} {template!r}: unknown field {{{sorted(unknown)[0]}}}; use {{n}} and {{title}}")
