"""Shared pieces of the GUI tests: the window on a temp store, an event-loop stall probe, a big project."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer


class StallProbe(QObject):
    """A 5 ms timer on the UI thread; the longest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


def build_big_project(data_dir: Path, chapters: int = 2000, blobs_per_chapter: int = 5, words: int = 100) -> dict:
    """A 1,000,000-word book by default: one part of `chapters` chapters, each with drafts of `words` words."""
    from reyna_desktop.store import Store

    filler = " ".join(["word"] * (words - 2))
    with Store.open(data_dir) as store, store.transaction():
        book = store.buckets.create("Big Book", "book", metadata={"target_words": chapters * blobs_per_chapter * words})
        part = store.buckets.create("All chapters", "part", parent_id=book.id)
        for i in range(chapters):
            chapter = store.buckets.create(f"Chapter {i + 1}", "chapter", parent_id=part.id,
                                           metadata={"target_words": blobs_per_chapter * words})
            for j in range(blobs_per_chapter):
                store.blobs.create({"content": f"Scene {j} {filler}"}, bucket_ids=[chapter.id])
    return {"book": book.id, "part": part.id}


def ask_in_chat(qtbot, chat, question: str) -> dict:
    """Type a question in the chat pane, press Send, and return the reply once it is stored."""
    from PySide6.QtCore import Qt

    chat.input.setPlainText(question)
    qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.job_id not in (None, "pending"), timeout=30000)
    qtbot.waitUntil(lambda: chat.job_id is None, timeout=180000)
    qtbot.waitUntil(lambda: any(m["role"] == "assistant" for m in chat.messages), timeout=10000)
    reply = next(m for m in chat.messages if m["role"] == "assistant")
    assert reply["content"].strip()
    return reply
