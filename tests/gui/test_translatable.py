"""Every user-visible string of the window goes through Qt's tr() (or QCoreApplication.translate),
so `pyside6-lupdate` extracts it (README: Translations). Checked on the source: a plain string
literal handed to a Qt text call is a string a translator would never see."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "reyna_desktop" / "gui"
TEXT_CALLS = {"QLabel", "QPushButton", "QToolButton", "QCheckBox", "QGroupBox", "QAction", "QDockWidget",
              "setText", "setToolTip", "addAction", "addMenu", "setWindowTitle", "setPlaceholderText", "showMessage",
              "show_message", "setLabelText", "setInformativeText", "getText", "getItem", "getMultiLineText",
              "warning", "critical", "information", "question", "setHeaderLabels", "addRow",
              "setAccessibleName", "setAccessibleDescription", "addTab", "setTabText", "setHorizontalHeaderLabels",
              "getOpenFileName", "getSaveFileName", "getExistingDirectory", "setStatusTip", "setWhatsThis", "setHtml",
              "setSuffix", "setPrefix", "setSpecialValueText", "setTitle", "QMenu", "QRadioButton", "QLineEdit"}


def plain_texts(path: Path) -> list[str]:
    """`file:line "text"` for each plain literal with letters passed to a Qt text call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        owner = getattr(getattr(node.func, "value", None), "id", "")
        if name not in TEXT_CALLS or owner in ("log", "logging"):  # log lines are for developers
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            texts = [arg] if isinstance(arg, ast.Constant) else [
                v for v in getattr(arg, "values", []) if isinstance(v, ast.Constant)] if isinstance(
                arg, ast.JoinedStr) else []
            for text in texts:
                words = re.sub(r"<[^>]*>", "", text.value) if isinstance(text.value, str) else ""
                if any(c.isalpha() for c in words):  # markup alone is not text
                    found.append(f"{path.name}:{node.lineno} {text.value!r}")
    return found


def test_window_strings_go_through_tr() -> None:
    untranslated = [t for p in sorted(GUI.glob("*.py")) for t in plain_texts(p)]
    assert untranslated == []


def run_lupdate(folder: Path) -> Path:
    """The .ts file pyside6-lupdate makes from every gui source."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    ts = folder / "reyna_desktop.ts"
    sources = [str(p) for p in sorted(GUI.glob("*.py"))]
    subprocess.run([str(lupdate), *sources, "-ts", str(ts)], check=True, capture_output=True, timeout=120)
    return ts


def extracted(ts: Path) -> dict[tuple[str, str], set[str]]:
    """(file name, source text) -> the contexts lupdate filed it under."""
    found: dict[tuple[str, str], set[str]] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            for location in message.iter("location"):
                key = (Path(location.get("filename", "")).name, message.findtext("source") or "")
                found.setdefault(key, set()).add(context.findtext("name") or "")
    return found


def contexts_in_source(path: Path) -> dict[tuple[str, str], set[str]]:
    """What Qt looks up at run time: self.tr("x") in the enclosing class, translate("ctx", "x") in ctx."""
    wanted: dict[tuple[str, str], set[str]] = {}

    def visit(node: ast.AST, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute | ast.Name):
                name = child.func.attr if isinstance(child.func, ast.Attribute) else child.func.id
                texts = [a.value for a in child.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if name == "tr" and texts and getattr(child.func, "value", None) is not None:
                    wanted.setdefault((path.name, texts[0]), set()).add(owner)
                elif name == "translate" and len(texts) >= 2:
                    wanted.setdefault((path.name, texts[1]), set()).add(texts[0])
            visit(child, child.name if isinstance(child, ast.ClassDef) else owner)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return wanted


def test_lupdate_extracts_the_strings(tmp_path: Path) -> None:
    ts = run_lupdate(tmp_path)
    text = ts.read_text(encoding="utf-8")
    for expected in ("Import a &amp;folder…", "New conversation about this…", "Writing goals", "Transpose ♯",
                     "Add “%1” to the project dictionary", "Recover unsaved text",
                     "Select a model to see what it is good for.", "Codex of “%1”: %n entries"):
        assert expected in text
    # Module-level helpers translate in the context of the widget that shows their text, so a
    # translator finds "Sources: %1" beside the rest of the chat pane.
    found = extracted(ts)
    for file, source, context in (("chat_pane.py", "Sources: %1", "ChatPane"), ("chat_pane.py", "You", "ChatPane"),
                                  ("settings_dialog.py", "Connected: %1 %2 (%3 s)", "SettingsDialog"),
                                  ("codex_panel.py", "Rename everywhere…", "CodexPanel"),
                                  ("processor_names.py", "Summarise", "processors")):
        assert found.get((file, source)) == {context}


def test_lupdate_files_each_string_where_qt_looks_it_up(tmp_path: Path) -> None:
    """A string lupdate files under another context is never translated: Qt looks it up under the
    class of the widget (self.tr) or the context named (translate). lupdate's Python reader loses
    the class after a function nested in a function, and reads `tr(a, b)` as (source, comment)."""
    found = extracted(run_lupdate(tmp_path))
    wanted: dict[tuple[str, str], set[str]] = {}
    for path in sorted(GUI.glob("*.py")):
        wanted.update(contexts_in_source(path))
    assert len(wanted) > 300  # the check sees the window's strings
    misfiled = {key: (contexts, found.get(key)) for key, contexts in wanted.items() if found.get(key) != contexts}
    assert misfiled == {}
    assert all("" not in contexts for contexts in found.values())
