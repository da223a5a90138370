"""`reyna codex ...`, `reyna replace` and `reyna replace-undo`: the codex and project-wide replace.

Each command mirrors one method: store.codex.add -> `codex add`, store.replace.preview/apply ->
`replace` (`--preview` stops after the preview), store.replace.undo -> `replace-undo`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from reyna_desktop.cli.output import CommandContext, add_command, parse_pairs
from reyna_desktop.schema_ids import TEXT_INPUT
from reyna_desktop.store.codex import CODEX_KINDS, Entry
from reyna_desktop.store.replace import ReplaceBatch, ReplacePlan

PREVIEW_LINES = 200
KINDS_HELP = f"{', '.join(CODEX_KINDS)} (default: character)"


def register(subparsers: Any) -> None:
    sub = subparsers.add_parser("codex", help="characters, places, items and lore, and where they appear")
    actions = sub.add_subparsers(dest="codex_command", metavar="ACTION", required=True)
    p = add_command(actions, "add", codex_add, "add an entry to a book's codex", _format_entry)
    p.add_argument("book", help="the book's bucket id")
    p.add_argument("name")
    p.add_argument("--kind", default="character", help=KINDS_HELP)
    p.add_argument("--alias", action="append", default=[], help="another name the text uses (repeatable)")
    p.add_argument("--description", default="", help="a short description")
    p.add_argument("--field", action="append", default=[], metavar="KEY=VALUE", help="e.g. role=captain, age=40")
    p.add_argument("--notes", default="", help="notes, saved as a text blob in the entry")
    p.add_argument("--picture", help="the id of an image blob that shows the entry")
    p = add_command(actions, "list", codex_list, "list a book's codex entries", _format_entries)
    p.add_argument("book")
    p.add_argument("--kind", help="only this kind: " + ", ".join(CODEX_KINDS))
    p = add_command(actions, "show", codex_show, "one entry with its notes and where it appears", _format_show)
    p.add_argument("entry", help="the entry's bucket id")
    p = add_command(actions, "appearances", codex_appearances, "the chapters that name an entry", _format_appearances)
    p.add_argument("entry")
    p = add_command(actions, "grid", codex_grid, "which entries each chapter names", _format_grid)
    p.add_argument("book")
    p.add_argument("--kind", default="character", help=KINDS_HELP)
    p = add_command(actions, "rebuild", codex_rebuild, "scan the text again from scratch for the mention index")
    p.add_argument("book", nargs="?", help="one book (default: every book)")
    p = add_command(actions, "rename", codex_rename, "rename an entry everywhere in its book", _format_replace)
    p.add_argument("entry")
    p.add_argument("new_name")
    p.add_argument("--alias", action="append", default=[], metavar="OLD=NEW", help="also replace an alias")
    p.add_argument("--preview", action="store_true", help="show every change, write nothing")

    p = add_command(subparsers, "replace", replace, "replace text across a whole book", _format_replace)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--in", dest="book", required=True, help="the book (or any bucket) whose text to change")
    p.add_argument("--preview", action="store_true", help="show every change, write nothing")
    p.add_argument("--whole-word", action="store_true", help="only whole words")
    p.add_argument("--ignore-case", action="store_true", help="any case (MARA, mara); the new text follows it")
    p = add_command(subparsers, "replace-undo", replace_undo, "undo the last replace (or rename)", _format_batch)
    p.add_argument("--in", dest="book", help="the last replace in this book (default: the last anywhere)")
    p.add_argument("--batch", help="a replace batch id instead of the last one")


def codex_add(ctx: CommandContext) -> Entry:
    a = ctx.args
    return ctx.store.codex.add(
        a.book,
        a.kind,
        a.name,
        aliases=a.alias,
        description=a.description,
        fields=dict(parse_pairs(a.field, "field")),
        notes=a.notes,
        picture_blob_id=a.picture,
    )


def codex_list(ctx: CommandContext) -> list[Entry]:
    return ctx.store.codex.entries(ctx.args.book, ctx.args.kind)


def codex_show(ctx: CommandContext) -> dict[str, Any]:
    store = ctx.store
    entry = store.codex.entry(ctx.args.entry)
    notes = [store.blobs.text(b.id) for b in store.blobs.in_bucket(entry.id, schema_ids=[TEXT_INPUT])]
    return {**asdict(entry), "notes": notes, "appearances": codex_appearances(ctx)["sections"]}


def codex_appearances(ctx: CommandContext) -> dict[str, Any]:
    seen = ctx.store.codex.appearances(ctx.args.entry)
    return {
        "entry": seen.entry.name,
        "total": seen.total,
        "first": seen.first.section_name if seen.first else None,
        "last": seen.last.section_name if seen.last else None,
        "sections": [asdict(s) for s in seen.sections],
    }


def codex_grid(ctx: CommandContext) -> dict[str, Any]:
    grid = ctx.store.codex.grid(ctx.args.book, ctx.args.kind)
    return {
        "entries": [{"id": e.id, "name": e.name} for e in grid.entries],
        "sections": [
            {"id": s.id, "name": s.name, "counts": [grid.count(s.id, e.id) for e in grid.entries]}
            for s in grid.sections
        ],
    }


def codex_rebuild(ctx: CommandContext) -> dict[str, int]:
    return ctx.store.codex.rebuild(ctx.args.book)


def codex_rename(ctx: CommandContext) -> dict[str, Any]:
    a = ctx.args
    plan = ctx.store.codex.rename_preview(a.entry, a.new_name, parse_pairs(a.alias, "alias"))
    return _plan_result(plan, None if a.preview else ctx.store.codex.rename(a.entry, plan))


def replace(ctx: CommandContext) -> dict[str, Any]:
    a = ctx.args
    plan = ctx.store.replace.preview(a.book, [(a.old, a.new)], whole_word=a.whole_word, ignore_case=a.ignore_case)
    return _plan_result(plan, None if a.preview else ctx.store.replace.apply(plan))


def replace_undo(ctx: CommandContext) -> ReplaceBatch:
    return ctx.store.replace.undo(ctx.args.batch, root_id=ctx.args.book)


def _plan_result(plan: ReplacePlan, batch: ReplaceBatch | None) -> dict[str, Any]:
    return {
        "replace": plan.description,
        "matches": len(plan.changes),
        "blobs": len(plan.edits),
        "applied": batch is not None,
        "batch_id": batch.id if batch else None,
        "changes": [asdict(c) for c in plan.changes],
    }


def _format_entry(entry: Entry) -> str:
    aliases = f" (also: {', '.join(entry.aliases)})" if entry.aliases else ""
    fields = "; ".join(f"{k}: {v}" for k, v in entry.fields.items())
    lines = [f"{entry.id}\t{entry.kind}\t{entry.name}{aliases}"]
    lines += [f"  {text}" for text in (entry.description, fields) if text]
    return "\n".join(lines)


def _format_entries(entries: list[Entry]) -> str:
    return "\n".join(_format_entry(e).split("\n")[0] for e in entries) or "(no codex entries)"


def _format_show(shown: dict[str, Any]) -> str:
    entry = Entry(**{k: v for k, v in shown.items() if k not in ("notes", "appearances")})
    lines = [_format_entry(entry), *(f"  notes: {n.strip()}" for n in shown["notes"])]
    lines += [f"  appears in {s['section_name']} ({s['mentions']})" for s in shown["appearances"]]
    return "\n".join(lines)


def _format_appearances(seen: dict[str, Any]) -> str:
    if not seen["sections"]:
        return f"{seen['entry']}: not named in the text"
    head = f"{seen['entry']}: {seen['total']} mentions; first in {seen['first']}, last in {seen['last']}"
    return "\n".join([head, *(f"  {s['section_name']}\t{s['mentions']}" for s in seen["sections"])])


def _format_grid(grid: dict[str, Any]) -> str:
    names = [e["name"] for e in grid["entries"]]
    width = max([len(s["name"]) for s in grid["sections"]] + [7])
    lines = [" " * width + " | " + " | ".join(names)]
    for section in grid["sections"]:
        cells = [str(n or "·").rjust(len(name)) for n, name in zip(section["counts"], names, strict=True)]
        lines.append(section["name"].ljust(width) + " | " + " | ".join(cells))
    return "\n".join(lines)


def _format_replace(result: dict[str, Any]) -> str:
    if not result["matches"]:
        return f"{result['replace']}: no matches; nothing written"
    lines = []
    for change in result["changes"][:PREVIEW_LINES]:
        lines += [f"{change['section_name']}:", f"  - {change['before']}", f"  + {change['after']}"]
    if len(result["changes"]) > PREVIEW_LINES:
        lines.append(f"... and {len(result['changes']) - PREVIEW_LINES} more (--json lists all)")
    done = (
        f"applied as batch {result['batch_id']} (undo: reyna replace-undo --batch {result['batch_id']})"
        if result["applied"]
        else "preview only; nothing written"
    )
    lines.append(f"{result['replace']}: {result['matches']} matches in {result['blobs']} texts; {done}")
    return "\n".join(lines)


def _format_batch(batch: ReplaceBatch) -> str:
    return f"undid replace {batch.id} ({batch.description}): {batch.blob_count} texts restored"
