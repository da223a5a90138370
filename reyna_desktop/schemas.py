"""The schema registry: JSON Schema files with `$id` and a semver `version`, compiled once.

Each schema may carry an `x-reyna` block telling the store how to treat its blobs:
`kind` ("text" or "binary"), `text` (fields whose strings are the blob's searchable text,
in order) and `title` (the field that names the blob).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.protocols import Validator

from reyna_desktop import paths
from reyna_desktop.errors import NotFound, ReynaError, ValidationFailed

_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_semver(text: str) -> tuple[int, int, int]:
    match = _SEMVER.match(text)
    if not match:
        raise ReynaError(f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


@dataclass
class Schema:
    id: str
    version: str
    document: dict[str, Any]
    source: Path | None
    validator: Validator = field(repr=False)

    @property
    def hints(self) -> dict[str, Any]:
        return dict(self.document.get("x-reyna", {}))

    @property
    def is_binary(self) -> bool:
        return self.hints.get("kind") == "binary"

    @property
    def text_fields(self) -> list[str]:
        return list(self.hints.get("text", []))

    @property
    def title_field(self) -> str | None:
        value = self.hints.get("title")
        return str(value) if value else None


def _json_path(error: jsonschema.ValidationError) -> str:
    out = "$"
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class SchemaRegistry:
    """Loads schema files once and keeps one compiled validator per schema."""

    def __init__(self, folders: list[Path] | None = None) -> None:
        self._schemas: dict[str, Schema] = {}
        self._lock = threading.Lock()
        for folder in folders if folders is not None else [paths.schemas_dir()]:
            self.load_folder(folder)

    def load_folder(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for file in sorted(folder.glob("*.json")):
            self.add(self._read_file(file), source=file)

    @staticmethod
    def _read_file(file: Path) -> dict[str, Any]:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReynaError(f"schema file {file}: cannot be read as JSON: {exc}") from exc
        if not isinstance(document, dict):
            raise ReynaError(f"schema file {file}: the top level must be an object")
        return document

    def add(self, document: dict[str, Any], source: Path | None = None) -> Schema:
        where = source or "schema"
        schema_id = document.get("$id")
        version = document.get("version")
        if not isinstance(schema_id, str) or not schema_id:
            raise ReynaError(f"{where}: missing '$id'")
        if not isinstance(version, str):
            raise ReynaError(f"{where}: missing 'version' (a semver string such as \"1.0.0\")")
        parse_semver(version)
        cls = jsonschema.validators.validator_for(document, default=jsonschema.Draft202012Validator)
        try:
            cls.check_schema(document)
        except jsonschema.SchemaError as exc:
            raise ReynaError(f"{where}: not a valid JSON Schema: {exc.message}") from exc
        schema = Schema(schema_id, version, document, source, cls(document))
        with self._lock:
            self._schemas[schema_id] = schema
        return schema

    def get(self, schema_id: str) -> Schema:
        try:
            return self._schemas[schema_id]
        except KeyError:
            raise NotFound("schema", schema_id) from None

    def has(self, schema_id: str) -> bool:
        return schema_id in self._schemas

    def ids(self) -> list[str]:
        return sorted(self._schemas)

    def validate(self, schema_id: str, data: Any) -> Schema:
        """Raise ValidationFailed with the JSON path of the first (deepest) error."""
        schema = self.get(schema_id)
        error = jsonschema.exceptions.best_match(schema.validator.iter_errors(data))
        if error is not None:
            raise ValidationFailed(schema_id, _json_path(error), error.message)
        return schema

    def check_readable(self, schema_id: str, stored_version: str) -> Schema:
        """A blob written under `stored_version` reads under the current schema when the
        major versions match and it is not newer than what this app knows."""
        schema = self.get(schema_id)
        stored = parse_semver(stored_version)
        current = parse_semver(schema.version)
        if stored[0] != current[0]:
            raise ReynaError(
                f"{schema_id}: blob written with schema {stored_version}, "
                f"this app has {schema.version} (incompatible major version)"
            )
        if stored > current:
            raise ReynaError(
                f"{schema_id}: blob written with schema {stored_version} by a newer Reyna; "
                f"this app knows {schema.version}: update the app to edit it"
            )
        return schema

    def extract_text(self, schema_id: str, data: Any) -> str:
        """The searchable text of a blob's data, by its schema's `x-reyna.text` fields."""
        if not isinstance(data, dict) or not self.has(schema_id):
            return ""
        parts = []
        for name in self.get(schema_id).text_fields:
            value = data.get(name)
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, list):
                parts.extend(v for v in value if isinstance(v, str))
        return "\n\n".join(p for p in parts if p)

    def extract_title(self, schema_id: str, data: Any) -> str:
        if not isinstance(data, dict) or not self.has(schema_id):
            return ""
        name = self.get(schema_id).title_field
        value = data.get(name) if name else None
        return value if isinstance(value, str) else ""
