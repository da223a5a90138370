"""novelWriter projects (nwProject.nwx + content/<handle>.nwd) as books and research buckets.

novelWriter keeps the story's structure in its headings, not its folders: in a NOVEL root, ``#``
starts a part (``#!`` the title page), ``##`` a chapter (``##!`` an unnumbered one), ``###`` a
scene; ``####`` sections stay inside the scene's text. Character, world and other notes become
research buckets. Lines novelWriter keeps out of the prose are kept as metadata of the section
they belong to: ``@pov: Jane`` references, ``%Synopsis:`` / ``%Short:`` (the synopsis, also the
bucket's description), ``% comments`` and ``%Story.x:`` / ``%Note.x:`` comments, ``@tag`` names.
Its shortcodes become Markdown ([i] *, [b] **, [footnote:k] with ``%Footnote.k:`` a footnote);
``[NEW PAGE]``/``[VSPACE]`` layout codes are dropped; single line breaks stay line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange.importers.plan import ImportPlan, Node, Text

PROJECT_FILE = "nwProject.nwx"
NOTE_TYPES = {"CHARACTER": "characters", "WORLD": "research", "PLOT": "research", "TIMELINE": "research",
              "OBJECT": "research", "ENTITY": "research", "CUSTOM": "research", "ARCHIVE": "research",
              "TEMPLATE": "research"}
_HEADING = re.compile(r"^(#{1,4})(!?)\s+(.*?)\s*$")
_LAYOUT = re.compile(r"^\[(?:new ?page|vspace(?::\d+)?)\]$", re.IGNORECASE)
_COMMENT_KEY = re.compile(r"^(synopsis|short)\s*:\s*(.*)$", re.IGNORECASE)
_FOOTNOTE_DEF = re.compile(r"^footnote\.(\w+)\s*:\s*(.*)$", re.IGNORECASE)
_STORY_NOTE = re.compile(r"^((?:story|note)\.[\w-]+)\s*:\s*(.*)$", re.IGNORECASE)
_SHORTCODES = {"[b]": "**", "[/b]": "**", "[i]": "*", "[/i]": "*", "[s]": "~~", "[/s]": "~~"}
_DROPPED_CODE = re.compile(r"\[/?(?:u|m|sup|sub)\]|\[field:[^\]]*\]", re.IGNORECASE)
_FOOTNOTE_REF = re.compile(r"\[footnote:(\w+)\]", re.IGNORECASE)
_DASHES = re.compile("[\u2012\u2013\u2014\u2015]")


def is_project(path: Path) -> bool:
    return path.name == PROJECT_FILE or (path.is_dir() and (path / PROJECT_FILE).is_file())


def read(path: Path) -> ImportPlan:
    """The project at `path` (its folder or its nwProject.nwx) as an import plan."""
    nwx = path if path.name == PROJECT_FILE else path / PROJECT_FILE
    try:
        root = ElementTree.parse(nwx).getroot()
    except ElementTree.ParseError as exc:
        raise ReynaError(f"{nwx}: not a novelWriter project file ({exc})") from None
    if root.tag != "novelWriterXML":
        raise ReynaError(f"{nwx}: not a novelWriter project file (root element <{root.tag}>)")
    try:
        project = Project.from_xml(root, nwx.parent)
    except ValueError as exc:  # a number attribute that is not a number
        raise ReynaError(f"{nwx}: not a novelWriter project file ({exc})") from None
    plan = ImportPlan("novelWriter project", [])
    novels = [item for item in project.children("None") if item.kind == "ROOT" and item.cls == "NOVEL"]
    for item in project.children("None"):
        if item.kind != "ROOT":
            plan.warnings.append(f"{nwx}: item {item.handle} outside any root folder skipped")
        elif item.cls == "NOVEL":
            name = project.name if len(novels) == 1 else item.name
            plan.roots.append(NovelBuilder(project, name, plan.warnings).build(item))
        elif item.cls in NOTE_TYPES:
            plan.roots.append(project.notes_node(item, NOTE_TYPES[item.cls], plan.warnings))
        elif item.cls == "TRASH":
            trashed = len(project.descendants(item.handle))
            if trashed:
                plan.warnings.append(f"{item.name}: {trashed} item(s) in novelWriter's trash not imported")
        else:
            plan.warnings.append(f"{item.name}: root folder of unknown class {item.cls!r} skipped")
    return plan


@dataclass
class Item:
    handle: str
    parent: str
    order: int
    kind: str  # ROOT, FOLDER, FILE
    cls: str  # NOVEL, CHARACTER, ...
    layout: str  # DOCUMENT or NOTE (files)
    name: str
    status: str
    importance: str
    words: int | None  # novelWriter's own count, from the project file


@dataclass
class Project:
    folder: Path
    name: str
    author: str
    language: str
    items: dict[str, Item]
    labels: dict[str, str]  # status / importance key -> its name
    replace: dict[str, str]  # auto-replace <key> -> text

    @classmethod
    def from_xml(cls, root: ElementTree.Element, folder: Path) -> Project:
        items: dict[str, Item] = {}
        for el in root.iterfind("./content/item"):
            name_el, meta = el.find("name"), el.find("meta")
            words = meta.get("wordCount") if meta is not None else None
            handle = el.get("handle") or ""
            if not re.fullmatch(r"[0-9a-f]{13}", handle):
                raise ReynaError(f"{folder / PROJECT_FILE}: item handle {handle!r} is not a novelWriter handle")
            items[handle] = Item(
                handle, el.get("parent") or "None", int(el.get("order") or 0), el.get("type") or "",
                el.get("class") or "", el.get("layout") or "", (name_el.text or "").strip() if name_el is not None
                else "", name_el.get("status", "") if name_el is not None else "",
                name_el.get("import", "") if name_el is not None else "", int(words) if words else None,
            )
        labels = {e.get("key", ""): (e.text or "") for e in root.iterfind("./settings/status/entry")}
        labels |= {e.get("key", ""): (e.text or "") for e in root.iterfind("./settings/importance/entry")}
        replace = {e.get("key", ""): (e.text or "") for e in root.iterfind("./settings/autoReplace/entry")}
        return cls(folder, root.findtext("./project/name", "").strip() or folder.name,
                   root.findtext("./project/author", "").strip(), root.findtext("./settings/language", "").strip(),
                   items, labels, replace)

    def children(self, handle: str) -> list[Item]:
        return sorted((i for i in self.items.values() if i.parent == handle), key=lambda i: i.order)

    def descendants(self, handle: str) -> list[Item]:
        out: list[Item] = []
        for child in self.children(handle):
            out += [child, *self.descendants(child.handle)]
        return out

    def text_of(self, item: Item) -> str:
        path = self.folder / "content" / f"{item.handle}.nwd"
        if not path.is_file():
            raise ReynaError(f"{path}: the content file of {item.name!r} is missing")
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReynaError(f"{path}: not UTF-8 text ({exc})") from None
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line for line in lines if not line.startswith("%%~"))

    def item_metadata(self, item: Item) -> dict[str, Any]:
        meta: dict[str, Any] = {"handle": item.handle}
        for key, value in (("status", item.status), ("importance", item.importance)):
            if self.labels.get(value):
                meta[key] = self.labels[value]
        return {"novelwriter": meta}

    def notes_node(self, root: Item, bucket_type: str, warnings: list[str]) -> Node:
        """A root of notes (characters, locations, archive...) as a research bucket tree."""
        node = Node(root.name, bucket_type, self.item_metadata(root))
        for child in self.children(root.handle):
            if child.kind == "FOLDER":
                sub = self.notes_node(child, "folder", warnings)
                node.children.append(sub)
            elif child.kind == "FILE":
                section = Section.parse(self.text_of(child), self.replace)
                node.texts.append(section.as_text(child.name, self.item_metadata(child), role="notes"))
            else:
                warnings.append(f"{child.name}: item of unknown type {child.kind!r} skipped")
        return node


@dataclass
class Section:
    """One heading's worth of a document: its Markdown and what novelWriter keeps beside the prose."""

    level: int  # 0: text before any heading
    title: str
    bang: bool  # "#!" / "##!"
    lines: list[str] = field(default_factory=list)  # Markdown paragraphs, blank-line separated
    references: dict[str, list[str]] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    synopsis: str = ""
    footnotes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, replace: dict[str, str]) -> Section:
        """A whole document as one section (notes: their headings stay Markdown headings)."""
        sections = split_sections(text, replace, max_level=0)
        return sections[0]

    def markdown(self, *, with_heading: bool = True) -> str:
        body = "\n".join(self.lines).strip("\n")
        if self.footnotes:
            body += "\n\n" + "\n".join(f"[^{k}]: {v}" for k, v in self.footnotes.items())
        if with_heading and self.level:
            return f"{'#' * min(self.level, 3)} {self.title}\n\n{body}".rstrip() + "\n"
        return body + "\n" if body else ""

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if self.references:
            meta["references"] = self.references
        if self.comments:
            meta["comments"] = self.comments
        if self.synopsis:
            meta["synopsis"] = self.synopsis
        return meta

    def as_text(self, title: str, extra: dict[str, Any], role: str | None = None) -> Text:
        return Text(title, self.markdown(), role=role, metadata={**extra, **self.metadata()})


