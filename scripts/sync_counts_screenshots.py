"""Screenshots of sync and of a Chinese book's counts in the real window, for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/sync_counts_screenshots.py

Saves sync-dialog.png (View → Sync… over the window after an exchange with a second store
playing the laptop, which edited the open chapter) and counts-characters.png (a Chinese book: the tree's count
column and tooltip, the stats panel and goals, the status bar, all in characters). Temp
stores and a temp shared folder; no model runs.
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

CHAPTER_ONE = "The rain came at night, and the lighthouse keeper counted the ships."
FROM_LAPTOP = CHAPTER_ONE + "\n\nOn the laptop, Mara opened the door to the lamp room."


def main() -> int:
    temp = Path(tempfile.mkdtemp(prefix="reyna-shots-"))
    os.environ["REYNA_DATA_DIR"] = str(temp / "data")
    os.environ["REYNA_CONFIG_DIR"] = str(temp / "config")
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QApplication, QToolTip

    from reyna_desktop.gui.app import build_window, make_application
    from reyna_desktop.gui.tree_model import RowRole
    from reyna_desktop.store import Store
    from reyna_desktop.store.sync_state import BLOB
    from reyna_desktop.sync import Sync
    from tests.store.data.cjk_texts import KUANGREN_RIJI, LUNYU_XUE_ER

    app = make_application(sys.argv)
    window = build_window(temp / "data", sample=False)
    window.resize(1380, 860)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    store, model = window.store, window.tree_model

    def wait(predicate: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.02)

    def settle(seconds: float = 0.5) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def row(parent, name):
        if model.canFetchMore(parent):
            model.fetchMore(parent)
        wait(lambda: any(model.index(r, 0, parent).data(RowRole).name == name for r in range(model.rowCount(parent))),
             name)
        return next(model.index(r, 0, parent) for r in range(model.rowCount(parent))
                    if model.index(r, 0, parent).data(RowRole).name == name)

    # -- the Chinese book's counts ------------------------------------------------------------
    book = store.buckets.create("狂人日记", "book", metadata={"language": "zh", "author": "鲁迅", "target_words": 20000,
                                                          "daily_target_words": 500})
    for number, text in (("第一章", KUANGREN_RIJI), ("第二章", LUNYU_XUE_ER)):
        chapter = store.buckets.create(number, "chapter", parent_id=book.id)
        store.blobs.create({"content": text}, bucket_ids=[chapter.id], title=number)
    english = store.buckets.create("The Lighthouse", "book", metadata={"language": "en"})
    chapter = store.buckets.create("Chapter 1", "chapter", parent_id=english.id)
    blob = store.blobs.create({"content": CHAPTER_ONE}, bucket_ids=[chapter.id], title="Chapter 1")
    book_index = row(model.index(-1, -1), "狂人日记")
    window.tree.expand(book_index)
    first = row(book_index, "第一章")
    window.tree.expand(first)
    window.stats_dock.show()
    window.tree.setCurrentIndex(book_index)
    wait(lambda: window.stats.loaded is not None and window.stats.loaded.bucket_id == book.id, "stats")
    window.editor.open_blob(store.blobs.in_bucket(store.buckets.children(book.id)[0].id)[0].id)
    wait(lambda: window.words_label.text().endswith("characters"), "the status bar count")
    wait(lambda: "characters" in window.goals_label.text(), "the goals line")
    settle(1.0)
    count_rect = window.tree.visualRect(first.siblingAtColumn(1))
    QToolTip.showText(window.tree.viewport().mapToGlobal(count_rect.center() + QPoint(0, 4)),
                      first.siblingAtColumn(1).data(Qt.ItemDataRole.ToolTipRole), window.tree)
    settle(0.5)
    screen = QApplication.primaryScreen()
    frame = window.frameGeometry()
    shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())  # the tooltip is its own window
    path = OUT / "counts-characters.png"
    shot.save(str(path), "PNG")
    print(f"saved {path} ({path.stat().st_size // 1024} KB)")
    QToolTip.hideText()
    window.stats_dock.hide()

    # -- sync with a second store playing the laptop -------------------------------------------
    shared = temp / "Sync" / "novel"
    dialog = window.open_sync()
    dialog.use_folder(str(shared))
    wait(lambda: window.sync_label.text().startswith("Synced"), "the first exchange")
    laptop = Store.open(temp / "laptop")
    laptop_sync = Sync.init(laptop, shared)
    laptop_sync.now()
    laptop_blob = laptop_sync.state.local_id(BLOB, blob.id)
    assert laptop_blob is not None
    laptop.blobs.update_text(laptop_blob, FROM_LAPTOP)
    laptop_sync.now()
    window.tree.setCurrentIndex(row(row(model.index(-1, -1), "The Lighthouse"), "Chapter 1"))
    window.editor.open_blob(blob.id)
    dialog.sync_now_button.click()
    wait(lambda: window.editor.draft.text == FROM_LAPTOP, "the laptop's edit in the editor")
    wait(lambda: len(dialog.device_lines()) == 1, "the laptop in the dialog")
    settle(1.0)
    dialog.adjustSize()
    dialog.move(window.geometry().center() - dialog.rect().center())
    settle(0.5)
    frame = window.frameGeometry()  # the dialog over the window: the status bar and the editor show it too
    shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    path = OUT / "sync-dialog.png"
    shot.save(str(path), "PNG")
    print(f"saved {path} ({path.stat().st_size // 1024} KB)")
    laptop.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
