"""Every processor that ships is registered: a processor class anywhere in the package that is
missing from the default registry (or fails to import) fails this test."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import reyna_desktop
from reyna_desktop.processors.base import Processor
from reyna_desktop.processors.registry import default_registry

PACKAGE = Path(reyna_desktop.__file__).parent


def shipped_processor_classes() -> list[type[Processor]]:
    """Concrete subclasses of Processor defined in the package's modules."""
    found: list[type[Processor]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.name for n in tree.body if isinstance(n, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id == "Processor" for b in n.bases)]
        if names:
            module = importlib.import_module(
                "reyna_desktop." + path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
            )
            found += [getattr(module, name) for name in names]
    return found


def test_every_shipped_processor_is_registered() -> None:
    shipped = shipped_processor_classes()
    assert len(shipped) >= 6  # the scan itself works
    registered = {type(p) for p in default_registry().all()}
    assert set(shipped) == registered
