"""A rendered book: the manuscript with each division's XHTML, what every format writer reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reyna_desktop.export.cache import RenderStats
from reyna_desktop.export.manuscript import BookMeta, Division, ImageRef, Manuscript
from reyna_desktop.export.markup import Rendered
from reyna_desktop.export.options import CompileOptions


@dataclass
class RenderedDivision:
    division: Division
    body: Rendered
    file_name: str  # its XHTML file in an EPUB ("ch003.xhtml")
    anchor: str  # its id in a single-document output ("div-3")


@dataclass
class IndexEntry:
    term: str
    places: list[tuple[RenderedDivision, str]]  # (division, anchor id)


@dataclass
class RenderedBook:
    manuscript: Manuscript
    options: CompileOptions
    divisions: list[RenderedDivision]
    load_image: Callable[[ImageRef], bytes]
    warnings: list[str] = field(default_factory=list)
    stats: RenderStats = field(default_factory=RenderStats)

    @property
    def meta(self) -> BookMeta:
        return self.manuscript.meta

    @property
    def lang(self) -> str:
        return self.manuscript.meta.language

    @property
    def word_count(self) -> int:
        return sum(d.body.words for d in self.divisions)

    def images(self) -> list[ImageRef]:
        """The images the text uses, each once, in order of first use (the cover not included)."""
        seen: dict[str, ImageRef] = {}
        for d in self.divisions:
            for blob_id in d.body.images:
                ref = self.manuscript.images.get(blob_id)
                if ref is not None:
                    seen.setdefault(blob_id, ref)
        return list(seen.values())

    def index(self) -> list[IndexEntry]:
        """Marked terms, sorted case-insensitively, each with every place it is marked."""
        entries: dict[str, IndexEntry] = {}
        for d in self.divisions:
            for term, anchor in d.body.index:
                entry = entries.setdefault(term.casefold(), IndexEntry(term, []))
                entry.places.append((d, anchor))
        return [entries[k] for k in sorted(entries)]
