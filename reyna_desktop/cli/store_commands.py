"""`reyna bucket|blob|search|template|check|events`: the store from the command line.

Each command mirrors one method of the Python API (store.buckets.create -> `bucket create`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from reyna_desktop.atomic import atomic_write
from reyna_desktop.cli.output import CommandContext, CommandFailed, add_command
from reyna_desktop.errors import InvalidOperation, ReynaError
from reyna_desktop.models import Blob, Bucket
from reyna_desktop.schema_ids import TEXT_INPUT
from reyna_desktop.store import Store, media


def register(subparsers: Any) -> None:
    _bucket_commands(
        subparsers.add_parser("bucket", help="create, list and change buckets").add_subparsers(
            dest="bucket_command", metavar="ACTION", required=True
        )
    )
    _blob_commands(
        subparsers.add_parser("blob", help="add, change and version blobs").add_subparsers(
            dest="blob_command", metavar="ACTION", required=True
        )
    )
    p = add_command(subparsers, "search", search, "full-text search over blobs and buckets", _format_hits)
    p.add_argument("query")
    p.add_argument("--types", help="comma-separated bucket types to search within (e.g. book,research)")
    p.add_argument("--schema", action="append", help="only blobs of this schema (repeatable)")
    p.add_argument("--within", help="only inside this bucket's subtree")
    p.add_argument("--limit", type=int, default=20)
    templates = subparsers.add_parser("template", help="bucket templates").add_subparsers(
        dest="template_command", metavar="ACTION", required=True
    )
    add_command(templates, "list", template_list, "list built-in and user templates", _format_templates)
    p = add_command(subparsers, "check", check, "check the database and every content file", _format_check)
    p.add_argument("--fix", action="store_true", help="remove orphaned content files")
    add_command(
        subparsers, "compact", compact, "drop old events, stale cache entries and finished jobs (see retention)"
    )
    p = add_command(subparsers, "events", events, "replay stored events")
    p.add_argument("--since", type=int, default=0, help="only events after this id")
    p.add_argument("--topic", help="a topic pattern, e.g. 'blob.created.*' or 'bucket.>'")
    p.add_argument("--limit", type=int, default=1000)


# -- buckets ----------------------------------------------------------------------------------


def _bucket_commands(sub: Any) -> None:
    p = add_command(sub, "create", bucket_create, "create a bucket (or a tree from a template)", _format_bucket)
    p.add_argument("name")
    p.add_argument("--type", default=None, help="book, chapter, album, track, research, ... (default: folder)")
    p.add_argument("--parent", help="the parent bucket's id")
    p.add_argument("--template", help="make the whole tree of a template (see `reyna template list`)")
    p.add_argument("--meta", help="metadata as a JSON object")
    p.add_argument("--description", default="")
    p.add_argument("--tag", action="append", default=[])
    p = add_command(sub, "list", bucket_list, "list buckets", _format_bucket_list)
    p.add_argument("--parent", help="children of this bucket (default: top level)")
    p.add_argument("--type", help="every bucket of this type, at any depth")
    p.add_argument("--all", action="store_true", help="every bucket, at any depth")
    p.add_argument("--trash", action="store_true", help="what is in the trash")
    p = add_command(sub, "tree", bucket_tree, "print a bucket's subtree with its blobs", _format_tree)
    p.add_argument("id")
    p = add_command(sub, "show", bucket_show, "show one bucket", _format_json)
    p.add_argument("id")
    p = add_command(sub, "update", bucket_update, "change metadata, description, tags or type", _format_bucket)
    p.add_argument("id")
    p.add_argument("--meta", help="metadata as a JSON object (replaces it; with --merge, merges)")
    p.add_argument("--merge", action="store_true", help="merge --meta into the metadata (null removes a key)")
    p.add_argument("--description")
    p.add_argument("--type")
    p.add_argument("--tag", action="append", default=[], help="add a tag")
    p.add_argument("--untag", action="append", default=[], help="remove a tag")
    p.add_argument("--auto-process", action="append", help="processor to run on new blobs (repeatable; '' for none)")
    p = add_command(sub, "rename", bucket_rename, "rename a bucket", _format_bucket)
    p.add_argument("id")
    p.add_argument("name")
    p = add_command(sub, "move", bucket_move, "move a bucket under another (or to the top level)", _format_bucket)
    p.add_argument("id")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", help="the new parent's id")
    target.add_argument("--root", action="store_true", help="move to the top level")
    p.add_argument("--position", type=int, help="place among the new siblings (0 = first)")
    p = add_command(sub, "delete", bucket_delete, "move a bucket and its subtree to the trash", _format_bucket)
    p.add_argument("id")
    p.add_argument("--purge", action="store_true", help="delete for good (only from the trash)")
    p = add_command(sub, "restore", bucket_restore, "bring a bucket back from the trash", _format_bucket)
    p.add_argument("id")
    p = add_command(sub, "stats", bucket_stats, "counts, sizes and processors of a subtree", _format_json)
    p.add_argument("id")


def bucket_create(ctx: CommandContext) -> Bucket:
    a = ctx.args
    meta = _json_object(a.meta, "--meta") if a.meta else None
    if a.template:
        bucket = ctx.store.templates.instantiate(a.template, a.name, parent_id=a.parent, metadata=meta)
        if a.tag or a.description:
            bucket = ctx.store.buckets.update(bucket.id, add_tags=a.tag, description=a.description or None)
        return bucket
    return ctx.store.buckets.create(
        a.name, a.type or "folder", parent_id=a.parent, metadata=meta, description=a.description, tags=a.tag
    )


def bucket_list(ctx: CommandContext) -> list[Bucket]:
    a = ctx.args
    if a.trash:
        return ctx.store.buckets.trashed()
    if a.type or a.all:
        return ctx.store.buckets.all(type=a.type)
    if a.parent:
        ctx.store.buckets.get(a.parent)
    return ctx.store.buckets.children(a.parent)


def bucket_tree(ctx: CommandContext) -> dict[str, Any]:
    store = ctx.store
    root = store.buckets.get(ctx.args.id)
    nodes = store.buckets.descendants(root.id, include_self=True)
    by_id: dict[str, dict[str, Any]] = {}
    for bucket in nodes:
        node = {
            **bucket.model_dump(mode="json", include={"id", "name", "type", "depth", "metadata", "tags"}),
            "blobs": [_blob_summary(b) for b in store.blobs.in_bucket(bucket.id)],
            "children": [],
        }
        by_id[bucket.id] = node
        if bucket.parent_id in by_id and bucket.id != root.id:
            by_id[bucket.parent_id]["children"].append(node)
    return by_id[root.id]


def bucket_show(ctx: CommandContext) -> dict[str, Any]:
    bucket = ctx.store.buckets.get(ctx.args.id)
    return {**bucket.model_dump(mode="json"), "display_path": ctx.store.buckets.display_path(bucket.id)}


def bucket_update(ctx: CommandContext) -> Bucket:
    a = ctx.args
    meta = _json_object(a.meta, "--meta") if a.meta else None
    auto = None if a.auto_process is None else [p for p in a.auto_process if p]
    return ctx.store.buckets.update(
        a.id,
        metadata=meta,
        merge_metadata=a.merge,
        description=a.description,
        type=a.type,
        add_tags=a.tag,
        remove_tags=a.untag,
        auto_processors=auto,
    )


def bucket_rename(ctx: CommandContext) -> Bucket:
    return ctx.store.buckets.rename(ctx.args.id, ctx.args.name)


def bucket_move(ctx: CommandContext) -> Bucket:
    a = ctx.args
    return ctx.store.buckets.move(a.id, None if a.root else a.to, a.position)


def bucket_delete(ctx: CommandContext) -> Bucket | dict[str, Any]:
    if ctx.args.purge:
        removed = ctx.store.buckets.purge(ctx.args.id)
        return {"purged": ctx.args.id, "blobs_removed": removed}
    return ctx.store.buckets.trash(ctx.args.id)


def bucket_restore(ctx: CommandContext) -> Bucket:
    return ctx.store.buckets.restore(ctx.args.id)


def bucket_stats(ctx: CommandContext) -> dict[str, Any]:
    return ctx.store.buckets.stats(ctx.args.id)


# -- blobs ------------------------------------------------------------------------------------


def _content_arguments(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group()
    source.add_argument("--text", help="the text (Markdown); '-' reads standard input")
    source.add_argument("--file", type=Path, help="a file: text for text schemas, else stored as-is (audio, image)")
    source.add_argument("--data", help="the blob's data as a JSON object")
    p.add_argument("--title")
    p.add_argument("--tag", action="append", default=None)


def _blob_commands(sub: Any) -> None:
    p = add_command(sub, "add", blob_add, "add a blob to one or more buckets", _format_blob)
    _content_arguments(p)
    p.add_argument("--schema", help="schema id (default: text-input-v1 for text, by extension for --file)")
    p.add_argument("--bucket", action="append", required=True, help="a bucket id (repeatable: the first is primary)")
    p.add_argument("--parent", help="the blob this one is derived from")
    p = add_command(sub, "show", blob_show, "show a blob, its data and lineage", _format_json)
    p.add_argument("id")
    p.add_argument("--version", type=int)
    p = add_command(sub, "list", blob_list, "list a bucket's blobs", _format_blob_list)
    p.add_argument("bucket")
    p.add_argument("--recursive", action="store_true")
    p.add_argument("--schema", action="append")
    p = add_command(sub, "update", blob_update, "save new content as a new version", _format_blob)
    p.add_argument("id")
    _content_arguments(p)
    p = add_command(sub, "history", blob_history, "every saved version, newest first", _format_history)
    p.add_argument("id")
    p = add_command(
        sub, "restore", blob_restore, "restore a version (--version) or take out of the trash", _format_blob
    )
    p.add_argument("id")
    p.add_argument("--version", type=int)
    p = add_command(sub, "link", blob_link, "also place a blob in another bucket", _format_blob)
    p.add_argument("id")
    p.add_argument("bucket")
    p = add_command(sub, "unlink", blob_unlink, "take a blob out of one of its buckets", _format_blob)
    p.add_argument("id")
    p.add_argument("bucket")
    p = add_command(sub, "move", blob_move, "move a blob from one bucket to another", _format_blob)
    p.add_argument("id")
    p.add_argument("--from", dest="from_bucket", required=True)
    p.add_argument("--to", dest="to_bucket", required=True)
    p = add_command(sub, "delete", blob_delete, "move a blob to the trash", _format_blob)
    p.add_argument("id")
    p.add_argument("--purge", action="store_true", help="delete for good (only from the trash)")
    p = add_command(sub, "final", blob_final, "mark the blob the compiler uses for its bucket", _format_blob)
    p.add_argument("id")
    p.add_argument("--unset", action="store_true")
    p = add_command(sub, "export", blob_export, "write a binary blob's file (audio, image, book) to a path")
    p.add_argument("id")
    p.add_argument("out", type=Path)


def blob_add(ctx: CommandContext) -> Blob:
    a = ctx.args
    schema_id = a.schema or (_schema_for_file(a.file) if a.file else TEXT_INPUT)
    data, file = _content(ctx.store, schema_id, a, required=True)
    return ctx.store.blobs.create(
        data, schema_id=schema_id, bucket_ids=a.bucket, title=a.title, tags=a.tag, parent_id=a.parent, file=file
    )


def blob_update(ctx: CommandContext) -> Blob:
    a = ctx.args
    blob = ctx.store.blobs.get(a.id)
    data, file = _content(ctx.store, blob.schema_id, a, required=False, current=blob)
    return ctx.store.blobs.update(a.id, data, file=file, title=a.title, tags=a.tag)


def blob_show(ctx: CommandContext) -> dict[str, Any]:
    blob = ctx.store.blobs.get(ctx.args.id)
    return {
        **blob.model_dump(mode="json"),
        "data": ctx.store.blobs.data(blob.id, ctx.args.version),
        "derived_ids": [d.id for d in ctx.store.blobs.derived(blob.id)],
    }


def blob_list(ctx: CommandContext) -> list[Blob]:
    return ctx.store.blobs.in_bucket(ctx.args.bucket, recursive=ctx.args.recursive, schema_ids=ctx.args.schema)


def blob_history(ctx: CommandContext) -> list[Any]:
    return ctx.store.blobs.history(ctx.args.id)


def blob_restore(ctx: CommandContext) -> Blob:
    if ctx.args.version is not None:
        return ctx.store.blobs.restore_version(ctx.args.id, ctx.args.version)
    return ctx.store.blobs.restore(ctx.args.id)


def blob_link(ctx: CommandContext) -> Blob:
    return ctx.store.blobs.link(ctx.args.id, ctx.args.bucket)


def blob_unlink(ctx: CommandContext) -> Blob:
    return ctx.store.blobs.unlink(ctx.args.id, ctx.args.bucket)


def blob_move(ctx: CommandContext) -> Blob:
    return ctx.store.blobs.move(ctx.args.id, ctx.args.from_bucket, ctx.args.to_bucket)


def blob_delete(ctx: CommandContext) -> Blob | dict[str, Any]:
    if ctx.args.purge:
        ctx.store.blobs.purge(ctx.args.id)
        return {"purged": ctx.args.id}
    return ctx.store.blobs.trash(ctx.args.id)


def blob_final(ctx: CommandContext) -> Blob:
    return ctx.store.blobs.set_final(ctx.args.id, not ctx.args.unset)


def blob_export(ctx: CommandContext) -> dict[str, Any]:
    data = ctx.store.blobs.content(ctx.args.id)
    out: Path = ctx.args.out
    if not out.parent.is_dir():
        raise ReynaError(f"{out}: folder {out.parent} does not exist")
    try:
        atomic_write(out, data, mode=0o644)
    except OSError as exc:
        raise ReynaError(f"{out}: cannot write: {exc.strerror or exc}") from None
    return {"blob_id": ctx.args.id, "path": str(ctx.args.out), "size": len(data)}


# -- the rest ---------------------------------------------------------------------------------


def search(ctx: CommandContext) -> list[Any]:
    a = ctx.args
    types = [t.strip() for t in a.types.split(",") if t.strip()] if a.types else None
    return ctx.store.search(a.query, types=types, schema_ids=a.schema, within=a.within, limit=a.limit)


def template_list(ctx: CommandContext) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "label": t.label,
            "type": t.type,
            "description": t.description,
            "source": t.source,
            "children": [c.name for c in t.children],
        }
        for t in ctx.store.templates.all().values()
    ]


def check(ctx: CommandContext) -> dict[str, object]:
    report = ctx.store.check(fix_orphans=ctx.args.fix).as_dict()
    if not report["ok"]:
        raise CommandFailed(report)
    return report


def compact(ctx: CommandContext) -> dict[str, int]:
    return ctx.store.compact().as_dict()


def events(ctx: CommandContext) -> list[Any]:
    return ctx.store.events_since(ctx.args.since, ctx.args.topic, ctx.args.limit)


# -- input ------------------------------------------------------------------------------------


def _json_object(text: str, option: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReynaError(f"{option}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ReynaError(f"{option}: must be a JSON object, got {type(value).__name__}")
    return value


def _read_text_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReynaError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReynaError(f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None


def _schema_for_file(path: Path) -> str:
    schema_id = media.schema_for_path(path)
    if schema_id is None:
        raise ReynaError(f"{path}: unknown file type {path.suffix or '(none)'!r}; say which with --schema")
    return schema_id


def _content(
    store: Store, schema_id: str, a: argparse.Namespace, *, required: bool, current: Blob | None = None
) -> tuple[dict[str, Any] | None, Path | None]:
    """The data (or file) the user gave: --data as-is; --text/--file into the schema's text field."""
    schema = store.schemas.get(schema_id)
    if a.data is not None:
        return _json_object(a.data, "--data"), None
    if schema.is_binary:
        if a.text is not None:
            raise InvalidOperation(f"{schema_id} blobs hold a file; use --file")
        if a.file is None and required:
            raise InvalidOperation(f"{schema_id} blobs need --file")
        return None, a.file
    if a.text is None and a.file is None:
        if required:
            raise InvalidOperation("give the content with --text, --file or --data")
        return None, None
    if not schema.text_fields:
        raise InvalidOperation(f"{schema_id} has no text field; give its data with --data")
    text = sys.stdin.read() if a.text == "-" else a.text if a.text is not None else _read_text_file(a.file)
    data = store.blobs.data(current.id) if current else {}
    data[schema.text_fields[0]] = text
    return data, None


