"""Markdown to XHTML for one division: markdown-it-py with raw HTML off (text stays text).

What it adds to CommonMark: footnotes (ids made unique per division), smart quotes and
dashes in the book's language, ``dir`` on paragraphs written the other way from the book's
language (an Arabic paragraph in an English book), scene breaks (a thematic break becomes the separator),
index terms the writer marks as ``{^term}`` or ``{^shown text|Index entry}``, and images
named by blob id (``![alt](blob:ID)``) or by the file name of an image in the book.
Problems become warnings saying where; nothing in the text can make the output invalid.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from reyna_desktop.export import language
from reyna_desktop.export.manuscript import ImageRef
from reyna_desktop.store.text import word_count

RENDER_VERSION = "markup-6"  # 6: counts by store.text.word_count (CJK by character); paragraph dir
LONG_PARAGRAPH = 20_000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


@dataclass
class Rendered:
    """One division's body as an XHTML fragment, plus what the book needs to know about it."""

    html: str
    index: list[tuple[str, str]] = field(default_factory=list)  # (entry, anchor id)
    warnings: list[str] = field(default_factory=list)
    words: int = 0
    images: list[str] = field(default_factory=list)  # image blob ids used


def render(
    markdown: str,
    *,
    doc_id: str,
    lang: str,
    where: str,
    scene_separator: str,
    images: dict[str, ImageRef],
    drop_heading: Sequence[str] = (),
) -> Rendered:
    """Render `markdown` (one division's text); `doc_id` keeps its ids apart from other divisions'."""
    warnings: list[str] = []
    text = _clean(markdown, where, warnings)
    _check_source(text, where, warnings)
    md = _parser(language.primary(lang))
    env: dict[str, Any] = {"docId": doc_id, "index": [], "images": [], "separator": scene_separator}
    tokens = md.parse(text, env)
    tokens = _drop_leading_heading(tokens, drop_heading)
    _adjust(tokens, images, env, where, warnings)
    _mark_direction(tokens, language.direction(lang))
    body = md.renderer.render(tokens, md.options, env)
    return Rendered(body, env["index"], warnings, word_count(text), env["images"])


def _clean(text: str, where: str, warnings: list[str]) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _CONTROL.sub("", text)
    if len(cleaned) != len(text):
        warnings.append(f"{where}: removed {len(text) - len(cleaned)} control character(s) that cannot be printed")
    return cleaned


def _check_source(text: str, where: str, warnings: list[str]) -> None:
    defined = set(_FOOTNOTE_DEF.findall(text))
    for label in dict.fromkeys(_FOOTNOTE_REF.findall(text)):
        if label not in defined:
            warnings.append(f"{where}: footnote [^{label}] has no definition; it is shown as text")
    fences = _FENCE.findall(text)
    if len(fences) % 2:
        line = text[: text.rfind(fences[-1])].count("\n") + 1
        warnings.append(f"{where}: a code block opened with {fences[-1]} near line {line} is never closed")
    for number, line_text in enumerate(text.split("\n"), 1):
        if len(line_text) > LONG_PARAGRAPH:
            warnings.append(
                f"{where}: line {number} is one paragraph of {len(line_text):,} characters; check for lost line breaks"
            )


@lru_cache(maxsize=16)
def _parser(lang: str) -> MarkdownIt:
    quotes = language.quotes_for(lang)
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "xhtmlOut": True, "quotes": quotes})
    md.enable(["replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.inline.ruler.before("emphasis", "index_term", _index_rule)
    md.add_render_rule("index_term", _render_index_term)
    md.add_render_rule("hr", _render_scene_break)
    return md


def _index_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("{^", pos):
        return False
    end = src.find("}", pos + 2)
    body = src[pos + 2 : end] if end > 0 else ""
    if not body.strip() or "\n" in body or "{" in body:
        return False
    if not silent:
        shown, _, entry = body.partition("|")
        token = state.push("index_term", "span", 0)
        token.content = shown.strip() or entry.strip()
        token.meta = {"entry": (entry or shown).strip()}
    state.pos = end + 1
    return True


def _render_index_term(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    anchor = f"ix-{env['docId']}-{len(env['index']) + 1}"
    env["index"].append((token.meta["entry"], anchor))
    return f'<span class="index-term" id="{anchor}">{html.escape(token.content, quote=False)}</span>'


def _render_scene_break(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<p class="scene-break">{html.escape(env["separator"], quote=False)}</p>\n'


def _drop_leading_heading(tokens: list[Token], titles: Sequence[str]) -> list[Token]:
    """A chapter text that starts with its own title as a heading would show the title twice."""
    wanted = {_plain(t) for t in titles if t}
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and _plain(tokens[1].content) in wanted:
        return tokens[3:]
    return tokens


def _plain(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _adjust(
    tokens: list[Token], images: dict[str, ImageRef], env: dict[str, Any], where: str, warnings: list[str]
) -> None:
    """Demote headings below the division's own h1; resolve images; keep only web links."""
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
        if token.type == "inline" and token.children:
            token.children = _adjust_inline(token.children, images, env, where, warnings)
            if i > 0 and tokens[i - 1].type == "paragraph_open" and [c.type for c in token.children] == ["image"]:
                tokens[i - 1].attrSet("class", "image")  # a picture on its own: centred, no indent


def _mark_direction(tokens: list[Token], book_direction: str) -> None:
    """A paragraph or heading written the other way from the book's language gets its own ``dir``."""
    for i, token in enumerate(tokens[:-1]):
        if token.type in ("paragraph_open", "heading_open") and tokens[i + 1].type == "inline":
            direction = language.text_direction(tokens[i + 1].content)
            if direction is not None and direction != book_direction:
                token.attrSet("dir", direction)


def _adjust_inline(
    children: list[Token], images: dict[str, ImageRef], env: dict[str, Any], where: str, warnings: list[str]
) -> list[Token]:
    out: list[Token] = []
    dropped_links: list[int] = []  # nesting of link_open tokens we removed
    for child in children:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            ref = _find_image(src, images)
            alt = child.content or (ref.alt if ref else "")
            if ref is None:
                warnings.append(f"{where}: image {src!r} is not in the book; its description is shown instead")
                text = Token("text", "", 0, content=f"[{alt or 'image'}]")
                out.append(text)
                continue
            child.attrSet("src", ref.href)
            child.attrSet("alt", alt)
            child.children = [Token("text", "", 0, content=alt)]
            child.content = alt
            env["images"].append(ref.blob_id)
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            if not _SAFE_LINK.match(href):
                warnings.append(f"{where}: link to {href!r} is not a web address; its text is kept without the link")
                dropped_links.append(len(out))
                continue
            dropped_links.append(-1)
        elif child.type == "link_close" and dropped_links and dropped_links.pop() >= 0:
            continue
        out.append(child)
    return out


def _find_image(src: str, images: dict[str, ImageRef]) -> ImageRef | None:
    key = src.strip()
    for prefix in ("blob:", "image:"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return images.get(key) or images.get(key.rsplit("/", 1)[-1].lower())
