"""Schemas: every required schema ships, validators report the JSON path, versions evolve."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reyna_desktop import paths
from reyna_desktop.errors import ReynaError, ValidationFailed
from reyna_desktop.schemas import SchemaRegistry
from reyna_desktop.store import Store

REQUIRED = [
    "text-input-v1",
    "expanded-text-v1",
    "style-analysis-v1",
    "message-v1",
    "summary-v1",
    "pitch-v1",
    "compiled-book-v1",
    "audio-v1",
    "image-v1",
    "chordpro-v1",
    "bucket-book-v1",
    "bucket-chapter-v1",
    "bucket-album-v1",
    "bucket-track-v1",
    "bucket-conversation-v1",
]


def test_all_required_schemas_ship_with_id_and_semver() -> None:
    registry = SchemaRegistry()
    for schema_id in REQUIRED:
        schema = registry.get(schema_id)
        assert schema.version.count(".") == 2, schema_id


def test_errors_name_the_json_path() -> None:
    registry = SchemaRegistry()
    with pytest.raises(ValidationFailed) as caught:
        registry.validate("message-v1", {"content": "hi", "sender_id": "me", "sources": [{"title": "x"}]})
    assert caught.value.path == "$.sources[0]" and "blob_id" in caught.value.reason


def test_broken_schema_file_is_reported_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "bad-v1.json").write_text('{"$id": "bad-v1", "version": "1.0.0", "type": 12}')
    with pytest.raises(ReynaError, match=r"bad-v1.json: not a valid JSON Schema"):
        SchemaRegistry([tmp_path])
    (tmp_path / "bad-v1.json").write_text('{"$id": "bad-v1", "version": "one"}')
    with pytest.raises(ReynaError, match="semantic version"):
        SchemaRegistry([tmp_path])


def test_backward_compatible_schema_reads_old_blobs(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(paths.schemas_dir(), schemas)
    data_dir = tmp_path / "data"
    with Store.open(data_dir, schema_folders=[schemas]) as store:
        chapter = store.buckets.create("C", "chapter")
        blob = store.blobs.create({"content": "old"}, bucket_ids=[chapter.id])
        assert blob.schema_version == "1.0.0"
    doc = json.loads((schemas / "text-input-v1.json").read_text())
    doc["version"] = "1.1.0"
    doc["properties"]["mood"] = {"type": "string"}
    (schemas / "text-input-v1.json").write_text(json.dumps(doc))
    with Store.open(data_dir, schema_folders=[schemas]) as store:
        assert store.blobs.data(blob.id) == {"content": "old"}
        updated = store.blobs.update(blob.id, {"content": "new", "mood": "calm"})
        assert updated.schema_version == "1.1.0"
        assert store.blobs.history(blob.id)[-1].schema_version == "1.0.0"
    doc["version"] = "1.0.5"
    (schemas / "text-input-v1.json").write_text(json.dumps(doc))
    with Store.open(data_dir, schema_folders=[schemas]) as store, pytest.raises(ReynaError, match="newer Reyna"):
        store.blobs.data(blob.id)
