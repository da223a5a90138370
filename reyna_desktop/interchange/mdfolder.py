"""The plain-text escape hatch: a bucket tree as a folder of Markdown files, and back.

Layout of `export_markdown(store, bucket_id, dir)` (a folder per bucket, in order):

    DIR/My Novel/
        _bucket.json              name, type, description, metadata, tags, ... of the bucket
        001 - Opening.md          a text blob: front matter, then its text exactly as stored
        002 - take.wav            a binary blob's bytes ...
        002 - take.wav.meta.json  ... and its id, schema, title, tags, data
        01 - Part One/            a child bucket (its own _bucket.json, blobs, children)

Front matter is `key: <JSON value>` per line between `---` lines (JSON values are valid YAML):
id, schema, title, tags, is_final, parent (the blob it was derived from), processor, also_in
(other buckets of the tree it belongs to, as folder paths), data (the fields besides the text).

`import_markdown(store, dir, parent_id)` rebuilds the tree (new ids), blob order, texts, tags,
metadata and derivations. A folder without `_bucket.json` (plain notes) becomes a `folder`
bucket and its .md/.txt files text blobs titled by their names. Version history is not exported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reyna_desktop.atomic import atomic_write
from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.schema_ids import AUDIO, CHORDPRO, IMAGE, TEXT_INPUT
from reyna_desktop.store.media import schema_for_path

if TYPE_CHECKING:
    from reyna_desktop.models import Blob, Bucket
    from reyna_desktop.store import Store

BUCKET_FILE = "_bucket.json"
META_SUFFIX = ".meta.json"
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')
_PREFIX = re.compile(r"^(\d+) - ")
_BUCKET_FIELDS = ("name", "type", "description", "metadata", "tags", "schema_id", "processor_id", "auto_processors")


def safe_name(name: str, limit: int = 80) -> str:
    cleaned = _UNSAFE.sub("_", name).strip().strip(".") or "untitled"
    return cleaned[:limit].rstrip()


@dataclass
class MdReport:
    root: Path | str = ""
    buckets: int = 0
    blobs: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"root": str(self.root), "buckets": self.buckets, "blobs": self.blobs, "files": self.files,
                "skipped": self.skipped}


# -- export ------------------------------------------------------------------------------------


def export_markdown(store: Store, bucket_id: str, target: Path) -> MdReport:
    """Write the bucket's tree into `target/<bucket name>/`; refuses to overwrite a folder."""
    root = store.buckets.get(bucket_id)
    folder = Path(target) / safe_name(root.name)
    if folder.exists():
        raise InvalidOperation(f"{folder} already exists; export into an empty place")
    tree_ids = {b.id for b in store.buckets.descendants(bucket_id, include_self=True)}
    paths: dict[str, str] = {}
    report = MdReport(root=folder)
    _plan_paths(store, root, "", paths)
    _export_bucket(store, root, folder, tree_ids, paths, report)
    return report


def _plan_paths(store: Store, bucket: Bucket, rel: str, paths: dict[str, str]) -> None:
    paths[bucket.id] = rel
    children = store.buckets.children(bucket.id)
    width = max(2, len(str(len(children))))
    for index, child in enumerate(children, 1):
        _plan_paths(store, child, f"{rel}/{index:0{width}d} - {safe_name(child.name)}".lstrip("/"), paths)


def _export_bucket(store: Store, bucket: Bucket, folder: Path, tree_ids: set[str], paths: dict[str, str],
                   report: MdReport) -> None:
    folder.mkdir(parents=True)
    info = {k: getattr(bucket, k) for k in _BUCKET_FIELDS}
    info["id"] = bucket.id
    atomic_write(folder / BUCKET_FILE, json.dumps(info, ensure_ascii=False, indent=2).encode("utf-8"), mode=0o644)
    report.buckets += 1
    members = [b for b in store.blobs.in_bucket(bucket.id) if _home_bucket(b, tree_ids) == bucket.id]
    width = max(3, len(str(len(members))))
    for index, blob in enumerate(members, 1):
        _export_blob(store, blob, folder, f"{index:0{width}d}", tree_ids, paths, report)
    for child in store.buckets.children(bucket.id):
        _export_bucket(store, child, folder / paths[child.id].split("/")[-1], tree_ids, paths, report)


