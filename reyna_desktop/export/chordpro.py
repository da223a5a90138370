"""A small ChordPro parser and chord transposer.

Understands the directives songwriters use most: title/t, subtitle/st, artist, key, capo,
comment/c, comment_italic/ci, start_of_chorus/soc … end_of_chorus/eoc, chorus (recall),
start_of_verse/sov, start_of_bridge/sob, start_of_tab/sot … end_of_tab/eot; ``[C]`` chords
inline; ``#`` comment lines. Blank lines separate verses. Unknown directives are skipped with a
warning; nothing in a song makes parsing fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["verse", "chorus", "bridge", "tab", "chorus-recall", "comment"]
_DIRECTIVE = re.compile(r"^\{\s*([A-Za-z_-]+)\s*(?::\s*(.*?))?\s*\}$")
_CHORD = re.compile(r"\[([^\]\n]{1,16})\]")
_CHORD_NAME = re.compile(r"^([A-G])([#b♯♭]?)([^/]*)(?:/([A-G])([#b♯♭]?))?$")
SHARPS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLATS = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
FLAT_KEYS = {"F", "Bb", "Eb", "Ab", "Db", "Gb", "Dm", "Gm", "Cm", "Fm", "Bbm", "Ebm"}
ALIASES = {"t": "title", "st": "subtitle", "c": "comment", "ci": "comment_italic", "cb": "comment_box",
           "soc": "start_of_chorus", "eoc": "end_of_chorus", "sov": "start_of_verse", "eov": "end_of_verse",
           "sob": "start_of_bridge", "eob": "end_of_bridge", "sot": "start_of_tab", "eot": "end_of_tab"}
STARTS = {"start_of_chorus": "chorus", "start_of_verse": "verse", "start_of_bridge": "bridge", "start_of_tab": "tab"}
ENDS = {"end_of_chorus", "end_of_verse", "end_of_bridge", "end_of_tab"}


@dataclass
class Segment:
    chord: str | None
    text: str


@dataclass
class Block:
    kind: BlockKind
    lines: list[list[Segment]] = field(default_factory=list)  # tab and comment lines: one chordless segment
    label: str = ""


@dataclass
class Song:
    title: str = ""
    subtitle: str = ""
    artist: str = ""
    key: str = ""
    capo: int | None = None
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def words(self) -> int:
        return sum(len("".join(s.text for s in line).split())
                   for b in self.blocks if b.kind in ("verse", "chorus", "bridge") for line in b.lines)


def parse(source: str, where: str = "song") -> Song:
    song = Song()
    block: Block | None = None
    choruses: list[Block] = []

    def close() -> None:
        nonlocal block
        if block is not None and block.lines:
            song.blocks.append(block)
            if block.kind == "chorus":
                choruses.append(block)
        block = None

    for number, raw in enumerate(source.replace("\r\n", "\n").split("\n"), 1):
        line = raw.rstrip()
        in_tab = block is not None and block.kind == "tab"
        directive = _DIRECTIVE.match(line.strip())
        if directive:
            name = ALIASES.get(directive.group(1).lower(), directive.group(1).lower())
            value = (directive.group(2) or "").strip()
            if in_tab and name != "end_of_tab":
                block.lines.append([Segment(None, line)])  # type: ignore[union-attr]
            elif name in ("title", "subtitle", "artist", "key"):
                setattr(song, name, value)
            elif name == "capo":
                song.capo = int(value) if value.isdigit() else None
                if not value.isdigit():
                    song.warnings.append(f"{where}: line {number}: capo {value!r} is not a fret number")
            elif name in ("comment", "comment_italic", "comment_box"):
                close()
                song.blocks.append(Block("comment", [[Segment(None, value)]]))
            elif name in STARTS:
                close()
                block = Block(STARTS[name], label=value)  # type: ignore[arg-type]
            elif name in ENDS:
                close()
            elif name == "chorus":
                close()
                recalled = choruses[-1] if choruses else None
                song.blocks.append(Block("chorus-recall", recalled.lines if recalled else [], label=value or "Chorus"))
            else:
                unknown = directive.group(1)
                song.warnings.append(f"{where}: line {number}: directive {{{unknown}}} is not supported; skipped")
            continue
        if in_tab:
            block.lines.append([Segment(None, raw)])  # type: ignore[union-attr]
            continue
        if line.startswith("#"):
            continue
        if not line.strip():
            if block is not None and block.kind == "verse" and not block.label:
                close()
            continue
        if block is None:
            block = Block("verse")
        block.lines.append(split_chords(line))
    close()
    return song


def split_chords(line: str) -> list[Segment]:
    """"[G]Down by the [C]harbour" -> [(None, ""), ("G", "Down by the "), ("C", "harbour")] without empties."""
    segments: list[Segment] = []
    pos = 0
    chord: str | None = None
    for match in _CHORD.finditer(line):
        text = line[pos : match.start()]
        if text or chord is not None:
            segments.append(Segment(chord, text))
        chord = match.group(1).strip()
        pos = match.end()
    if line[pos:] or chord is not None:
        segments.append(Segment(chord, line[pos:]))
    return segments


def transpose_chord(chord: str, steps: int, flats: bool = False) -> str:
    """Move a chord `steps` semitones ("G" +2 -> "A", "F#m7/C#" +1 -> "Gm7/D"); non-chords unchanged."""
    match = _CHORD_NAME.match(chord.strip())
    if not match or steps % 12 == 0:
        return chord
    names = FLATS if flats else SHARPS

    def move(letter: str, accidental: str) -> str:
        index = SHARPS.index(letter) + {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(accidental, 0)
        return names[(index + steps) % 12]

    root = move(match.group(1), match.group(2)) + match.group(3)
    return root + (f"/{move(match.group(4), match.group(5))}" if match.group(4) else "")


def transpose(song: Song, steps: int) -> Song:
    """The song in a new key (key, chords); flats are used when the new key is a flat key."""
    if steps % 12 == 0:
        return song
    new_key = transpose_chord(song.key, steps) if song.key else ""
    flats = bool(song.key) and transpose_chord(song.key, steps, flats=True) in FLAT_KEYS
    if flats:
        new_key = transpose_chord(song.key, steps, flats=True)
    blocks = [
        Block(b.kind, [[Segment(transpose_chord(s.chord, steps, flats) if s.chord else None, s.text) for s in line]
                       for line in b.lines] if b.kind != "tab" else b.lines, b.label)
        for b in song.blocks
    ]
    return Song(song.title, song.subtitle, song.artist, new_key, song.capo, blocks, song.warnings)


def transpose_source(source: str, steps: int) -> str:
    """The ChordPro text with every chord (outside tabs) and the {key} moved `steps` semitones;
    everything else is kept as typed. Flats are used when the new key is a flat key."""
    song = parse(source)
    flats = bool(song.key) and transpose_chord(song.key, steps, flats=True) in FLAT_KEYS
    out, in_tab = [], False
    for line in source.split("\n"):
        directive = _DIRECTIVE.match(line.strip())
        name = ALIASES.get(directive.group(1).lower(), directive.group(1).lower()) if directive else ""
        if name in ("start_of_tab", "end_of_tab"):
            in_tab = name == "start_of_tab"
        elif name == "key" and directive and directive.group(2) and not in_tab:
            line = line.replace(directive.group(2).strip(), transpose_chord(directive.group(2).strip(), steps, flats),
                                1)
        elif not in_tab and not line.startswith("#"):
            line = _CHORD.sub(lambda m: f"[{transpose_chord(m.group(1).strip(), steps, flats)}]", line)
        out.append(line)
    return "\n".join(out)


def set_capo(source: str, capo: int) -> str:
    """The text with its {capo: N} directive set (added after the header), or removed for 0."""
    lines = [line for line in source.split("\n")
             if not ((m := _DIRECTIVE.match(line.strip())) and m.group(1).lower() == "capo")]
    if capo <= 0:
        return "\n".join(lines)
    header = 0
    while header < len(lines) and (m := _DIRECTIVE.match(lines[header].strip())) and \
            ALIASES.get(m.group(1).lower(), m.group(1).lower()) in ("title", "subtitle", "artist", "key"):
        header += 1
    return "\n".join([*lines[:header], f"{{capo: {capo}}}", *lines[header:]])
