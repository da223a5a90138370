"""The window with the real default model: expansion streams into the right pane, Stop, chat with sources.
Short max_tokens keep these quick; the model is the bundled Gemma 3 270M, loaded on first use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reyna_desktop.gui import workers
from tests.gui.helpers import StallProbe, ask_in_chat

pytestmark = pytest.mark.slow


@pytest.fixture
def window(qtbot, private_dirs: Path) -> Iterator:
    from reyna_desktop.gui.app import build_window

    made = build_window(private_dirs, sample=False)
    qtbot.addWidget(made)
    made.show()
    yield made
    made.close()
    workers.wait_idle()
    made.store.close()


def chapter_with_draft(store, text: str):
    book = store.templates.instantiate("book", "Model Book")
    chapter = store.buckets.children(store.buckets.children(book.id)[1].id)[0]
    return store.blobs.create({"content": text}, bucket_ids=[chapter.id])


def test_expansion_streams_into_the_right_pane_without_stalls(qtbot, window) -> None:
    text = "The keeper climbed the hundred stairs at dusk. The great lamp was dark and cold."
    draft = chapter_with_draft(window.store, text)
    window.editor.open_blob(draft.id)
    pane = window.editor.expanded
    qtbot.waitUntil(lambda: pane.source_id == draft.id and pane.expand_button.isEnabled(), timeout=10000)
    pane.extra_params = {"max_tokens": 48}
    seen: list[str] = []
    window.jobs.partial.connect(lambda job, delta, text: seen.append(text))
    probe = StallProbe()
    probe.start()
    qtbot.mouseClick(pane.expand_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=120000)
    qtbot.waitUntil(lambda: pane.job_id is None, timeout=120000)
    qtbot.waitUntil(lambda: pane.expanded_id is not None, timeout=10000)  # the pane loads the stored result
    longest = probe.stop()
    print(f"\nstreamed {len(seen)} partial updates; longest stall while generating {longest * 1000:.0f} ms")
    assert pane.view.toPlainText().strip()
    # The figure (target < 100 ms) is printed above and kept in the README; the test bounds it far
    # enough from the target that other jobs on the machine cannot fail it, near enough to catch
    # a query run on the UI thread (seconds on this project).
    assert longest < 1.0


def test_stop_keeps_the_partial_text(qtbot, window) -> None:
    draft = chapter_with_draft(window.store, "Rain hammered the harbour wall while the boats came in one by one.")
    window.editor.open_blob(draft.id)
    pane = window.editor.expanded
    qtbot.waitUntil(lambda: pane.source_id == draft.id and pane.expand_button.isEnabled(), timeout=10000)
    pane.extra_params = {"max_tokens": 400}
    qtbot.mouseClick(pane.expand_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(pane.view.toPlainText()) > 10 and pane.job_id not in (None, "pending"),
                    timeout=120000)
    qtbot.mouseClick(pane.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.job_id is None, timeout=60000)
    assert pane.status.text().startswith("Stopped"), pane.status.text()
    assert pane.view.toPlainText().strip()
    assert window.store.blobs.text(draft.id).startswith("Rain hammered")


def test_chat_reply_streams_with_sources(qtbot, window) -> None:
    from reyna_desktop.processors.chat import create_conversation

    store = window.store
    draft = chapter_with_draft(store, "Mara keeps the lighthouse on the island of Skerry.")
    book_id = store.buckets.get(draft.bucket_ids[0]).ancestor_ids[0]
    conversation = create_conversation(store, "About the book", attached_bucket_id=book_id)
    store.buckets.update(conversation.id, metadata={"model_settings": {"max_tokens": 40}}, merge_metadata=True)
    chat = window.chat
    chat.refresh_conversations()
    chat.open_conversation(conversation.id)
    reply = ask_in_chat(qtbot, chat, "Who keeps the lighthouse?")
    assert reply["sources"], "the reply should cite the draft it used"
    html = chat.view.toHtml()
    assert f"quote:{reply['id']}:0" in html
    with qtbot.waitSignal(window.editor.blob_opened, timeout=10000):
        chat._link(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl(f"quote:{reply['id']}:0"))
    # the chapter opens at the quote: its sentence is selected in the draft editor
    qtbot.waitUntil(lambda: "Mara keeps the lighthouse" in window.editor.draft.editor.textCursor().selectedText(),
                    timeout=10000)


def _row(panel, job_id: str):
    for index in range(panel.tree.topLevelItemCount()):
        item = panel.tree.topLevelItem(index)
        if item.data(0, Qt.ItemDataRole.UserRole) == job_id:
            return item
    return None


def test_jobs_panel_cancels_shows_failures_and_retries(qtbot, window) -> None:
    panel = window.jobs_panel
    window.jobs_dock.show()
    long_draft = chapter_with_draft(window.store, "The tide came in over the causeway while the keeper slept. " * 3)
    submitted: list = []
    window.jobs.submit("text-expansion", {"blob_id": long_draft.id}, {"max_tokens": 400}, on_done=submitted.append)
    qtbot.waitUntil(lambda: bool(submitted), timeout=30000)
    running = submitted[0].id
    qtbot.waitUntil(lambda: _row(panel, running) is not None and _row(panel, running).text(1) == "running",
                    timeout=60000)
    panel.tree.setCurrentItem(_row(panel, running))
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row(panel, running) is not None and _row(panel, running).text(1) == "cancelled",
                    timeout=10000)

    short = chapter_with_draft(window.store, "Too short to expand.")
    submitted.clear()
    window.jobs.submit("text-expansion", {"blob_id": short.id}, {"max_tokens": 12}, on_done=submitted.append)
    qtbot.waitUntil(lambda: bool(submitted), timeout=30000)
    failing = submitted[0].id
    qtbot.waitUntil(lambda: _row(panel, failing) is not None and _row(panel, failing).text(1) == "failed",
                    timeout=60000)
    assert "at least 10" in _row(panel, failing).text(3)  # the reason is shown beside the job
    window.store.blobs.update_text(short.id, "Now the draft is long enough: the keeper wakes and runs to the lamp.")
    panel.tree.setCurrentItem(_row(panel, failing))
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row(panel, failing) is not None and _row(panel, failing).text(1) == "succeeded",
                    timeout=60000)


def test_a_new_model_setting_applies_to_the_next_job_without_a_restart(qtbot, window, tmp_path: Path) -> None:
    draft = chapter_with_draft(window.store, "The keeper counted the ships as they passed the point at dawn.")
    missing = tmp_path / "not-here.gguf"

    def run_expansion() -> object:
        submitted: list = []
        window.jobs.submit("text-expansion", {"blob_id": draft.id}, {"max_tokens": 8}, on_done=submitted.append)
        qtbot.waitUntil(lambda: bool(submitted), timeout=30000)
        job_id = submitted[0].id
        qtbot.waitUntil(lambda: window.jobs.runner.get(job_id).state in ("succeeded", "failed"), timeout=60000)
        return window.jobs.runner.get(job_id)

    for model_path, expected in ((str(missing), "failed"), ("", "succeeded")):
        dialog = window.open_settings()
        qtbot.addWidget(dialog)
        dialog.model_path.setText(model_path)
        assert dialog.validate()
        dialog.save()
        job = run_expansion()
        assert job.state == expected, job.error
        if expected == "failed":
            assert str(missing) in (job.error or "")


def test_the_style_list_is_the_processors_and_a_chosen_style_expands(qtbot, window) -> None:
    from reyna_desktop.processors.expansion_styles import STYLES

    pane = window.editor.expanded
    offered = [(pane.style_box.itemText(i), pane.style_box.itemData(i)) for i in range(pane.style_box.count())]
    assert offered == [(s.label, s.id) for s in STYLES]
    draft = chapter_with_draft(window.store, "The keeper climbed the stairs at dusk. The great lamp was dark and cold.")
    window.editor.open_blob(draft.id)
    qtbot.waitUntil(lambda: pane.source_id == draft.id and pane.expand_button.isEnabled(), timeout=10000)
    pane.style_box.setCurrentIndex(pane.style_box.findData("dialogue"))
    pane.extra_params = {"candidates": 1}
    assert pane.params()["style"] == "dialogue"
    qtbot.mouseClick(pane.expand_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.job_id is None and pane.expanded_id is not None, timeout=240000)
    data = window.store.blobs.data(pane.expanded_id)
    assert data["style"] == "dialogue" and "The great lamp was dark and cold." in data["expanded"]
