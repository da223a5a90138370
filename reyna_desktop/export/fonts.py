"""The fonts shipped in resources/fonts (all SIL OFL 1.1, so they may be embedded in books)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reyna_desktop.paths import resources_dir


@dataclass(frozen=True)
class FontFile:
    family: str
    file: str
    weight: str
    style: str

    @property
    def path(self) -> Path:
        return resources_dir() / "fonts" / self.file

    @property
    def mime(self) -> str:
        return "font/otf" if self.file.endswith(".otf") else "font/ttf"


FONTS = (
    FontFile("EB Garamond", "EBGaramond12-Regular.otf", "normal", "normal"),
    FontFile("EB Garamond", "EBGaramond12-Italic.otf", "normal", "italic"),
    FontFile("EB Garamond", "EBGaramond12-Bold.otf", "bold", "normal"),
    FontFile("Liberation Sans", "LiberationSans-Regular.ttf", "normal", "normal"),
    FontFile("Liberation Sans", "LiberationSans-Bold.ttf", "bold", "normal"),
    FontFile("Liberation Mono", "LiberationMono-Regular.ttf", "normal", "normal"),
)
FAMILIES = tuple(dict.fromkeys(f.family for f in FONTS))
SERIF = "EB Garamond"


def family(name: str) -> list[FontFile]:
    return [f for f in FONTS if f.family == name]


def font_face_css(files: list[FontFile], url: Callable[[FontFile], str]) -> str:
    return "".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; font-style: {f.style}; '
        f'src: url("{url(f)}"); }}\n'
        for f in files
    )
