"""`reyna-desktop --self-test`: check an install (frozen or not) end to end, without a screen.

Steps: open a store in a temp folder, create a book from a template, run a short generation
with the default model, compile an EPUB, open a Qt window offscreen, check the store. Each step
prints its name and time. Every step runs, even after one failed (a step that needs what a
failed one makes is reported as failed for that reason), so one run names every problem; the
exit code is 0 only when every step passed. There are no fallbacks: a part that is missing from
the install is a failed step.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

Step = Callable[[dict[str, Any]], str]


def _open_store(state: dict[str, Any]) -> str:
    from reyna_desktop.store import Store

    state["store"] = Store.open(state["root"] / "data")
    return f"store at {state['store'].data_dir}"


def _make_book(state: dict[str, Any]) -> str:
    store = state["store"]
    book = store.templates.instantiate("book", "Self-Test Book")
    chapters = [b for b in store.buckets.descendants(book.id) if b.type == "chapter"]
    chapter = chapters[0] if chapters else book
    store.blobs.create({"content": "# The Storm\n\nThe storm came in from the sea at dusk."},
                       bucket_ids=[chapter.id], title="The Storm")
    state["book"] = book
    return f"book {book.id} with {len(chapters)} chapter(s)"


def _generate(state: dict[str, Any]) -> str:
    from reyna_desktop.llm import backend_from_settings
    from reyna_desktop.settings import LLMSettings

    backend = backend_from_settings(LLMSettings(backend="embedded", n_ctx=512))
    try:
        completion = backend.complete("Write one sentence about a storm at sea.", max_tokens=16, temperature=0.0,
                                      seed=1)
    finally:
        backend.close()
    if completion.completion_tokens < 1:
        raise RuntimeError("the default model produced no tokens")
    return f"{backend.model}: {completion.completion_tokens} tokens, {completion.text.strip()[:50]!r}"


def _compile_epub(state: dict[str, Any]) -> str:
    from reyna_desktop.export import compile_bucket

    store, book = state["store"], state["book"]
    produced = Path(compile_bucket(store, book.id, "epub", state["root"] / "book.epub").path)
    with zipfile.ZipFile(produced) as epub:
        names = epub.namelist()
        if names[0] != "mimetype":
            raise RuntimeError(f"{produced} is not an EPUB (first entry {names[0]!r})")
    return f"{produced.name}, {produced.stat().st_size} bytes, {len(names)} entries"


def _qt_offscreen(state: dict[str, Any]) -> str:
    """The Qt platform plugin loads and a window can be made (what the GUI needs to start)."""
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(["reyna-self-test"])
    window = QMainWindow()
    window.resize(320, 200)
    window.show()
    app.processEvents()
    window.close()
    return f"Qt {qVersion()} on {QGuiApplication.platformName()}"


def _check(state: dict[str, Any]) -> str:
    report = state["store"].check()
    if not report.ok:
        raise RuntimeError(f"store check failed: {report.as_dict()}")
    return f"store sound, {report.files_checked} content file(s) checked"


# (name, step, the steps it needs)
STEPS: list[tuple[str, Step, tuple[str, ...]]] = [
    ("open store", _open_store, ()),
    ("create book from template", _make_book, ("open store",)),
    ("generate with default model", _generate, ()),
    ("compile EPUB", _compile_epub, ("create book from template",)),
    ("Qt offscreen window", _qt_offscreen, ()),
    ("check store", _check, ("open store",)),
]


def run_self_test(out: Any = None) -> int:
    out = out or sys.stdout
    frozen = bool(getattr(sys, "frozen", False))
    print(f"Reyna self-test ({'frozen' if frozen else 'from source'}, Python {sys.version.split()[0]})", file=out)
    started = time.perf_counter()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reyna-selftest-") as tmp:
        root = Path(tmp)
        state: dict[str, Any] = {"root": root}
        try:
            for name, step, needs in STEPS:
                t0 = time.perf_counter()
                missing = [n for n in needs if n in failed]
                try:
                    if missing:
                        raise RuntimeError(f"cannot run: it needs {', '.join(missing)}, which failed")
                    detail = step(state)
                except Exception as exc:  # every failure is reported, then the next step runs
                    print(f"FAIL {name} ({time.perf_counter() - t0:.2f}s): {type(exc).__name__}: {exc}", file=out)
                    if not missing:
                        traceback.print_exc(file=sys.stderr)
                    failed.append(name)
                    continue
                print(f"ok   {name} ({time.perf_counter() - t0:.2f}s): {detail}", file=out, flush=True)
        finally:
            if "store" in state:
                state["store"].close()
    verdict = f"FAILED ({len(failed)} of {len(STEPS)} steps: {', '.join(failed)})" if failed else "passed"
    print(f"self-test {verdict} in {time.perf_counter() - started:.2f}s", file=out)
    return 1 if failed else 0
