"""Unexpected exceptions: logged to <data dir>/logs/reyna-desktop.log, shown once, text kept safe."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

log = logging.getLogger("reyna_desktop.gui")


def setup_logging(data_dir: Path) -> Path:
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "reyna-desktop.log"
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) and getattr(h, "baseFilename", "") == str(file)
               for h in root.handlers):
        handler = RotatingFileHandler(file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return file


class CrashHandler:
    """sys.excepthook: first save what the user typed, then log, then tell the user once."""

    def __init__(self, log_file: Path, save_text: Callable[[], object] | None = None,
                 show: Callable[[str], object] | None = None) -> None:
        self.log_file = log_file
        self.save_text = save_text
        self.show = show
        self.shown = False
        self.count = 0

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        self.count += 1
        if self.save_text is not None:
            try:
                self.save_text()
            except Exception:
                log.exception("could not keep the editor's text after an error")
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if self.show is not None and not self.shown:
            self.shown = True
            self.show(f"Something went wrong: {value}\n\nYour text is safe. Details are in {self.log_file}. "
                      "Further errors this session are only logged.")
