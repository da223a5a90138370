"""No circle between the store's modules (counting imports inside functions too), and the core
packages import no Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import reyna_desktop

PACKAGE = Path(reyna_desktop.__file__).parent


def _imports(path: Path) -> set[str]:
    """The reyna_desktop modules a file imports, at any depth, type-checking imports included."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reyna_desktop"):
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("reyna_desktop"))
    return out


def test_store_modules_form_no_circle() -> None:
    store = PACKAGE / "store"
    names = {f"reyna_desktop.store.{p.stem}" for p in store.glob("*.py") if p.stem != "__init__"}
    graph = {f"reyna_desktop.store.{p.stem}": _imports(p) & names for p in store.glob("*.py") if p.stem != "__init__"}

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return [*trail, nxt]
                if nxt not in trail:
                    stack.append((nxt, [*trail, nxt]))
        return None

    circles = [c for name in sorted(graph) if (c := cycle_from(name))]
    assert circles == []


def test_core_packages_import_no_qt() -> None:
    for package in ("store", "export", "processors", "llm", "interchange", "safety"):
        for path in (PACKAGE / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "PySide6" not in text and "from reyna_desktop.gui" not in text, path
