"""Scrivener 3 projects (.scriv) as a book plus research buckets.

A project is a folder ``Name.scriv`` holding ``Name.scrivx`` (the binder, XML) and per document
``Files/Data/<UUID>/content.rtf`` (its text), ``synopsis.txt`` and ``notes.rtf``; earlier versions
(snapshots) are ``Snapshots/<UUID>.snapshots/index.xml`` with one RTF file per snapshot, named
after its date. The Draft folder becomes the book: a folder holding folders is a part, a folder
holding texts is a chapter (its texts are scenes), a text directly in the Draft is a chapter.
The Research folder and other top-level folders become research buckets; the Trash is left out.
Synopses become the bucket's description and the text's metadata, notes a text with the "notes"
role, snapshots the text's earlier versions with their own dates.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange.importers.plan import Image, ImportPlan, Node, Text, Version
from reyna_desktop.interchange.importers.rtf import rtf_to_markdown

TEXT_TYPES = {"Text"}
FOLDER_TYPES = {"Folder", "DraftFolder", "ResearchFolder"}
IMAGE_TYPES = {"Image"}
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".gif")


def is_project(path: Path) -> bool:
    return path.suffix.lower() == ".scrivx" or (path.is_dir() and path.suffix.lower() == ".scriv")


def read(path: Path) -> ImportPlan:
    scrivx = path if path.suffix.lower() == ".scrivx" else _find_scrivx(path)
    try:
        root = ElementTree.parse(scrivx).getroot()
    except ElementTree.ParseError as exc:
        raise ReynaError(f"{scrivx}: not a Scrivener project file: the XML cannot be read ({exc})") from None
    if root.tag != "ScrivenerProject" or root.find("Binder") is None:
        raise ReynaError(f"{scrivx}: not a Scrivener project file (no <ScrivenerProject> with a <Binder>)")
    return _ProjectReader(scrivx, root).read()


def _find_scrivx(folder: Path) -> Path:
    found = sorted(folder.glob("*.scrivx"))
    if not found:
        raise ReynaError(f"{folder}: a .scriv folder without its .scrivx project file")
    return found[0]


def iso_date(value: str | None) -> str | None:
    """Scrivener's "2018-11-08 09:40:55 +0300" as the store's UTC timestamp, or None."""
    if not value:
        return None
    try:
        moment = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _ProjectReader:
    def __init__(self, scrivx: Path, root: ElementTree.Element) -> None:
        self.folder = scrivx.parent
        self.root = root
        self.plan = ImportPlan("Scrivener project", [])
        self.name = scrivx.stem
        self.labels = _names(root, "LabelSettings/Labels/Label")
        self.statuses = _names(root, "StatusSettings/StatusItems/Status")
        self.keywords = _names(root, "Keywords/Keyword", text="Title")

    def read(self) -> ImportPlan:
        binder = self.root.find("Binder")
        assert binder is not None
        loose = Node("Other", "research")
        for item in binder.findall("BinderItem"):
            kind = item.get("Type", "")
            if kind == "DraftFolder":
                self.plan.roots.append(self._book(item))
            elif kind == "TrashFolder":
                count = len(item.findall(".//BinderItem"))
                if count:
                    self.plan.warnings.append(f"{_title(item)}: {count} item(s) in Scrivener's trash not imported")
            elif kind in FOLDER_TYPES:
                self.plan.roots.append(self._research(item, "research"))
            else:
                self._add_item(loose, item, role="notes")
        if loose.texts or loose.children or loose.images:
            self.plan.roots.append(loose)
        return self.plan

    # -- the Draft -----------------------------------------------------------------------

    def _book(self, draft: ElementTree.Element) -> Node:
        meta = {"title": self.name}
        author = self.root.get("Author")
        if author:
            meta["author"] = author
        book = Node(self.name, "book", meta)
        for item in _children(draft):
            book.children.append(self._draft_node(item, depth=1))
        return book

    def _draft_node(self, item: ElementTree.Element, depth: int) -> Node:
        kids = _children(item)
        if item.get("Type") in FOLDER_TYPES:
            has_folders = any(k.get("Type") in FOLDER_TYPES for k in kids)
            kind = "part" if has_folders and depth == 1 else "chapter" if depth <= 2 else "scene"
        else:
            kind = "chapter" if depth == 1 else "scene"
        node = self._node(item, kind)
        for kid in kids:
            if kid.get("Type") in FOLDER_TYPES | TEXT_TYPES:
                node.children.append(self._draft_node(kid, depth + 1))
            else:
                self._add_item(node, kid, role="notes")
        return node

    # -- research and everything else -------------------------------------------------------

    def _research(self, folder: ElementTree.Element, kind: str) -> Node:
        node = self._node(folder, kind, role="notes")
        for item in _children(folder):
            if item.get("Type") in FOLDER_TYPES:
                node.children.append(self._research(item, "folder"))
            else:
                self._add_item(node, item, role="notes")
        return node

    def _add_item(self, node: Node, item: ElementTree.Element, role: str) -> None:
        kind = item.get("Type", "")
        if kind in TEXT_TYPES:
            node.texts.extend(self._texts(item, role))
            for kid in _children(item):
                self._add_item(node, kid, role)
        elif kind in IMAGE_TYPES:
            image = self._image(item)
            if image is not None:
                node.images.append(image)
        elif kind in FOLDER_TYPES:
            node.children.append(self._research(item, "folder"))
        else:
            self.plan.warnings.append(f"{_title(item)}: a Scrivener {kind or 'untyped'} item is not imported")

    # -- one binder item -------------------------------------------------------------------

    def _node(self, item: ElementTree.Element, kind: str, role: str | None = None) -> Node:
        node = Node(_title(item), kind, {"scrivener": self._item_metadata(item)})
        texts = self._texts(item, role)
        synopsis = texts[0].metadata.get("synopsis") if texts else None
        if synopsis:
            node.description = synopsis
        node.texts.extend(texts)
        return node

    def _item_metadata(self, item: ElementTree.Element) -> dict[str, object]:
        """The binder item's id, label, status, keywords and whether Scrivener compiles it."""
        meta: dict[str, object] = {"uuid": item.get("UUID", "")}
        label, status = item.findtext("MetaData/LabelID"), item.findtext("MetaData/StatusID")
        if label and label in self.labels:
            meta["label"] = self.labels[label]
        if status and status in self.statuses:
            meta["status"] = self.statuses[status]
        keywords = [self.keywords.get(k.text or "", k.text or "") for k in item.iterfind("Keywords/KeywordID")]
        if keywords:
            meta["keywords"] = keywords
        if item.findtext("MetaData/IncludeInCompile") == "No":
            meta["include_in_compile"] = False
        return meta

    def _texts(self, item: ElementTree.Element, role: str | None) -> list[Text]:
        """The item's text (with snapshots as earlier versions) and its notes, as texts to create."""
        uuid = item.get("UUID", "")
        if not re.fullmatch(r"[0-9A-Fa-f-]{1,64}", uuid):
            raise ReynaError(f"{_title(item)}: binder item with a bad UUID {uuid!r}")
        data = self.folder / "Files" / "Data" / uuid
        title = _title(item)
        out: list[Text] = []
        content = data / "content.rtf"
        synopsis = _read_text(data / "synopsis.txt")
        versions = self._snapshots(uuid, title)
        if content.is_file() or versions or synopsis:
            markdown = rtf_to_markdown(content.read_bytes(), str(content)) if content.is_file() else ""
            text = Text(title, markdown, role=role, versions=versions, at=iso_date(item.get("Modified")))
            if synopsis:
                text.metadata["synopsis"] = synopsis
            out.append(text)
        notes = data / "notes.rtf"
        if notes.is_file():
            out.append(Text(f"Notes: {title}", rtf_to_markdown(notes.read_bytes(), str(notes)), role="notes"))
        if (data / "content.comments").is_file():
            self.plan.warnings.append(f"{title}: inline comments and footnotes (content.comments) are not imported")
        return out

    def _snapshots(self, uuid: str, title: str) -> list[Version]:
        folder = self.folder / "Snapshots" / f"{uuid}.snapshots"
        index = folder / "index.xml"
        if not index.is_file():
            return []
        try:
            entries = ElementTree.parse(index).getroot().findall("Snapshot")
        except ElementTree.ParseError as exc:
            raise ReynaError(f"{index}: the snapshot index cannot be read ({exc})") from None
        versions = []
        for entry in entries:
            date = (entry.findtext("Date") or "").strip()
            rtf = folder / f"{_snapshot_file_stem(date)}.rtf"
            at = iso_date(date)
            if at is None or not rtf.is_file():
                self.plan.warnings.append(f"{title}: snapshot {date or '(no date)'} has no readable file; skipped")
                continue
            versions.append(Version(rtf_to_markdown(rtf.read_bytes(), str(rtf)), at,
                                    f"Scrivener snapshot: {(entry.findtext('Title') or '').strip()}"))
        return sorted(versions, key=lambda v: v.at)

    def _image(self, item: ElementTree.Element) -> Image | None:
        data = self.folder / "Files" / "Data" / item.get("UUID", "")
        found = [p for p in sorted(data.glob("content.*")) if p.suffix.lower() in IMAGE_EXTS] if data.is_dir() else []
        if not found:
            self.plan.warnings.append(f"{_title(item)}: image file not found or not PNG/JPEG/GIF; skipped")
            return None
        return Image(f"{_title(item)}{found[0].suffix.lower()}", found[0].read_bytes(), _title(item))


def _snapshot_file_stem(date: str) -> str:
    """"2026-09-06 19:44:13 +0100" -> "2026-09-06-19-44-13+0100", how Scrivener names the snapshot's RTF."""
    return re.sub(r" (?=[+-])", "", date).replace(" ", "-").replace(":", "-")


def _names(root: ElementTree.Element, path: str, text: str | None = None) -> dict[str, str]:
    """ID -> name of the project's labels, statuses or keywords (the name is the element's text or child)."""
    return {e.get("ID", ""): ((e.findtext(text) if text else e.text) or "").strip() for e in root.iterfind(path)}


def _children(item: ElementTree.Element) -> list[ElementTree.Element]:
    kids = item.find("Children")
    return kids.findall("BinderItem") if kids is not None else []


def _title(item: ElementTree.Element) -> str:
    return (item.findtext("Title") or "").strip() or "Untitled"


def _read_text(path: Path) -> str:
    """A synopsis: UTF-8 as Scrivener 3 writes it; older Windows projects' Windows-1252 read as that."""
    if not path.is_file():
        return ""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace").strip()
