"""`python -m reyna_desktop`: open the store, make the sample project on first run, show the window.

qasync runs asyncio on the Qt loop; store queries, model calls and compiles run on worker threads.
The default model loads on the first job, not here.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reyna_desktop import paths
from reyna_desktop.gui.forms import fill
from reyna_desktop.safety.instance import InstanceLock

translate = QCoreApplication.translate  # lupdate extracts translate("app", ...) calls

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reyna-desktop")
    parser.add_argument("--data-dir", help="the store's folder (default: REYNA_DATA_DIR or the per-user data dir)")
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    args, _qt = parser.parse_known_args(argv[1:])
    return args


def make_application(argv: list[str]) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    # Worker threads run Python too; a short switch interval lets the UI thread take the GIL back
    # quickly each time Qt calls into a Python model method.
    sys.setswitchinterval(0.001)
    app = QApplication(argv)
    app.setApplicationName("Reyna")
    app.setOrganizationName("Reyna")
    app.setStyle("Fusion")  # follows the system's light or dark scheme on every platform
    from reyna_desktop.gui.theme import follow_system

    follow_system(app)
    return app


def recover_journal(window: Any) -> None:
    """Offer back any text that was typed but not saved when the app last stopped."""
    from reyna_desktop.gui import workers

    workers.submit(window.journal.pending, window.store, on_done=partial(_offer_recovery, window),
                   on_error=lambda exc: window.show_message(
                       fill(translate("app", "The recovery journal could not be read: %1"), exc)))


def _offer_recovery(window: Any, entries: list[Any]) -> None:
    from reyna_desktop.gui import workers

    if not entries:
        return
    answer = QMessageBox.question(
        window, translate("app", "Recover unsaved text"),
        translate("app", "Reyna stopped before saving %n text(s). Restore them as new versions? "
                  "(The saved versions stay in the history.)", "", len(entries)))
    for entry in entries:
        if answer == QMessageBox.StandardButton.Yes:
            workers.submit(window.journal.recover, window.store, entry,
                           on_done=lambda blob: window.show_message(fill(translate("app", "Recovered “%1”"),
                                                                         blob.title)),
                           on_error=lambda exc: window.show_message(fill(translate("app", "Recovery failed: %1"), exc)))
        else:
            window.journal.clear(entry.blob_id)


def build_window(data_dir: Path | None = None, *, sample: bool = True) -> Any:
    """Open the store and make the window (the QApplication must exist). Used by run() and tests."""
    from reyna_desktop.gui import workers
    from reyna_desktop.gui.main_window import MainWindow
    from reyna_desktop.settings import load_settings
    from reyna_desktop.store import Store

    sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
    settings = load_settings()
    folder = paths.resolve_data_dir(data_dir or settings.data_dir or None)
    store = Store.open(folder)
    window = MainWindow(store, settings)
    if sample:
        from reyna_desktop.sample import ensure_sample_project

        workers.submit(ensure_sample_project, store, on_done=partial(_open_first, window),
                       on_error=lambda exc: window.show_message(
                           fill(translate("app", "The sample project could not be made: %1"), exc)))
    return window


def _open_first(window: Any, made: list[Any]) -> None:
    if not made:
        return
    book = made[0]

    def select(loaded_id: Any) -> None:
        if window.tree.select_bucket(book.id):
            window.tree.expand(window.tree.currentIndex())
            window.tree_model.loaded.disconnect(select)

    window.tree_model.loaded.connect(select)
    window.chat.refresh_conversations()


def run(argv: list[str]) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    import qasync

    from reyna_desktop.gui.crash import CrashHandler, setup_logging

    app = make_application(argv)
    data_dir = paths.resolve_data_dir(args.data_dir)
    paths.ensure_private_dir(data_dir)
    log_file = setup_logging(data_dir)
    lock = InstanceLock(data_dir)
    if not lock.acquire():
        QMessageBox.warning(None, translate("app", "Reyna is already open"),
                            fill(translate("app", "This store is open in another window: %1."),
                                 lock.holder()))
        return 1
    window = build_window(data_dir)
    crash = CrashHandler(log_file, save_text=window.editor.draft._journal_now,
                         show=lambda text: QMessageBox.critical(window, translate("app", "Unexpected error"), text))
    crash.install()

    def painted() -> None:
        if os.environ.get("REYNA_REPORT_STARTUP"):
            print(f"first-paint {time.perf_counter() - started:.3f}", flush=True)
        recover_journal(window)
        if args.quit_after_paint:
            QTimer.singleShot(300, window.close)

    window.first_paint_callbacks.append(painted)
    window.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    app.lastWindowClosed.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    window.store.close()
    lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv))
