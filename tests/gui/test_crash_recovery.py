"""The app process is killed with SIGKILL while text is typed but not yet autosaved; the next
start offers that text back and saves it as a new version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reyna_desktop.gui import workers
from reyna_desktop.store import Store

TYPIST = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from reyna_desktop.gui.app import build_window

app = QApplication(sys.argv)
window = build_window(sys.argv[1], sample=False)
window.show()
blob_id = sys.argv[2]
window.editor.open_blob(blob_id)
draft = window.editor.draft

def type_when_open():
    if draft.blob_id != blob_id or not draft.isEnabled():
        QTimer.singleShot(50, type_when_open)
        return
    draft.autosave.setInterval(600000)  # the kill comes long before an autosave would
    draft.editor.moveCursor(draft.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(draft.editor, " And then the lamp went out.")
    wait_for_journal()

def wait_for_journal():
    if window.journal.pending(window.store):
        print("JOURNALED", flush=True)
    else:
        QTimer.singleShot(50, wait_for_journal)

QTimer.singleShot(0, type_when_open)
app.exec()
"""


@pytest.mark.slow
def test_typed_text_survives_sigkill_of_the_app(qtbot, private_dirs: Path) -> None:
    with Store.open(private_dirs) as store:
        chapter = store.buckets.create("Chapter", "chapter")
        blob_id = store.blobs.create({"content": "The lamp was lit."}, bucket_ids=[chapter.id]).id
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", TYPIST, str(private_dirs), blob_id],
                             stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "JOURNALED"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    with Store.open(private_dirs) as store:
        assert store.blobs.text(blob_id) == "The lamp was lit."  # never autosaved
        assert store.check().ok

    from reyna_desktop.gui.app import build_window, recover_journal

    window = build_window(private_dirs, sample=False)
    qtbot.addWidget(window)
    window.show()
    answered: list[str] = []

    def answer_yes() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QMessageBox):
            answered.append(dialog.text())
            dialog.button(QMessageBox.StandardButton.Yes).click()

    poll = QTimer()  # answers the real "Recover unsaved text" question when it appears
    poll.timeout.connect(answer_yes)
    poll.start(50)
    recover_journal(window)
    qtbot.waitUntil(lambda: window.store.blobs.text(blob_id) == "The lamp was lit. And then the lamp went out.",
                    timeout=15000)
    poll.stop()
    assert len(answered) == 1 and "before saving 1 text" in answered[0]
    history = window.store.blobs.history(blob_id)
    assert [v.version for v in history] == [2, 1]  # the recovered text is a new version; the old one stays
    assert window.journal.pending(window.store) == []
    window.close()
    workers.wait_idle()
    window.store.close()
