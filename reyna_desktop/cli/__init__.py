"""The `reyna` command line: everything the app stores, scriptable.

Each command module has `register(subparsers)` that adds its commands; a command is a
function `(store, args) -> Any` whose result is printed as JSON with `--json`, else by the
command's own text formatter. Bad input raises ReynaError: one line on stderr, exit 2;
an EnvironmentProblem (full disk, busy or damaged store): one line, exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from reyna_desktop import __version__
from reyna_desktop.cli.output import CommandContext, run_command

# Modules that add commands; each is `reyna_desktop.cli.<name>` with a register(subparsers).
COMMAND_MODULES = [
    "store_commands",
    "process_commands",
    "safety_commands",
    "compile_commands",
    "import_commands",
    "model_commands",
    "codex_commands",
    "sync_commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reyna", description="Reyna Desktop from the command line.")
    parser.add_argument("--version", action="version", version=f"reyna {__version__}")
    parser.add_argument("--data-dir", help="the store's folder (default: REYNA_DATA_DIR or the per-user data dir)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"reyna_desktop.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    return run_command(CommandContext(args))


if __name__ == "__main__":
    sys.exit(main())
