"""`reyna import`: a Word document, a novelWriter project or a Scrivener project as buckets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reyna_desktop.cli.output import CommandContext, add_command
from reyna_desktop.interchange.importers import HEADING_LEVELS, import_project


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "import", import_command,
                    "import a .docx, a novelWriter project or a Scrivener 3 project (.scriv)", _format_result)
    p.add_argument("path", help="the .docx file, the novelWriter project folder (or its nwProject.nwx), "
                                "or the .scriv folder (or its .scrivx)")
    p.add_argument("--into", metavar="BUCKET", help="the bucket to import under (default: the top level)")
    p.add_argument("--headings", choices=HEADING_LEVELS, default="parts",
                   help="a .docx's Heading 1 starts parts (Heading 2 chapters) or chapters (Heading 2 scenes)")


def import_command(ctx: CommandContext) -> dict[str, Any]:
    a = ctx.args
    return import_project(ctx.store, Path(a.path), a.into, headings=a.headings).as_dict()


def _format_result(result: dict[str, Any]) -> str:
    lines = [f"imported a {result['source']}: {result['buckets']} buckets, {result['blobs']} blobs; "
             f"top: {', '.join(result['root_ids'])}"]
    lines += [f"warning: {w}" for w in result["warnings"]]
    return "\n".join(lines)
