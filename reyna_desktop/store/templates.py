"""Bucket templates: a tree of buckets (and starter blobs) made in one step.

Built-in templates are JSON files in `resources/templates/`; a user adds their own as JSON
files in `<data dir>/templates/`. A template file looks like:

    {"name": "book", "label": "Book", "type": "book", "description": "...",
     "metadata": {...}, "suggested_processors": [...],
     "children": [{"name": "Part One", "type": "part", "children": [...],
                   "blobs": [{"schema_id": "text-input-v1", "data": {"content": "..."}}]}]}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from reyna_desktop import paths
from reyna_desktop.errors import NotFound, ReynaError
from reyna_desktop.models import Bucket
from reyna_desktop.schema_ids import TEXT_INPUT

if TYPE_CHECKING:
    from reyna_desktop.store import Store


class TemplateBlob(BaseModel):
    schema_id: str = TEXT_INPUT
    data: dict[str, Any]
    title: str | None = None
    tags: list[str] = Field(default_factory=list)


class TemplateNode(BaseModel):
    name: str
    type: str
    description: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    children: list[TemplateNode] = Field(default_factory=list)
    blobs: list[TemplateBlob] = Field(default_factory=list)


class Template(TemplateNode):
    label: str = ""
    suggested_processors: list[str] = Field(default_factory=list)
    icon: str = ""
    source: str = ""


def load_template(file: Path) -> Template:
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReynaError(f"template {file}: cannot be read as JSON: {exc}") from exc
    try:
        template = Template.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReynaError(f"template {file}: {where}: {first['msg']}") from exc
    template.source = str(file)
    return template


class Templates:
    def __init__(self, store: Store) -> None:
        self.store = store

    def folders(self) -> list[Path]:
        return [paths.resources_dir() / "templates", self.store.data_dir / "templates"]

    def all(self) -> dict[str, Template]:
        """Templates by name; a user's template of the same name replaces the built-in one."""
        found: dict[str, Template] = {}
        for folder in self.folders():
            if folder.is_dir():
                for file in sorted(folder.glob("*.json")):
                    template = load_template(file)
                    found[template.name] = template
        return found

    def get(self, name: str) -> Template:
        try:
            return self.all()[name]
        except KeyError:
            raise NotFound("template", name) from None

    def instantiate(
        self,
        template_name: str,
        name: str | None = None,
        *,
        parent_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Bucket:
        """Create the template's whole tree in one transaction: all of it or nothing."""
        template = self.get(template_name)
        root = template.model_copy(
            update={
                "name": name or template.label or template.name,
                "metadata": {**template.metadata, **(metadata or {})},
            }
        )
        with self.store.transaction():
            return self._make(root, parent_id)

    def _make(self, node: TemplateNode, parent_id: str | None) -> Bucket:
        bucket = self.store.buckets.create(
            node.name,
            node.type,
            parent_id=parent_id,
            description=node.description,
            metadata=node.metadata,
            tags=node.tags,
        )
        for blob in node.blobs:
            self.store.blobs.create(
                blob.data, schema_id=blob.schema_id, bucket_ids=[bucket.id], title=blob.title, tags=blob.tags
            )
        for child in node.children:
            self._make(child, bucket.id)
        return bucket