def split_sections(text: str, replace: dict[str, str], max_level: int = 3) -> list[Section]:
    """The document cut at headings of level <= `max_level` (0: never cut; a note keeps its headings)."""
    sections = [Section(0, "", False)]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            sections[-1].lines.extend(["\\\n".join(paragraph), ""])
            paragraph.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        heading = _HEADING.match(line)
        if not line:
            flush()
        elif heading and len(heading.group(1)) <= max_level:
            flush()
            sections.append(Section(len(heading.group(1)), _inline(heading.group(3), replace), bool(heading.group(2))))
        elif heading:
            flush()
            level = len(heading.group(1))
            sections[-1].lines.extend([f"{'#' * level} {_inline(heading.group(3), replace)}", ""])
        elif line.startswith("@"):
            flush()
            key, _, values = line[1:].partition(":")
            refs = sections[-1].references.setdefault(key.strip().lower(), [])
            refs.extend(v.strip() for v in values.split(",") if v.strip())
        elif line.startswith("%"):
            flush()
            _comment(line.lstrip("%").strip(), sections[-1], replace)
        elif _LAYOUT.match(line):
            flush()
        else:
            paragraph.append(_paragraph_line(line, replace))
    flush()
    if len(sections) > 1 and not sections[0].lines and not sections[0].metadata():
        sections.pop(0)
    return sections