# -- text output ------------------------------------------------------------------------------


def _blob_summary(blob: Blob) -> dict[str, Any]:
    return blob.model_dump(
        mode="json", include={"id", "schema_id", "title", "version", "word_count", "is_final", "tags", "parent_id"}
    )


def _format_json(result: Any) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def _format_bucket(bucket: Any) -> str:
    if isinstance(bucket, dict):
        return _format_json(bucket)
    return f"{bucket.id}\t{bucket.type}\t{bucket.name}" + ("\t(in trash)" if bucket.deleted_at else "")


def _format_bucket_list(buckets: list[Bucket]) -> str:
    return "\n".join(("  " * b.depth) + _format_bucket(b) for b in buckets) or "(no buckets)"


def _format_blob(blob: Any) -> str:
    if isinstance(blob, dict):
        return _format_json(blob)
    final = " final" if blob.is_final else ""
    return f"{blob.id}\t{blob.schema_id}\tv{blob.version}{final}\t{blob.title}"


def _format_blob_list(blobs: list[Blob]) -> str:
    return "\n".join(_format_blob(b) for b in blobs) or "(no blobs)"


def _format_history(versions: list[Any]) -> str:
    return "\n".join(f"v{v.version}\t{v.created_at}\t{v.word_count} words\t{v.note}" for v in versions)


