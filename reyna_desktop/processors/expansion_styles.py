"""The writing styles text expansion offers, declared once.

The window's style list, the CLI's `style=` check and the expanded-text-v1 schema's enum all
read `STYLES` (tests hold the schema file to it). A style steers a base model through a
short guidance line and a one-sentence sample at the top of the prompt; the draft and its
chapter stay the stronger signal. Output copying six words in a row from a sample is
rejected as a leak (expansion_checks.copied_from).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    id: str
    label: str
    guidance: str  # what the prose in this style does, as a header line of the prompt
    example: str  # a sample sentence in this style (never about any draft's content)


STYLES: tuple[Style, ...] = (
    Style("creative", "Creative", "vivid scenes, concrete detail, varied sentences",
          "The kettle rattled on the stove while the wind worried at the loose shutter."),
    Style("literary", "Literary", "long, balanced sentences, inner thoughts and quiet irony",
          "It was a quiet irony, and one she did not fail to notice, that the calmest hour was also the longest."),
    Style("descriptive", "Descriptive", "the look, sound and feel of each place and person",
          "The lane was narrow and damp, its hedges heavy with rain and the smell of cut grass."),
    Style("concise", "Concise", "short, plain sentences, nothing ornamental",
          "The kettle boiled. Nobody moved to take it off the stove."),
    Style("dialogue", "Dialogue", "the people speak; quoted lines with who said them",
          "\u201cYou are late again,\u201d said the porter. \u201cI know,\u201d came the reply."),
    Style("academic", "Academic", "measured, formal and exact, with reasons and consequences",
          "The consequence of this arrangement was, in the first instance, a considerable delay."),
)
DEFAULT_STYLE = "creative"
STYLE_IDS: tuple[str, ...] = tuple(s.id for s in STYLES)


def style(style_id: str) -> Style:
    """The style with this id; KeyError for one that is not offered."""
    for candidate in STYLES:
        if candidate.id == style_id:
            return candidate
    raise KeyError(style_id)
