"""`reyna sync init FOLDER | status | now | compact`: two machines on one project."""

from __future__ import annotations

from typing import Any

from reyna_desktop.cli.output import CommandContext, add_command
from reyna_desktop.sync import Sync


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync", help="sync this store with other devices through a shared folder")
    commands = parser.add_subparsers(dest="sync_command", metavar="SUBCOMMAND")
    commands.required = True
    p = add_command(commands, "init", init, "sync through FOLDER (Syncthing, Dropbox, a USB stick...)", _format_status)
    p.add_argument("folder", help="a folder every device can reach; never the store's own folder")
    add_command(commands, "status", status, "last exchange per device and what is waiting", _format_status)
    add_command(commands, "now", now, "send local changes and take in the other devices'", _format_now)
    add_command(commands, "compact", compact, "fold this device's update files into one snapshot")
    add_command(commands, "stop", stop, "stop syncing this store (the folder is left as it is)",
                _format_stop)


def init(ctx: CommandContext) -> dict[str, Any]:
    return Sync.init(ctx.store, ctx.args.folder).status()


def status(ctx: CommandContext) -> dict[str, Any]:
    return Sync(ctx.store).status()


def now(ctx: CommandContext) -> dict[str, Any]:
    return Sync(ctx.store).now()


def compact(ctx: CommandContext) -> dict[str, Any]:
    return Sync(ctx.store).compact()


def stop(ctx: CommandContext) -> dict[str, Any]:
    Sync.stop(ctx.store)
    return {"syncing": False}


def _format_status(result: dict[str, Any]) -> str:
    waiting = result["local_changes_waiting"]
    lines = [
        f"folder   {result['folder']}",
        f"device   {_named(result['device_id'], result.get('device_name'))} "
        f"(sent {result['sent_up_to']} update files)",
        f"waiting  {'everything (first exchange)' if waiting is None else waiting} local changes to send, "
        f"{result['pending_blobs']} blobs waiting for content",
    ]
    for device in result["devices"]:
        lines.append(
            f"  {_named(device['device_id'], device.get('name'))}: read {device['read_up_to']}, "
            f"{device['waiting_files']} files waiting, "
            f"last exchange {device['last_exchange'] or 'never'}"
        )
    if not result["devices"]:
        lines.append("  no other device has written to the folder yet")
    return "\n".join(lines)


def _named(device_id: str, name: str | None) -> str:
    return f"{name} ({device_id})" if name else device_id


def _format_stop(_result: dict[str, Any]) -> str:
    return "sync stopped; `reyna sync init FOLDER` starts it again"


def _format_now(result: dict[str, Any]) -> str:
    sent = "nothing to send" if result["sent_update"] is None else f"sent update {result['sent_update']}"
    text = (
        f"{sent}; read {result['received_files']} files: {result['buckets_changed']} buckets, "
        f"{result['blobs_changed']} blobs changed, {result['pending_blobs']} waiting for content"
    )
    return "\n".join([text, *(f"resolved ({r['kind']}): {r['what']}" for r in result["resolved"])])
