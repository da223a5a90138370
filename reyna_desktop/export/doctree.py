"""A division's XHTML as plain data (nested lists and dicts) for the Typst templates to lay out.

The print templates never see markup they could misread: text stays a JSON string, so ``#``,
``$``, ``*``, ``@``, ``<`` or ``\\`` in a chapter are only characters. Each element becomes

    {"t": "p", "c": [...children...]}            plus "dir", "class", "src", "alt" or "href" when set

and each text run a string. Footnotes move from markdown-it's list at the chapter's end to their
call (``{"t": "footnote", "c": [...]}``) and index marks become ``{"t": "index", "id": ..., "c": [...]}``.
Nesting deeper than ``MAX_DEPTH`` (a hostile ``>>>>>>`` run) is flattened to its text, so the
template's recursion stays bounded.
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

Node = dict[str, Any] | str
MAX_DEPTH = 24
KEPT_ATTRIBUTES = ("dir", "class", "src", "alt", "href", "id", "lang")
BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "section", "div"}
VOID = {"br", "img", "hr"}


@lru_cache(maxsize=1024)
def tree(xhtml: str) -> list[Node]:
    """The fragment's top-level nodes, footnotes placed at their calls. Cached (a recompile parses
    only the chapters that changed), so callers must not modify what it returns."""
    parser = _TreeParser()
    parser.feed(xhtml)
    parser.close()
    nodes = parser.root["c"]
    notes = _take_footnotes(nodes)
    return _limit_depth(_place_footnotes(nodes, notes), 0)


class _TreeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"t": "root", "c": []}
        self.stack: list[dict[str, Any]] = [self.root]
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: dict[str, Any] = {"t": tag, "c": []}
        node.update({k: v or "" for k, v in attrs if k in KEPT_ATTRIBUTES})
        self.stack[-1]["c"].append(node)
        if tag not in VOID:
            self.stack.append(node)
            self.in_pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):  # markdown-it's output is well formed; be safe anyway
            if self.stack[i]["t"] == tag:
                del self.stack[i:]
                self.in_pre -= tag == "pre"
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if not self.in_pre:
            if not data.strip() and (parent["t"] in BLOCKS - {"p", "li"} or parent["t"] == "root"):
                return  # the line breaks between blocks
            data = data.replace("\n", " ")  # a soft line break inside a paragraph is a space
        children = parent["c"]
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _take_footnotes(nodes: list[Node]) -> dict[str, list[Node]]:
    """Remove markdown-it's footnote list (and its rule); return each note's content by its id."""
    notes: dict[str, list[Node]] = {}
    for node in list(nodes):
        if isinstance(node, dict) and node["t"] == "section" and node.get("class") == "footnotes":
            for item in _find(node, "li"):
                body = [c for c in item["c"] if not _is_backref(c)]
                notes[item.get("id", "")] = [_strip_backrefs(c) for c in body]
            nodes.remove(node)
        elif isinstance(node, dict) and node["t"] == "hr" and node.get("class") == "footnotes-sep":
            nodes.remove(node)
    return notes


def _place_footnotes(nodes: list[Node], notes: dict[str, list[Node]]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, dict) and node["t"] == "sup" and node.get("class") == "footnote-ref":
            link = next((c for c in node["c"] if isinstance(c, dict) and c["t"] == "a"), None)
            target = link.get("href", "").lstrip("#") if link else ""
            body = notes.pop(target, None)
            if body is not None:  # a second call of the same note prints its number only once
                out.append({"t": "footnote", "c": _unwrap_paragraphs(body)})
            continue
        if isinstance(node, dict):
            node = {**node, "c": _place_footnotes(node["c"], notes)}
        out.append(node)
    return out


def _unwrap_paragraphs(body: list[Node]) -> list[Node]:
    """A note's paragraphs run together (with a space) inside the footnote."""
    out: list[Node] = []
    for node in body:
        if isinstance(node, dict) and node["t"] == "p":
            if out:
                out.append(" ")
            out.extend(node["c"])
        else:
            out.append(node)
    return out


def _is_backref(node: Node) -> bool:
    return isinstance(node, dict) and node["t"] == "a" and node.get("class") == "footnote-backref"


def _strip_backrefs(node: Node) -> Node:
    if isinstance(node, str):
        return node
    children = [_strip_backrefs(c) for c in node["c"] if not _is_backref(c)]
    if children and isinstance(children[-1], str):
        children[-1] = children[-1].rstrip()
    return {**node, "c": children}


def _find(node: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for child in node["c"]:
        if isinstance(child, dict):
            if child["t"] == tag:
                found.append(child)
            else:
                found.extend(_find(child, tag))
    return found


def _limit_depth(nodes: list[Node], depth: int) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif depth >= MAX_DEPTH:
            out.append(text_of(node))
        else:
            out.append({**node, "c": _limit_depth(node["c"], depth + 1)})
    return out


def text_of(node: Node) -> str:
    """The node's text, all markup dropped."""
    if isinstance(node, str):
        return node
    return "".join(text_of(c) for c in node["c"])
