"""What every command shares: opening the store, printing results, turning errors into exit codes."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reyna_desktop.errors import EnvironmentProblem, ReynaError
from reyna_desktop.paths import resolve_data_dir
from reyna_desktop.store import Store

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

Handler = Callable[["CommandContext"], Any]
Formatter = Callable[[Any], str]


@dataclass
class CommandContext:
    args: argparse.Namespace

    @cached_property
    def store(self) -> Store:
        return Store.open(resolve_data_dir(self.args.data_dir))

    @property
    def data_dir(self) -> Path:
        return resolve_data_dir(self.args.data_dir)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()


class CommandFailed(Exception):
    """A command that ran but found a problem (e.g. `check`): print its result, exit 1."""

    def __init__(self, result: Any) -> None:
        super().__init__("command failed")
        self.result = result


def add_command(
    subparsers: Any, name: str, handler: Handler, help: str, formatter: Formatter | None = None
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help, description=help)
    parser.set_defaults(handler=handler, formatter=formatter)
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    return parser


def parse_pairs(pairs: list[str], what: str) -> dict[str, str]:
    """`--what KEY=VALUE` options as a dict, refusing anything that is not KEY=VALUE."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ReynaError(f"--{what} {pair!r}: write it as KEY=VALUE")
        out[key.strip()] = value
    return out


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def emit(ctx: CommandContext, result: Any) -> None:
    if result is None:
        return
    if ctx.args.json:
        json.dump(to_jsonable(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    formatter: Formatter | None = getattr(ctx.args, "formatter", None)
    text = formatter(result) if formatter else default_text(result)
    if text:
        print(text)


def default_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    if isinstance(result, list):
        return "\n".join(default_text(r) for r in result)
    if isinstance(result, BaseModel):
        data = result.model_dump(mode="json")
        return f"{data.get('id', '')}\t{data.get('name') or data.get('title') or ''}".strip()
    return json.dumps(to_jsonable(result), ensure_ascii=False, indent=2)


def fail(message: str) -> None:
    print(f"reyna: error: {message}", file=sys.stderr)


def run_command(ctx: CommandContext) -> int:
    try:
        emit(ctx, ctx.args.handler(ctx))
        return EXIT_OK
    except CommandFailed as failed:
        emit(ctx, failed.result)
        return EXIT_FAILED
    except EnvironmentProblem as exc:  # the disk, a lock, a damaged file: not the user's input
        fail(str(exc))
        return EXIT_FAILED
    except ReynaError as exc:
        fail(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    finally:
        ctx.close()
