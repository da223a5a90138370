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


def test_lupdate_extracts_the_strings(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    ts = tmp_path / "reyna_desktop.ts"
    sources = [str(p) for p in sorted(GUI.glob("*.py"))]
    subprocess.run([str(lupdate), *sources, "-ts", str(ts)], check=True, capture_output=True, timeout=120)
    text = ts.read_text(encoding="utf-8")
    for expected in ("Import a &amp;folder…", "New conversation about this…", "Writing goals", "Transpose ♯",
                     "Add “%1” to the project dictionary", "Recover unsaved text",
                     "Select a model to see what it is good for.", "Codex of “%1”: %n entries"):
        assert expected in text
    # Module-level helpers translate in the context of the widget that shows their text, so a
    # translator finds "Sources: %1" beside the rest of the chat pane.
    contexts = {(c.findtext("name"), m.findtext("source")) for c in ET.parse(ts).getroot().iter("context")
                for m in c.iter("message")}
    for expected_pair in (("ChatPane", "Sources: %1"), ("ChatPane", "You"), ("SettingsDialog", "Connected: %1 %2 (%3 s)"),
                          ("CodexPanel", "Rename everywhere…"), ("app", "Recover unsaved text")):
        assert expected_pair in contexts
