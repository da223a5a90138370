"""Typst, kept warm: one ``typst.Compiler`` per process, so a recompile reuses its memoized layout.

    pdf_bytes, warnings = typeset("book.typ", data, images={"images/ab12.png": b"..."})

`data` (any JSON value) is written beside the template as ``book.json`` (for ``book.typ``), which
the template reads with ``json("/book.json")``. Nothing of the book is ever written as Typst markup.
A file, not ``sys.inputs``: Typst tracks each file it reads, so after a one-chapter edit it re-lays
only what changed, while new ``sys.inputs`` make a new standard library and invalidate every cached
layout (a 370-page recompile took as long as the first compile that way, 0.8 s by the file).
The compiler's root is a private work folder holding the templates (copied from
``resources/export``), their data, the images the book uses, and links to the fonts: the shipped
OFL fonts and the installed script fonts, never the system's, so every font in the PDF is one we
know may be embedded.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import typst

from reyna_desktop.errors import ReynaError
from reyna_desktop.export import fonts, script_fonts
from reyna_desktop.paths import resources_dir

TEMPLATES = ("book.typ", "songbook.typ")
PDF_STANDARDS = {"pdf/a-3b": "a-3b", "pdf/a-2b": "a-2b", "pdf/ua-1": "ua-1"}


class Typesetter:
    """A Typst compiler over a private work folder; compiles one document at a time."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="reyna-typst-"))
        atexit.register(shutil.rmtree, self.folder, True)
        font_folder = self.folder / "fonts"
        font_folder.mkdir()
        for path in [*(f.path for f in fonts.FONTS), *script_fonts.font_files()]:
            (font_folder / path.name).symlink_to(path)
        (self.folder / "images").mkdir()
        self._lock = threading.Lock()
        found = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(font_folder)])
        self.font_names = {Path(str(info.path)).name: info.family for info in found.fonts()}
        self._compiler = typst.Compiler(root=str(self.folder), font_paths=found)

    def family(self, name: str) -> str:
        """The name Typst knows a shipped family by (the file's own name, "EB Garamond 12")."""
        shipped = fonts.family(name)
        return self.font_names.get(shipped[0].file, name) if shipped else name

    def typeset(
        self, template: str, data: Any, images: dict[str, bytes] | None = None, pdf_standard: str | None = None
    ) -> tuple[bytes, list[str]]:
        """The PDF and Typst's warnings; raises ReynaError when Typst cannot lay the document out."""
        with self._lock:
            self._install(template)
            (self.folder / template).with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False),
                                                                     encoding="utf-8")
            for name, content in (images or {}).items():
                target = self.folder / name
                if not target.exists():  # image names carry their content hash
                    target.write_bytes(content)
            standards = [PDF_STANDARDS[pdf_standard]] if pdf_standard else []
            try:
                pdf, warnings = self._compiler.compile_with_warnings(
                    input=str(self.folder / template), format="pdf", pdf_standards=standards,  # type: ignore[arg-type]
                )
            except typst.TypstError as error:
                raise ReynaError(f"the PDF could not be typeset: {error.message}"
                                 + "".join(f" ({hint})" for hint in error.hints)) from error
        if not isinstance(pdf, bytes):
            raise ReynaError("the PDF could not be typeset: Typst returned no document")
        return pdf, list(dict.fromkeys(w.message for w in warnings))

    def _install(self, template: str) -> None:
        """Copy the template in when it changed (a designer may be editing it)."""
        source = (resources_dir() / "export" / template).read_bytes()
        target = self.folder / template
        if not target.exists() or target.read_bytes() != source:
            target.write_bytes(source)


def image_name(content: bytes, ext: str) -> str:
    """A work-folder name for an image: its content hash, so an unchanged image is written once."""
    return f"images/{hashlib.sha256(content).hexdigest()[:24]}.{ext}"


_shared: Typesetter | None = None
_shared_lock = threading.Lock()


def shared() -> Typesetter:
    """This process's typesetter, made on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Typesetter()
        return _shared
