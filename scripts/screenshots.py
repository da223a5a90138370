"""Screenshots of the real window on a temp store with the sample project, for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py

Saves main-window.png (the sample book), expansion-streaming.png (the right pane while the
default model writes), chat.png (a reply with its sources, its quote opened in the chapter)
and dark-mode.png. Also prints the cold-start figure: process start to the first painted window.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py --features

saves import.png (files dropped on a track, the summary of what was skipped), stats-goals.png
(the stats panel and writing goals) and chordpro-editor.png (transposed, capo 2); no model runs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))


def main() -> int:
    temp = Path(tempfile.mkdtemp(prefix="reyna-shots-"))
    os.environ["REYNA_DATA_DIR"] = str(temp / "data")
    os.environ["REYNA_CONFIG_DIR"] = str(temp / "config")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication

    from reyna_desktop.gui.app import build_window, make_application
    from reyna_desktop.gui.tree_model import RowRole

    dark = "--dark" in sys.argv
    app = make_application(sys.argv)
    if dark:
        from reyna_desktop.gui.theme import apply_scheme

        QGuiApplication.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        apply_scheme(app, Qt.ColorScheme.Dark)  # Xvfb has no platform theme to do it
    window = build_window(temp / "data")
    window.resize(1380, 860)
    painted: dict[str, float] = {}
    window.first_paint_callbacks.append(lambda: painted.setdefault("t", time.perf_counter() - STARTED))
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    model, tree = window.tree_model, window.tree

    def save(name: str) -> None:
        path = OUT / name
        window.grab().save(str(path), "PNG")
        print(f"saved {path} ({path.stat().st_size // 1024} KB)")

    def find(parent, name):
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(RowRole).name.startswith(name):
                return index
        return None

    def wait_for(predicate, then, timeout=120.0):
        deadline = time.monotonic() + timeout

        def poll():
            if predicate():
                then()
            elif time.monotonic() > deadline:
                print("timed out waiting", file=sys.stderr)
                app.quit()
            else:
                QTimer.singleShot(50, poll)

        poll()

    def open_chapter():
        book = model.index(0, 0)
        tree.expand(book)
        wait_for(lambda: find(book, "Part One") is not None, lambda: expand_part(book))

    def expand_part(book):
        part = find(book, "Part One")
        tree.expand(part)
        wait_for(lambda: model.rowCount(part) > 0, lambda: pick_chapter(part))

    def pick_chapter(part):
        tree.expand(model.index(0, 0, part))
        tree.setCurrentIndex(model.index(0, 0, part))
        wait_for(lambda: window.editor.draft.blob_id is not None and window.editor.draft.isEnabled(),
                 lambda: QTimer.singleShot(600, shot_main))

    def shot_main():
        if dark:
            save("dark-mode.png")
            app.quit()
            return
        save("main-window.png")
        pane = window.editor.expanded
        pane.extra_params = {"max_tokens": 160}
        pane.expand()
        wait_for(lambda: len(pane.view.toPlainText()) > 250 or (pane.job_id is None and pane.expanded_id),
                 lambda: (save("expansion-streaming.png"), wait_for(lambda: pane.job_id is None, chat, timeout=600)))

    def chat():
        pane = window.chat
        wait_for(lambda: pane.conversation_id is not None, lambda: ask(pane))

    def ask(pane):
        store = window.store
        store.buckets.update(pane.conversation_id, metadata={"model_settings": {"max_tokens": 60}}, merge_metadata=True)
        pane.input.setPlainText("Who keeps the lighthouse, and what did she find?")
        pane.send()
        wait_for(lambda: pane.job_id is None and any(m["role"] == "assistant" for m in pane.messages),
                 lambda: open_quote(pane), timeout=600)  # a loaded 2-core machine is slow

    def open_quote(pane):
        """Follow the reply's first quote: its chapter opens with the quoted sentences selected."""
        from PySide6.QtCore import QUrl

        reply = next(m for m in pane.messages if m["role"] == "assistant")
        if reply.get("sources"):
            pane._link(QUrl(f"quote:{reply['id']}:0"))
        draft = window.editor.draft.editor
        wait_for(lambda: not reply.get("sources") or draft.textCursor().hasSelection(),
                 lambda: QTimer.singleShot(400, lambda: (save("chat.png"), app.quit())), timeout=20.0)

    def features():
        """Import, stats and goals, the ChordPro editor (issue 10), one after the other."""
        from tests.interchange.media_files import CHART, write_png, write_wav

        store = window.store
        drop = temp / "From the file manager"
        drop.mkdir()
        (drop / "verse ideas.md").write_text("# Verse ideas\n\nThe gulls, the rope, the tide.\n", encoding="utf-8")
        (drop / "harbour lights.cho").write_text(CHART, encoding="utf-8")
        write_wav(drop / "bounce v3.wav", seconds=2.0)
        write_png(drop / "cover sketch.png", 64, 64)
        (drop / "session.logicx").write_bytes(b"a DAW project")
        album = store.buckets.all(type="album")[0]
        track = store.buckets.all(type="track")[0]
        window.importer.finished.connect(lambda _s: QTimer.singleShot(300, lambda: show_track(album, track)))
        window.importer.start(track.id, [str(p) for p in sorted(drop.iterdir())])

        def show_track(album, track):
            tracks = store.buckets.get(track.parent_id or album.id)
            tree.expand(model.index_for_bucket(album.id))
            wait_for(lambda: model.index_for_bucket(tracks.id).isValid(),
                     lambda: (tree.expand(model.index_for_bucket(tracks.id)),
                              wait_for(lambda: tree.select_bucket(track.id), lambda: open_track(track))))

        def open_track(track):
            tree.expand(model.index_for_bucket(track.id))
            QTimer.singleShot(1200, lambda: (screen_shot("import.png"), stats_and_goals()))

        def stats_and_goals():
            if window.importer.summary_box is not None:
                window.importer.summary_box.close()
            book = store.buckets.all(type="book")[0]
            store.buckets.update(book.id, metadata={"daily_target_words": 120, "session_target_words": 60},
                                 merge_metadata=True)
            window.stats_dock.show()
            window.chat_action.setChecked(False)
            tree.select_bucket(book.id)
            QTimer.singleShot(1500, lambda: (save("stats-goals.png"), chordpro_editor()))

        def chordpro_editor():
            window.stats_dock.hide()
            chart = next(b for b in store.blobs.in_bucket(album.id, recursive=True) if b.schema_id == "chordpro-v1")
            window.editor.open_blob(chart.id)
            editor = window.editor.chordpro
            wait_for(lambda: editor.blob_id == chart.id, lambda: transpose(editor))

        def transpose(editor):
            editor.transpose(2)
            editor.capo.setValue(2)
            QTimer.singleShot(600, lambda: (save("chordpro-editor.png"), app.quit()))

    def screen_shot(name: str) -> None:
        """The whole screen: the import summary is a window of its own."""
        path = OUT / name
        QGuiApplication.primaryScreen().grabWindow(0).copy(0, 0, 1400, 900).save(str(path), "PNG")
        print(f"saved {path} ({path.stat().st_size // 1024} KB)")

    start = features if "--features" in sys.argv else open_chapter
    wait_for(lambda: model.rowCount() >= 3 and model.index(0, 0).data(RowRole).type == "book", start)
    app.exec()
    print(f"cold start to first painted window: {painted.get('t', float('nan')):.3f} s")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