def _comment(body: str, section: Section, replace: dict[str, str]) -> None:
    if body.startswith("~"):  # novelWriter's "ignored text": kept, like a comment
        section.comments.append(body[1:].strip())
    elif match := _COMMENT_KEY.match(body):
        section.synopsis = match.group(2).strip()
    elif match := _FOOTNOTE_DEF.match(body):
        section.footnotes[match.group(1)] = _inline(match.group(2), replace)
    elif match := _STORY_NOTE.match(body):
        section.comments.append(f"{match.group(1)}: {match.group(2).strip()}")
    elif body:
        section.comments.append(body)


def _paragraph_line(line: str, replace: dict[str, str]) -> str:
    """A line of prose: alignment marks ('>>', '<<') dropped, '> indented <' as a quote, codes to Markdown."""
    quote = line.startswith("> ") and line.endswith(" <")
    if line.startswith(">>"):
        line = line[2:].lstrip()
    if line.endswith("<<"):
        line = line[:-2].rstrip()
    if quote:
        line = line[2:-2].strip()
    line = _inline(line, replace)
    return f"> {line}" if quote else line


def _inline(text: str, replace: dict[str, str]) -> str:
    for key, value in replace.items():
        text = text.replace(f"<{key}>", value)
    text = _FOOTNOTE_REF.sub(r"[^\1]", text)
    text = re.sub(r"\[br\]$", "", text, flags=re.IGNORECASE)  # the line ends anyway: one break, not two
    text = re.sub(r"\[br\]", "\\\\\n", text, flags=re.IGNORECASE)
    for code, mark in _SHORTCODES.items():
        text = text.replace(code, mark).replace(code.upper(), mark)
    return _DROPPED_CODE.sub("", text)


