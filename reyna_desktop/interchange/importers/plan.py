"""What an importer reads, before anything is written: a tree of buckets with their texts and images.

Every importer reads its whole source into an `ImportPlan` first, so a bad file anywhere fails the
import before the store is touched; `write_plan` then creates the tree in one transaction, so a
failure while writing (or a cancel) leaves nothing behind either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import ReynaError
from reyna_desktop.schema_ids import IMAGE, TEXT_INPUT

if TYPE_CHECKING:
    from reyna_desktop.store import Store

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]


class ImportCancelled(ReynaError):
    """The user cancelled an import; nothing was written."""


@dataclass
class Version:
    """An earlier state of a text (a Scrivener snapshot), oldest first."""

    markdown: str
    at: str  # ISO timestamp, like the store's now()
    note: str = ""


@dataclass
class Text:
    title: str
    markdown: str
    role: str | None = None  # "notes" for notes and synopses next to the text they describe
    metadata: dict[str, Any] = field(default_factory=dict)
    versions: list[Version] = field(default_factory=list)
    at: str | None = None  # when the current text was last changed, if the source says


@dataclass
class Image:
    filename: str
    data: bytes
    alt: str = ""


@dataclass
class Node:
    """One bucket to create: a book, part, chapter, scene, research folder..."""

    name: str
    type: str
    metadata: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    texts: list[Text] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class ImportPlan:
    source: str  # what was read ("novelWriter project", ...)
    roots: list[Node]
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import made: the top buckets, every bucket and blob id, and what was skipped or odd."""

    source: str
    root_ids: list[str]
    bucket_ids: list[str]
    blob_ids: list[str]
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "root_ids": self.root_ids, "buckets": len(self.bucket_ids),
                "blobs": len(self.blob_ids), "bucket_ids": self.bucket_ids, "blob_ids": self.blob_ids,
                "warnings": self.warnings}


def write_plan(store: Store, plan: ImportPlan, into: str | None, *, on_progress: ProgressFn | None = None,
               should_cancel: CancelFn | None = None) -> ImportResult:
    """Create the plan's buckets and blobs under `into` (or at the top level), all or nothing."""
    if into is not None:
        store.buckets.get(into)
    total = sum(len(root.walk()) for root in plan.roots) or 1
    result = ImportResult(plan.source, [], [], [], list(plan.warnings))
    done = 0

    def create(node: Node, parent: str | None) -> str:
        nonlocal done
        if should_cancel is not None and should_cancel():
            raise ImportCancelled("import cancelled; nothing was imported")
        bucket = store.buckets.create(node.name, node.type, parent_id=parent, metadata=node.metadata,
                                      description=node.description)
        result.bucket_ids.append(bucket.id)
        for image in node.images:
            blob = store.blobs.create({"alt": image.alt}, schema_id=IMAGE, bucket_ids=[bucket.id],
                                      content=image.data, filename=image.filename)
            result.blob_ids.append(blob.id)
        for text in node.texts:
            result.blob_ids.append(_create_text(store, text, bucket.id))
        done += 1
        if on_progress is not None:
            on_progress(done / total)
        for child in node.children:
            create(child, bucket.id)
        return bucket.id

    with store.transaction():
        for root in plan.roots:
            result.root_ids.append(create(root, into))
    return result


def _create_text(store: Store, text: Text, bucket_id: str) -> str:
    def data(markdown: str) -> dict[str, Any]:
        out: dict[str, Any] = {"content": markdown, "title": text.title}
        if text.role:
            out["role"] = text.role
        if text.metadata:
            out["metadata"] = text.metadata
        return out

    history = text.versions
    first = history[0] if history else None
    blob = store.blobs.create(data(first.markdown if first else text.markdown), schema_id=TEXT_INPUT,
                              bucket_ids=[bucket_id], title=text.title, at=first.at if first else text.at,
                              note=first.note if first else "imported")
    for version in history[1:]:
        store.blobs.update(blob.id, data(version.markdown), note=version.note, at=version.at)
    if first is not None:
        store.blobs.update(blob.id, data(text.markdown), note="imported", at=text.at)
    return blob.id