def _home_bucket(blob: Blob, tree_ids: set[str]) -> str | None:
    """The one bucket of the tree whose folder holds the blob's file (its primary when inside)."""
    if blob.primary_bucket_id in tree_ids:
        return blob.primary_bucket_id
    return next((b for b in blob.bucket_ids if b in tree_ids), None)


def _index_in(store: Store, bucket_id: str, blob_id: str) -> int:
    return [b.id for b in store.blobs.in_bucket(bucket_id)].index(blob_id)


def _export_blob(store: Store, blob: Blob, folder: Path, number: str, tree_ids: set[str], paths: dict[str, str],
                 report: MdReport) -> None:
    schema = store.schemas.get(blob.schema_id)
    data = store.blobs.data(blob.id)
    home = _home_bucket(blob, tree_ids)
    front: dict[str, Any] = {
        "id": blob.id, "schema": blob.schema_id, "title": blob.title, "tags": blob.tags,
        "is_final": blob.is_final, "parent": blob.parent_id, "processor": blob.processor_id,
        "also_in": [[paths[b], _index_in(store, b, blob.id)] for b in blob.bucket_ids if b in tree_ids and b != home],
    }
    if schema.is_binary:
        filename = safe_name(str(data.get("filename") or blob.title or "file"), 120)
        dest = folder / f"{number} - {filename}"
        dest.write_bytes(store.blobs.content(blob.id))
        front["data"] = data
        meta = json.dumps(front, ensure_ascii=False, indent=2).encode("utf-8")
        atomic_write(dest.with_name(dest.name + META_SUFFIX), meta, mode=0o644)
        report.files += 1
    else:
        text_field = schema.text_fields[0] if schema.text_fields else None
        body = data.get(text_field, "") if text_field else ""
        if not isinstance(body, str):
            body, text_field = "", None
        front["text_field"] = text_field
        front["data"] = {k: v for k, v in data.items() if k != text_field}
        lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()), "---", ""]
        dest = folder / f"{number} - {safe_name(blob.title or 'untitled')}.md"
        atomic_write(dest, ("\n".join(lines) + body).encode("utf-8"), mode=0o644)
    report.blobs += 1


# -- import ------------------------------------------------------------------------------------


def parse_markdown(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, body). Without front matter: ({}, text)."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text
    front: dict[str, Any] = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(": ")
        if not sep:
            continue
        try:
            front[key.strip()] = json.loads(value)
        except ValueError:
            front[key.strip()] = value.strip().strip('"')
    return front, text[end + 5:]


def _ordered(folder: Path) -> list[Path]:
    def key(path: Path) -> tuple[int, str]:
        match = _PREFIX.match(path.name)
        return (int(match.group(1)) if match else 1 << 30, path.name)

    return sorted(folder.iterdir(), key=key)


def import_markdown(store: Store, source: Path, parent_id: str | None = None) -> MdReport:
    """Import a folder written by export_markdown (or any folder of notes) as a new bucket tree."""
    source = Path(source)
    if not source.is_dir():
        raise ReynaError(f"{source}: not a folder")
    if parent_id is not None:
        store.buckets.get(parent_id)
    report = MdReport()
    bucket_map: dict[str, str] = {}  # folder path relative to the root -> new bucket id
    blob_map: dict[str, str] = {}  # old blob id -> new
    later: list[tuple[str, dict[str, Any]]] = []  # (new blob id, front) for parents and also_in
    with store.transaction():
        root = _import_bucket(store, source, parent_id, "", bucket_map, blob_map, later, report)
        extra: list[tuple[int, str, str]] = []  # (position, bucket, blob): linked in order of position
        for new_id, front in later:
            parent = front.get("parent")
            if parent and parent in blob_map:
                store.blobs.set_parent(new_id, blob_map[parent])
            for rel, position in front.get("also_in") or []:
                if rel in bucket_map:
                    extra.append((int(position), bucket_map[rel], new_id))
            if front.get("is_final"):
                store.blobs.set_final(new_id, True)
        for position, bucket_id, new_id in sorted(extra):
            store.blobs.link(new_id, bucket_id, position=position)
    report.root = root
    return report