def novelwriter_words(text: str) -> int:
    """Words as novelWriter counts them: headings count, @keywords, % comments and layout codes do
    not, shortcodes are removed and long dashes separate words."""
    words = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line[0] in "@%" or _LAYOUT.match(line):
            continue
        if line[0] == "#":
            line = line.lstrip("#").lstrip("!")
        line = line.removeprefix(">>").removeprefix(">").removesuffix("<<").removesuffix("<")
        line = _DROPPED_CODE.sub("", re.sub(r"\[/?[bis]\]|\[br\]|\[footnote:\w+\]", " ", line, flags=re.I))
        words += len(_DASHES.sub(" ", line).split())
    return words


class NovelBuilder:
    """Walks a NOVEL root's documents in tree order, opening parts, chapters and scenes at headings."""

    def __init__(self, project: Project, name: str, warnings: list[str]) -> None:
        self.project = project
        self.warnings = warnings
        meta: dict[str, Any] = {"title": name}
        if project.author:
            meta["author"] = project.author
        if project.language:
            meta["language"] = project.language.replace("_", "-")
        self.book = Node(name, "book", meta)
        self.part: Node | None = None
        self.chapter: Node | None = None
        self.current: Node = self.book
        self.notes: Node | None = None

    def build(self, root: Item) -> Node:
        self.book.metadata.update(self.project.item_metadata(root))
        for item in self.project.descendants(root.handle):
            if item.kind != "FILE":
                continue
            if item.layout == "NOTE":
                self._note(item)
            else:
                self._document(item)
        return self.book

    def _note(self, item: Item) -> None:
        if self.notes is None:
            self.notes = Node("Notes", "research")
            self.book.children.append(self.notes)
        section = Section.parse(self.project.text_of(item), self.project.replace)
        self.notes.texts.append(section.as_text(item.name, self.project.item_metadata(item), role="notes"))

    def _document(self, item: Item) -> None:
        extra = self.project.item_metadata(item)
        for section in split_sections(self.project.text_of(item), self.project.replace):
            if section.level == 0:
                self._loose(item, section, extra)
                continue
            node = self._open(section)
            node.metadata.update(extra)
            if section.synopsis:
                node.description = section.synopsis
            if section.markdown(with_heading=False).strip() or section.metadata():
                node.texts.append(section.as_text(section.title, extra))

    def _loose(self, item: Item, section: Section, extra: dict[str, Any]) -> None:
        """Text before a document's first heading belongs to whatever is open (front matter at the start)."""
        if not section.markdown().strip() and not section.metadata():
            return
        target = self.current
        if target is self.book:
            target = Node(item.name, "front-matter")
            self.book.children.append(target)
        target.texts.append(section.as_text(item.name, extra))

    def _open(self, section: Section) -> Node:
        if section.level == 1:
            kind = "front-matter" if section.bang else "part"
            node = Node(section.title, kind)
            self.book.children.append(node)
            self.part = node if kind == "part" else None
            self.chapter = None
        elif section.level == 2:
            node = Node(section.title, "chapter", {"numbered": False} if section.bang else {})
            (self.part or self.book).children.append(node)
            self.chapter = node
        else:
            node = Node(section.title, "scene")
            (self.chapter or self.part or self.book).children.append(node)
        self.current = node
        return node
