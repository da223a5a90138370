"""`reyna models list|download|import|use|remove`: the model catalogue and the installed models.

`download` shows progress on stderr and, on Ctrl-C, pauses (the partial file is kept; the same
command resumes it). `use` writes the choice into the settings file, per task: the model for
expansion, the one for chat and summaries, or both.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reyna_desktop.cli.output import CommandContext, add_command
from reyna_desktop.errors import ReynaError
from reyna_desktop.llm.catalogue import Machine, accelerator_text, fit, load_catalogue
from reyna_desktop.llm.downloads import Progress, pending_downloads
from reyna_desktop.llm.library import ModelLibrary
from reyna_desktop.settings import MODEL_TASKS, load_settings, save_settings

DEFAULT_MODEL = "default"


def register(subparsers: Any) -> None:
    models = add_command(subparsers, "models", list_models, "the model catalogue and installed models; "
                         "`models download|import|use|remove`", format_list)
    actions = models.add_subparsers(dest="models_action", metavar="ACTION")

    def action(name: str, handler: Any, text: str, formatter: Any = None) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=text, description=text)
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
        parser.add_argument("--catalogue", type=Path, help="a catalogue file instead of the shipped models.json")
        parser.set_defaults(handler=handler, formatter=formatter)
        return parser

    action("list", list_models, "the catalogue (what fits this machine and why) and the installed models",
           format_list)
    download = action("download", download_model, "download a catalogue model (resumes a paused download)",
                      format_installed)
    download.add_argument("model_id", help="an id from `reyna models list`")
    download.add_argument("--timeout", type=float, default=30.0, help="seconds without data before a retry")
    imported = action("import", import_model, "add a local .gguf file", format_installed)
    imported.add_argument("path")
    imported.add_argument("--reference", action="store_true", help="use the file where it is instead of copying it")
    imported.add_argument("--id", dest="model_id", help="the name to list it under (default: from the file name)")
    use = action("use", use_model, "choose the model for a task (`default`: the shipped model)")
    use.add_argument("model_id")
    use.add_argument("--task", choices=[*MODEL_TASKS, "both"], default="both")
    remove = action("remove", remove_model, "forget an installed model (deleting its file unless referenced)",
                    format_installed)
    remove.add_argument("model_id")


def list_models(ctx: CommandContext) -> dict[str, Any]:
    library = ModelLibrary()
    installed = library.installed()
    by_catalogue = {m.catalogue_id for m in installed}
    machine = Machine.probe(library.folder)
    catalogue = []
    for entry in load_catalogue(_catalogue(ctx)).models:
        verdict = fit(entry, machine, installed=entry.bundled or entry.id in by_catalogue)
        catalogue.append({**entry.model_dump(), "fits": verdict.fits, "fit_reason": verdict.reason,
                          "installed": entry.bundled or entry.id in by_catalogue})
    llm = load_settings().llm
    return {"models_folder": str(library.folder), "accelerator": accelerator_text(), "catalogue": catalogue,
            "installed": [m.model_dump() for m in installed], "downloads": pending_downloads(library.folder),
            "in_use": {"expansion": llm.model_path or DEFAULT_MODEL, "chat": llm.chat_model_path or llm.model_path
                       or DEFAULT_MODEL}}


def _catalogue(ctx: CommandContext) -> Path | None:
    return getattr(ctx.args, "catalogue", None)


def format_list(result: dict[str, Any]) -> str:
    lines = [f"models folder: {result['models_folder']}", result["accelerator"], "", "catalogue:"]
    for entry in result["catalogue"]:
        mark = "installed" if entry["installed"] else ("fits" if entry["fits"] else "too big")
        checked = "" if entry["verified"] else " [size/sha256 not verified]"
        lines.append(f"  {entry['id']:<32} {entry['size_bytes'] / 1e9:5.1f} GB  {mark:<9}  {entry['fit_reason']}"
                     f"{checked}")
    lines.append("installed:")
    for model in result["installed"]:
        template = "chat template" if model["has_chat_template"] else "no chat template"
        lines.append(f"  {model['id']:<32} {model['size_bytes'] / 1e9:5.1f} GB  {model['source']}, {template}, "
                     f"context {model['context_length']}")
    for pending in result["downloads"]:
        lines.append(f"  paused download: {Path(pending['target']).name} ({pending['done_bytes'] / 1e6:.0f} MB)")
    lines.append(f"in use: expansion = {result['in_use']['expansion']}, chat = {result['in_use']['chat']}")
    return "\n".join(lines)


def format_installed(model: Any) -> str:
    data = model.model_dump()
    return f"{data['id']}\t{data['path']}\t{data['size_bytes']} bytes\tsha256 {data['sha256']}"


def download_model(ctx: CommandContext) -> Any:
    entry = load_catalogue(_catalogue(ctx)).get(ctx.args.model_id)
    library = ModelLibrary()
    verdict = fit(entry, Machine.probe(library.folder))
    if not verdict.fits:
        raise ReynaError(f"{entry.id} does not fit this machine: {verdict.reason}")
    download = library.new_download(entry, on_progress=_show_progress, timeout_s=ctx.args.timeout)
    try:
        return library.download(entry, download)
    except KeyboardInterrupt:
        download.pause()
        raise ReynaError(f"download of {entry.id} interrupted; run the same command to resume it") from None
    finally:
        sys.stderr.write("\n")


def _show_progress(progress: Progress) -> None:
    sys.stderr.write("\r" + progress.text().ljust(100)[:140])
    sys.stderr.flush()


def import_model(ctx: CommandContext) -> Any:
    return ModelLibrary().import_file(Path(ctx.args.path), copy=not ctx.args.reference, model_id=ctx.args.model_id)


def use_model(ctx: CommandContext) -> str:
    path = "" if ctx.args.model_id == DEFAULT_MODEL else ModelLibrary().get(ctx.args.model_id).path
    settings = load_settings()
    llm = settings.llm
    for task in MODEL_TASKS if ctx.args.task == "both" else (ctx.args.task,):
        llm = llm.with_model(task, path)
    saved = save_settings(settings.model_copy(update={"llm": llm}))
    return f"{ctx.args.task}: {ctx.args.model_id} ({path or 'the shipped model'}); saved in {saved}"


def remove_model(ctx: CommandContext) -> Any:
    library = ModelLibrary()
    model = library.get(ctx.args.model_id)
    llm = load_settings().llm
    if model.path in (llm.model_path, llm.chat_model_path):
        raise ReynaError(f"{model.id} is in use; `reyna models use default` (or another model) first")
    return library.remove(model.id)
