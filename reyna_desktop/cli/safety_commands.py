"""`reyna backup|backups|restore|link|unlink|links|rescan|watch|export-md|import-md`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from reyna_desktop.cli.output import CommandContext, add_command
from reyna_desktop.interchange.folder_sync import LinkedFolders
from reyna_desktop.interchange.folder_watcher import FolderWatcher
from reyna_desktop.interchange.mdfolder import export_markdown, import_markdown
from reyna_desktop.safety.backup import backup_folder, create_backup, list_backups, restore_backup
from reyna_desktop.safety.instance import WINDOW_PURPOSE, InstanceLock
from reyna_desktop.settings import load_settings


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "backup", backup, "make a backup of the store now", _format_backup)
    p.add_argument("--to", help="the backup folder (default: the one in settings, else <data dir>/backups)")
    p = add_command(subparsers, "backups", backups, "list the backups in the backup folder", _format_backups)
    p.add_argument("--in", dest="folder", help="the backup folder to list")
    p = add_command(
        subparsers,
        "restore",
        restore,
        "replace the store with a backup (the current one is kept aside)",
        _format_restore,
    )
    p.add_argument("backup", help="a backup folder (reyna-backup-...)")
    p.add_argument("--force", action="store_true", help="replace an existing store (it is moved aside, not deleted)")

    p = add_command(subparsers, "link", link, "link a bucket to a folder on disk and import its files", _format_sync)
    p.add_argument("bucket")
    p.add_argument("folder")
    p = add_command(subparsers, "unlink", unlink, "stop following a bucket's folder (its blobs stay)")
    p.add_argument("bucket")
    add_command(subparsers, "links", links, "list the linked folders", _format_links)
    p = add_command(subparsers, "rescan", rescan, "catch up with changes in linked folders", _format_sync)
    p.add_argument("bucket", nargs="?", help="only this bucket's folder")
    p = add_command(subparsers, "watch", watch, "follow the linked folders until Ctrl+C")
    p.add_argument("--debounce", type=float, default=0.25, help="quiet seconds before a change is synced")

    p = add_command(subparsers, "export-md", export_md, "write a bucket tree as a folder of Markdown files")
    p.add_argument("bucket")
    p.add_argument("dir")
    p = add_command(subparsers, "import-md", import_md, "import a folder of Markdown files as a bucket tree")
    p.add_argument("dir")
    p.add_argument("--parent", help="the bucket to import under (default: a new top-level bucket)")


# -- backups ------------------------------------------------------------------------------------


def backup(ctx: CommandContext) -> dict[str, Any]:
    folder = Path(ctx.args.to) if ctx.args.to else backup_folder(ctx.store, load_settings().backup)
    return create_backup(ctx.store, folder, reason="cli").as_dict()


def backups(ctx: CommandContext) -> list[dict[str, Any]]:
    folder = Path(ctx.args.folder) if ctx.args.folder else backup_folder(ctx.store, load_settings().backup)
    return [b.as_dict() for b in list_backups(folder)]


def restore(ctx: CommandContext) -> dict[str, Any]:
    return restore_backup(Path(ctx.args.backup), ctx.data_dir, force=ctx.args.force).as_dict()


def _format_backup(result: dict[str, Any]) -> str:
    return f"{result['path']}\t{result['files']} files, {result['size']} bytes, {result['seconds']}s"


def _format_backups(result: list[dict[str, Any]]) -> str:
    return "\n".join(f"{b['path']}\t{b['created_at']}\t{b['reason']}\t{b['size']} bytes" for b in result)


def _format_restore(result: dict[str, Any]) -> str:
    aside = f"; the previous store is in {result['set_aside']}" if result["set_aside"] else ""
    return f"restored {result['restored_from']} into {result['data_dir']}{aside}"


# -- linked folders -------------------------------------------------------------------------------


def link(ctx: CommandContext) -> dict[str, Any]:
    return LinkedFolders(ctx.store).link(ctx.args.bucket, ctx.args.folder).as_dict()


def unlink(ctx: CommandContext) -> str:
    LinkedFolders(ctx.store).unlink(ctx.args.bucket)
    return f"unlinked {ctx.args.bucket}"


def links(ctx: CommandContext) -> list[dict[str, Any]]:
    return [
        {"bucket_id": ln.bucket_id, "folder": str(ln.folder), "scanned_at": ln.scanned_at}
        for ln in LinkedFolders(ctx.store).links()
    ]


def rescan(ctx: CommandContext) -> dict[str, Any]:
    return LinkedFolders(ctx.store).rescan(ctx.args.bucket).as_dict()


def watch(ctx: CommandContext) -> None:
    # A long-running writer: refuse to double the window's watcher or another `reyna watch`.
    lock = InstanceLock(ctx.data_dir, purpose="reyna watch")
    if not lock.acquire() and lock.holder_info().get("purpose") == WINDOW_PURPOSE:
        print(f"the window is open on this store and already watches its "
              f"{len(LinkedFolders(ctx.store).links())} linked folder(s): {lock.holder()}", flush=True)
        return
    with lock:
        watcher = FolderWatcher(
            ctx.store, debounce_s=ctx.args.debounce, on_sync=lambda r: print(_format_sync(r.as_dict()), flush=True)
        )
        first = watcher.start()
        if first.changed:
            print(_format_sync(first.as_dict()), flush=True)
        print(f"watching {len(watcher.links.links())} linked folder(s); Ctrl+C to stop", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()


def _format_sync(result: dict[str, Any]) -> str:
    lines = [
        f"{kind}: {', '.join(' -> '.join(x) if isinstance(x, list | tuple) else x for x in items)}"
        for kind, items in result.items()
        if items
    ]
    return "\n".join(lines) or "nothing changed"


def _format_links(result: list[dict[str, Any]]) -> str:
    return "\n".join(f"{ln['bucket_id']}\t{ln['folder']}" for ln in result)


# -- Markdown folders -----------------------------------------------------------------------------


def export_md(ctx: CommandContext) -> dict[str, Any]:
    return export_markdown(ctx.store, ctx.args.bucket, Path(ctx.args.dir)).as_dict()


def import_md(ctx: CommandContext) -> dict[str, Any]:
    return import_markdown(ctx.store, Path(ctx.args.dir), ctx.args.parent).as_dict()