def _format_tree(node: dict[str, Any], indent: int = 0) -> str:
    pad = "  " * indent
    lines = [f"{pad}{node['name']}  [{node['type']}]  {node['id']}"]
    for blob in node["blobs"]:
        lines.append(
            f"{pad}  - {blob['title'] or '(untitled)'}  ({blob['schema_id']} v{blob['version']})  {blob['id']}"
        )
    for child in node["children"]:
        lines.append(_format_tree(child, indent + 1))
    return "\n".join(lines)


def _format_hits(hits: list[Any]) -> str:
    return "\n".join(f"{h.kind}\t{h.id}\t{h.title}\n\t{h.snippet}" for h in hits) or "(no matches)"


def _format_templates(templates: list[dict[str, Any]]) -> str:
    return "\n".join(f"{t['name']}\t{t['type']}\t{t['description']}" for t in templates)


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


def _format_check(report: dict[str, Any]) -> str:
    lines = [f"database: {', '.join(report['integrity'])}", f"content files checked: {report['files_checked']}"]
    lines += [f"DAMAGED {d['hash']} (blobs {', '.join(d['blobs'])})" for d in report["damaged"]]
    lines += [f"MISSING {d['hash']} (blobs {', '.join(d['blobs'])})" for d in report["missing"]]
    lines += [f"ORPHAN {h} (no blob refers to it; `reyna check --fix` removes it)" for h in report["orphans"]]
    size = report["size"]
    lines.append(
        f"size: database {_mib(size['database_bytes'])}, content {_mib(size['content_bytes'])} "
        f"in {size['content_files']} files; rows: "
        + ", ".join(f"{table} {count}" for table, count in size["rows"].items())
    )
    lines.append("ok" if report["ok"] else "problems found")
    return "\n".join(lines)
