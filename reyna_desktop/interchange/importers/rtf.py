"""RTF to Markdown, limited to what Scrivener writes: paragraphs, italics, bold, footnotes, characters.

No maintained Python package turns RTF into text while keeping italics (`striprtf` drops them),
so this reads the subset Scrivener's content.rtf, notes.rtf and snapshot files use: Cocoa RTF
from the Mac version (paragraphs end with a backslash-newline) and Word-style RTF from the
Windows version (``\\par``, ``{\\footnote ...}``). Characters come from ``\\'xx`` in the file's
code page and ``\\uN``; tables of fonts, colours, styles and pictures are skipped; a field's
shown text is kept (Scrivener's inline comment and footnote links), its instruction is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange.importers.mdtext import Run, join_paragraphs, paragraph_markdown

MAX_DEPTH = 500
_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word
    r"|\\'([0-9a-fA-F]{2})"  # a byte in the code page
    r"|\\([^a-zA-Z'])"  # control symbol
    r"|([{}])"
    r"|([^\\{}\r\n]+)"
    r"|[\r\n]+"
)
SKIPPED = {"fonttbl", "colortbl", "expandedcolortbl", "stylesheet", "info", "listtable", "listoverridetable",
           "pict", "header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr", "footerf",
           "fldinst", "themedata", "colorschememapping", "latentstyles", "datastore", "xmlnstbl", "generator",
           "rsidtbl", "mmathPr", "object", "nonshppict", "NeXTGraphic"}
CHARACTERS = {"emdash": "\u2014", "endash": "\u2013", "lquote": "\u2018", "rquote": "\u2019",
              "ldblquote": "\u201c", "rdblquote": "\u201d", "bullet": "\u2022", "tab": " ", "emspace": " ",
              "enspace": " ", "qmspace": " "}
SYMBOLS = {"~": "\u00a0", "_": "\u2011", "-": "", "{": "{", "}": "}", "\\": "\\"}


@dataclass(frozen=True)
class _State:
    italic: bool = False
    bold: bool = False
    skip: bool = False
    footnote: bool = False
    uc: int = 1


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where
        self.codepage = "cp1252"
        self.paragraphs: list[list[Run]] = [[]]
        self.notes: list[list[Run]] = []
        self.pending_skip = 0  # fallback characters still to drop after a \uN
        self.high_surrogate: int | None = None

    def text(self, state: _State, text: str) -> None:
        if state.skip or not text:
            return
        if self.pending_skip:
            dropped = min(self.pending_skip, len(text))
            text, self.pending_skip = text[dropped:], self.pending_skip - dropped
        if text:
            target = self.notes[-1] if state.footnote else self.paragraphs[-1]
            target.append(Run(text, state.italic, state.bold))

    def paragraph(self, state: _State) -> None:
        if state.skip:
            return
        if state.footnote:
            self.notes[-1].append(Run(" "))
        else:
            self.paragraphs.append([])

    def unicode(self, state: _State, value: int) -> None:
        code = value + 65536 if value < 0 else value
        if 0xD800 <= code < 0xDC00:
            self.high_surrogate = code
        else:
            if 0xDC00 <= code < 0xE000 and self.high_surrogate is not None:
                code = 0x10000 + ((self.high_surrogate - 0xD800) << 10) + (code - 0xDC00)
            self.high_surrogate = None
            if not 0xD800 <= code < 0xE000:
                self.text(state, chr(code))
        self.pending_skip = state.uc

    def read(self, source: str) -> str:
        stack: list[_State] = []
        state = _State()
        group_start = False
        for match in _TOKEN.finditer(source):
            word, arg, hexbyte, symbol, brace, text = match.groups()
            if brace == "{":
                stack.append(state)
                if len(stack) > MAX_DEPTH:
                    raise ReynaError(f"{self.where}: RTF groups nested more than {MAX_DEPTH} deep")
                group_start = True
                continue
            if brace == "}":
                if not stack:
                    break  # the closing brace of the document; anything after it is not RTF
                state = stack.pop()
                self.pending_skip = 0
                continue
            starts_group, group_start = group_start, False
            if word is not None:
                state = self.control(state, word, arg, starts_group)
            elif hexbyte is not None:
                if self.pending_skip:
                    self.pending_skip -= 1
                else:
                    self.text(state, bytes([int(hexbyte, 16)]).decode(self.codepage, errors="replace"))
            elif symbol is not None:
                if symbol == "*" and starts_group:
                    state = replace(state, skip=True)  # an optional destination this reader does not know
                elif symbol in "\r\n":
                    self.paragraph(state)  # Cocoa RTF: a backslash before the newline ends a paragraph
                elif symbol in SYMBOLS:
                    self.text(state, SYMBOLS[symbol])
            elif text is not None:
                self.text(state, text.encode("latin-1", errors="replace").decode(self.codepage, errors="replace"))
        paragraphs = [paragraph_markdown(p) for p in self.paragraphs]
        for n, note in enumerate(self.notes, 1):
            paragraphs.append(f"[^{n}]: {paragraph_markdown(note)}")
        return join_paragraphs(paragraphs)

    def control(self, state: _State, word: str, arg: str | None, starts_group: bool) -> _State:
        if word in SKIPPED:
            return replace(state, skip=True)
        if state.skip:
            return state
        on = arg != "0"
        if word == "i":
            return replace(state, italic=on)
        if word == "b":
            return replace(state, bold=on)
        if word == "plain":
            return replace(state, italic=False, bold=False)
        if word in ("par", "sect", "page"):
            self.paragraph(state)
        elif word == "line" and not state.footnote:
            self.paragraphs[-1].append(Run("\\\n", raw=True))  # a Markdown hard line break
        elif word == "u" and arg is not None:
            self.unicode(state, int(arg))
        elif word == "uc" and arg is not None:
            return replace(state, uc=max(0, int(arg)))
        elif word == "ansicpg" and arg is not None:
            self.codepage = _codepage(int(arg))
        elif word == "footnote":
            self.notes.append([])
            self.paragraphs[-1].append(Run(f"[^{len(self.notes)}]", raw=True))
            return replace(state, footnote=True, italic=False, bold=False)
        elif word == "chftn":
            return replace(state, skip=True)  # the footnote mark itself: the [^n] reference stands for it
        elif word in CHARACTERS:
            self.text(state, CHARACTERS[word])
        return state


def _codepage(number: int) -> str:
    name = f"cp{number}"
    try:
        "".encode(name)
    except LookupError:
        return "cp1252"
    return name


def rtf_to_markdown(data: bytes, where: str) -> str:
    """The Markdown of an RTF file's bytes; `where` names the file in error messages."""
    if not data.strip():
        raise ReynaError(f"{where}: the file is empty (0 bytes), not RTF")
    source = data.decode("latin-1")
    if not source.lstrip().startswith("{\\rtf"):
        raise ReynaError(f"{where}: not an RTF file (it does not start with {{\\rtf)")
    start = source.index("{\\rtf")
    return _Reader(where).read(source[start + 1:])
