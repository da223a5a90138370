"""`reyna compile` and `reyna compile-preset`: the book compiler from the command line."""

from __future__ import annotations

import json
from typing import Any

from reyna_desktop.cli.output import CommandContext, add_command, parse_pairs
from reyna_desktop.errors import ReynaError
from reyna_desktop.export import FORMATS, compile_bucket, delete_preset, list_presets, save_preset


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "compile", compile_command,
                    "compile a book to EPUB, PDF, DOCX, Markdown or HTML, or an album to a songbook PDF",
                    _format_result)
    p.add_argument("bucket", help="the book (or album/songbook) bucket id")
    p.add_argument("--format", "-f", required=True, choices=FORMATS, help="output format")
    p.add_argument("--out", "-o", required=True, help="the file to write")
    p.add_argument("--preset", help="a compile preset saved in the book, or manuscript / book (DOCX layouts)")
    p.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE",
                   help="one compile option (repeatable), e.g. trim_size=a5 or include_index=true")

    presets = subparsers.add_parser("compile-preset", help="list, save or delete a book's compile presets")
    sub = presets.add_subparsers(dest="preset_command", metavar="ACTION")
    sub.required = True
    p = add_command(sub, "list", preset_list, "list a book's compile presets")
    p.add_argument("bucket")
    p = add_command(sub, "save", preset_save, "save options under a preset name")
    p.add_argument("bucket")
    p.add_argument("name")
    p.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--options-json", help="the options as one JSON object")
    p = add_command(sub, "delete", preset_delete, "delete a compile preset")
    p.add_argument("bucket")
    p.add_argument("name")


def parse_options(pairs: list[str], as_json: str | None = None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if as_json:
        try:
            loaded = json.loads(as_json)
        except json.JSONDecodeError as exc:
            raise ReynaError(f"--options-json is not valid JSON: {exc}") from None
        if not isinstance(loaded, dict):
            raise ReynaError("--options-json must be a JSON object")
        options.update(loaded)
    options.update(parse_pairs(pairs, "option"))
    return options


def compile_command(ctx: CommandContext) -> dict[str, Any]:
    a = ctx.args
    result = compile_bucket(ctx.store, a.bucket, a.format, a.out, preset=a.preset, options=parse_options(a.option))
    return {
        "blob_id": result.blob_id, "path": str(result.path), "format": result.format, "size": result.size,
        "word_count": result.word_count, "chapter_count": result.chapter_count, "warnings": result.warnings,
        "sections_rendered": result.sections_rendered, "sections_cached": result.sections_cached,
        "elapsed_s": result.elapsed_s,
    }


def _format_result(result: dict[str, Any]) -> str:
    lines = [f"{result['path']} ({result['format']}, {result['size']:,} bytes): {result['chapter_count']} chapters, "
             f"{result['word_count']:,} words in {result['elapsed_s']} s; blob {result['blob_id']}"]
    lines += [f"warning: {w}" for w in result["warnings"]]
    return "\n".join(lines)


def preset_list(ctx: CommandContext) -> dict[str, Any]:
    return list_presets(ctx.store, ctx.args.bucket)


def preset_save(ctx: CommandContext) -> dict[str, Any]:
    a = ctx.args
    save_preset(ctx.store, a.bucket, a.name, parse_options(a.option, a.options_json))
    return {a.name: list_presets(ctx.store, a.bucket)[a.name]}


def preset_delete(ctx: CommandContext) -> dict[str, Any]:
    delete_preset(ctx.store, ctx.args.bucket, ctx.args.name)
    return {"deleted": ctx.args.name}



