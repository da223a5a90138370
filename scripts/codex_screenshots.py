"""Screenshots of the Codex dock and the mention marks on the sample book, for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/codex_screenshots.py

Saves codex-appears-in.png (the "Storm Warning" chapter open, Mara's "Appears in" list),
codex-grid.png (the chapters x characters grid) and codex-hover-card.png (the card shown when
the mouse rests on a marked name; taken from the screen, since a tooltip is its own window).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))


def main() -> int:
    temp = Path(tempfile.mkdtemp(prefix="reyna-codex-shots-"))
    os.environ["REYNA_DATA_DIR"] = str(temp / "data")
    os.environ["REYNA_CONFIG_DIR"] = str(temp / "config")
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QGuiApplication, QHelpEvent, QTextCursor
    from PySide6.QtWidgets import QApplication, QToolTip

    from reyna_desktop.gui.app import build_window, make_application

    app = make_application(sys.argv)
    window = build_window(temp / "data")
    window.resize(1380, 860)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)

    def wait_until(ready: Callable[[], bool], timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if time.monotonic() > deadline:
                raise SystemExit("the window did not get there in time")
            app.processEvents()
            time.sleep(0.02)

    def save(name: str, screen: bool = False) -> None:
        path = OUT / name
        shot = QGuiApplication.primaryScreen().grabWindow(0) if screen else window.grab()
        shot.save(str(path), "PNG")
        print(f"saved {path} ({path.stat().st_size // 1024} KB)")

    store = window.store

    def storm_warning() -> list:  # type: ignore[type-arg]
        return [b for b in store.buckets.all(type="chapter") if b.name == "Storm Warning"]

    wait_until(lambda: bool(storm_warning()))  # the sample project is made in the background
    chapter = storm_warning()[0]
    for _ in range(25):  # let the window open the sample's first chapter before we open ours
        app.processEvents()
        time.sleep(0.02)
    window.chat_action.setChecked(False)  # room for the tree, the draft and the dock
    window.splitter.setSizes([330, 600, 0])
    window.codex_dock.show()
    window.resizeDocks([window.codex_dock], [430], Qt.Orientation.Horizontal)
    window.open_bucket(chapter.id)
    window.codex.follow_bucket(chapter.id)
    draft = window.editor.draft.editor
    wait_until(lambda: "Mara" in draft.toPlainText() and len(draft.extraSelections()) == 2)
    wait_until(lambda: window.codex.appears.count() == 3)
    save("codex-appears-in.png")

    window.codex.tabs.setCurrentIndex(1)
    wait_until(lambda: window.codex.grid.rowCount() == 4)
    app.processEvents()
    save("codex-grid.png")

    inside = QTextCursor(draft.document())
    inside.setPosition(draft.toPlainText().index("Mara") + 2)
    where = draft.cursorRect(inside).center()
    QApplication.sendEvent(
        draft.viewport(), QHelpEvent(QEvent.Type.ToolTip, where, draft.viewport().mapToGlobal(where))
    )
    wait_until(QToolTip.isVisible)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    save("codex-hover-card.png", screen=True)
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