def _import_bucket(store: Store, folder: Path, parent_id: str | None, rel: str, bucket_map: dict[str, str],
                   blob_map: dict[str, str], later: list[tuple[str, dict[str, Any]]], report: MdReport) -> str:
    info_file = folder / BUCKET_FILE
    if info_file.is_file():
        info = json.loads(info_file.read_text(encoding="utf-8"))
    else:
        info = {"name": _PREFIX.sub("", folder.name) or folder.name, "type": "folder"}
    bucket = store.buckets.create(
        info["name"], info.get("type") or "folder", parent_id=parent_id, description=info.get("description", ""),
        metadata=info.get("metadata") or {}, tags=info.get("tags") or [], schema_id=info.get("schema_id"),
        processor_id=info.get("processor_id"),
    )
    if info.get("auto_processors"):
        store.buckets.update(bucket.id, auto_processors=info["auto_processors"])
    bucket_map[rel] = bucket.id
    report.buckets += 1
    for entry in _ordered(folder):
        child_rel = f"{rel}/{entry.name}".lstrip("/")
        if entry.name.startswith(".") or entry.name == BUCKET_FILE or entry.name.endswith(META_SUFFIX):
            continue
        if entry.is_dir():
            _import_bucket(store, entry, bucket.id, child_rel, bucket_map, blob_map, later, report)
        elif entry.suffix.lower() in (".md", ".markdown", ".txt", ".text") and not _has_meta(entry):
            _import_text(store, entry, bucket.id, blob_map, later, report)
        elif _has_meta(entry) or schema_for_path(entry) in (AUDIO, IMAGE, CHORDPRO):
            _import_file(store, entry, bucket.id, blob_map, later, report)
        else:
            report.skipped.append(str(entry))
    return bucket.id


def _has_meta(path: Path) -> bool:
    return path.with_name(path.name + META_SUFFIX).is_file()


def _import_text(store: Store, path: Path, bucket_id: str, blob_map: dict[str, str],
                 later: list[tuple[str, dict[str, Any]]], report: MdReport) -> None:
    front, body = parse_markdown(path.read_bytes().decode("utf-8-sig"))
    schema_id = front.get("schema") or TEXT_INPUT
    data = dict(front.get("data") or {})
    text_field = front.get("text_field", "content") if front else "content"
    if text_field:
        data[text_field] = body
    title = front.get("title") if "title" in front else _PREFIX.sub("", path.stem)
    blob = store.blobs.create(data, schema_id=schema_id, bucket_ids=[bucket_id], title=title or None,
                              tags=front.get("tags") or [], processor_id=front.get("processor"))
    _remember(front, blob.id, blob_map, later)
    report.blobs += 1


def _import_file(store: Store, path: Path, bucket_id: str, blob_map: dict[str, str],
                 later: list[tuple[str, dict[str, Any]]], report: MdReport) -> None:
    meta_file = path.with_name(path.name + META_SUFFIX)
    front = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    schema_id = str(front.get("schema") or schema_for_path(path) or "")
    if not schema_id:
        raise ReynaError(f"{path}: unknown file type")
    if schema_id == CHORDPRO and not front:
        blob = store.blobs.create({"source": path.read_bytes().decode("utf-8-sig")}, schema_id=schema_id,
                                  bucket_ids=[bucket_id], title=_PREFIX.sub("", path.stem))
    else:
        data = dict(front.get("data") or {})
        filename = data.get("filename") or _PREFIX.sub("", path.name)
        blob = store.blobs.create(data, schema_id=schema_id, bucket_ids=[bucket_id], file=path, filename=filename,
                                  title=front.get("title"), tags=front.get("tags") or [],
                                  processor_id=front.get("processor"))
        report.files += 1
    _remember(front, blob.id, blob_map, later)
    report.blobs += 1


def _remember(front: dict[str, Any], new_id: str, blob_map: dict[str, str],
              later: list[tuple[str, dict[str, Any]]]) -> None:
    if front.get("id"):
        blob_map[str(front["id"])] = new_id
    if front.get("parent") or front.get("also_in") or front.get("is_final"):
        later.append((new_id, front))
