"""Issue 10's features, driven through the window's real widgets offscreen (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from reyna_desktop.gui.tree_model import RowRole
from tests.gui.helpers import ask_in_chat
from tests.gui.test_main_window import make_window, open_path

__all__ = ["make_window"]  # fixture used by name


def menu_action(menu: QMenu, *path: str):
    """The action at this path of (sub)menu texts, e.g. ("Process with", "Expand text")."""
    for text in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text() == text)
    return next(a for a in menu.actions() if a.text() == path[-1])


def test_process_with_on_a_chapter_queues_a_job_per_draft(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    window.tree.create_from_template("book", "Novel", None)
    chapter = open_path(qtbot, window.tree_model, "Novel", "Part One", "Chapter 1")
    chapter_id = chapter.data(RowRole).id
    drafts = [store.blobs.create({"content": f"Draft {i}. The rain fell."}, bucket_ids=[chapter_id]).id
              for i in range(3)]
    menu = window.tree.build_menu(chapter)
    queued: list = []
    store.bus.subscribe("job.queued", queued.append)
    menu_action(menu, "Process with", "Expand text").trigger()
    qtbot.waitUntil(lambda: "3 job(s) queued" in window.statusBar().currentMessage(), timeout=20000)
    assert sorted(e.payload["input"]["blob_id"] for e in queued) == sorted(drafts)
    panel = window.jobs_panel
    assert window.jobs_dock.isVisible()
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 1 and panel.tree.topLevelItem(0).childCount() == 3,
                    timeout=10000)
    assert panel.tree.topLevelItem(0).text(0) == "text-expansion on Chapter 1 (3 job(s))"
    for job in window.jobs.runner.jobs():
        window.jobs.runner.cancel(job.id)  # no need to run the model here


def test_auto_processors_set_in_properties_fire_for_a_blob_the_cli_adds(qtbot, make_window, private_dirs) -> None:
    import json
    import subprocess
    import sys

    window = make_window(sample=False)
    store = window.store
    folder = store.buckets.create("Notes", "folder")
    window._show_properties(store.buckets.get(folder.id))
    dialog = window._properties
    qtbot.addWidget(dialog)
    dialog.auto["style-analyzer"].setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: store.buckets.get(folder.id).auto_processors == ["style-analyzer"], timeout=5000)
    qtbot.waitUntil(lambda: window.jobs._runner is not None, timeout=10000)
    done = subprocess.run([sys.executable, "-m", "reyna_desktop.cli", "--data-dir", str(private_dirs), "--json",
                           "blob", "add", "--text", "Said in a terminal. Short.", "--bucket", folder.id],
                          capture_output=True, text=True, check=True)
    blob_id = json.loads(done.stdout)["id"]
    qtbot.waitUntil(lambda: any(j.input == {"blob_id": blob_id} and j.state == "succeeded"
                                for j in window.jobs.runner.jobs()), timeout=15000)
    assert [d.schema_id for d in store.blobs.derived(blob_id)] == ["style-analysis-v1"]


def test_conversations_as_a_tree_with_attachment_and_alternatives(qtbot, make_window) -> None:
    from PySide6.QtCore import QUrl

    from reyna_desktop.processors.chat import create_conversation, start_thread

    window = make_window(sample=False)
    store = window.store
    book = store.templates.instantiate("book", "Novel")
    album = store.buckets.create("Album", "album")
    folder = store.buckets.create("Chats", "folder")
    conversation = create_conversation(store, "Plot talk", attached_bucket_id=book.id, parent_id=folder.id)
    question = store.blobs.create({"content": "Who is Mara?", "role": "user", "sender_id": "me"},
                                  schema_id="message-v1", bucket_ids=[conversation.id])
    reply = store.blobs.create({"content": "The first answer.", "role": "assistant", "sender_id": "assistant",
                                "reply_to": question.id},
                               schema_id="message-v1", bucket_ids=[conversation.id], parent_id=question.id)
    store.blobs.update(reply.id, {**store.blobs.data(reply.id), "content": "The regenerated answer."})
    thread = start_thread(store, reply.id, "Side thread")
    chat = window.chat
    chat.refresh_conversations()
    qtbot.waitUntil(lambda: chat.list.topLevelItemCount() == 1, timeout=5000)
    folder_item = chat.list.topLevelItem(0)
    assert folder_item.text(0) == "Chats"
    assert folder_item.child(0).text(0) == "Plot talk" and folder_item.child(0).child(0).text(0) == "Side thread"
    chat.list.setCurrentItem(folder_item.child(0))
    qtbot.waitUntil(lambda: len(chat.messages) == 2, timeout=5000)
    assert chat.attachment.label.text() == "About: Novel"
    text = chat.view.toPlainText()
    assert "The regenerated answer." in text and "2/2" in text
    chat._link(QUrl(f"alt:{reply.id}:0"))
    assert "The first answer." in chat.view.toPlainText() and "1/2" in chat.view.toPlainText()
    chat.attach_to(album.id)
    qtbot.waitUntil(lambda: chat.attachment.label.text() == "About: Album", timeout=5000)
    assert store.buckets.get(conversation.id).metadata["attached_bucket_id"] == album.id
    assert thread.parent_id == conversation.id


@pytest.mark.slow
def test_a_new_conversation_about_the_book_answers_from_its_chapters(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    window.tree.create_from_template("book", "Keeper", None)
    chapter = open_path(qtbot, window.tree_model, "Keeper", "Part One", "Chapter 1")
    draft = store.blobs.create({"content": "Old Tomas keeps the lighthouse on Gull Rock and lights it nightly."},
                               bucket_ids=[chapter.data(RowRole).id])
    book = open_path(qtbot, window.tree_model, "Keeper")
    menu_action(window.tree.build_menu(book), "New conversation about this…").trigger()
    chat = window.chat
    qtbot.waitUntil(lambda: chat.attachment.label.text() == "About: Keeper", timeout=10000)
    assert chat.title.text() == "<b>About Keeper</b>"
    store.buckets.update(chat.conversation_id or "", metadata={"model_settings": {"max_tokens": 24}},
                         merge_metadata=True)
    reply = ask_in_chat(qtbot, chat, "Who keeps the lighthouse?")
    assert [s["blob_id"] for s in reply["sources"]] == [draft.id]


def drop_on(qtbot, view, index, paths) -> None:
    """A drop from the file manager: drag enter, move and drop events on the tree's viewport."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    view.scrollTo(index)
    point = view.visualRect(index).center()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action, buttons, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPointF(point), action, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(QPointF(point), action, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), move)
    assert move.isAccepted()
    QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(point), action, mime, buttons, mods))


def test_files_and_a_folder_dropped_on_a_track_become_blobs(qtbot, make_window, tmp_path) -> None:
    from tests.interchange.media_files import drop_folder

    window = make_window(sample=False)
    store = window.store
    album = store.templates.instantiate("album", "Harbour")
    track_index = open_path(qtbot, window.tree_model, "Harbour", "Tracks", "Track 1")
    track_id = track_index.data(RowRole).id
    with qtbot.waitSignal(window.importer.finished, timeout=20000) as done:
        drop_on(qtbot, window.tree, track_index, drop_folder(tmp_path / "drop"))
    summary = done.args[0]
    schemas = sorted(b.schema_id for b in store.blobs.in_bucket(track_id, recursive=True))
    assert schemas == ["audio-v1", "chordpro-v1", "image-v1", "text-input-v1"]
    (charts,) = store.buckets.children(track_id)
    assert charts.name == "Charts"
    assert [s.reason for s in summary.skipped] == ["unsupported file type '.logicx'"]
    assert window.importer.summary_box is not None and "session.logicx" in window.importer.summary_box.detailedText()
    assert window.statusBar().currentMessage() == "Imported 4 file(s) into 1 new folder bucket(s); skipped 1."
    qtbot.waitUntil(lambda: window.tree_model.index_for_bucket(charts.id).isValid(), timeout=10000)
    assert album.id


def test_a_file_made_in_a_linked_folder_appears_in_the_tree(qtbot, make_window, tmp_path, private_dirs) -> None:
    import subprocess
    import sys

    from reyna_desktop.safety.instance import InstanceLock

    window = make_window(sample=False)
    store = window.store
    folder = tmp_path / "manuscript"
    folder.mkdir()
    (folder / "one.md").write_text("# One\n\nAlready there.\n", encoding="utf-8")
    notes = store.buckets.create("Manuscript", "folder")
    bucket_index = open_path(qtbot, window.tree_model, "Manuscript")
    assert menu_action(window.tree.build_menu(bucket_index), "Link a folder…")
    window.links.link(notes.id, str(folder))  # what the menu's folder dialog hands over
    panel = window.links_panel
    qtbot.waitUntil(lambda: bool(panel.lines()) and "1 file(s), 0 missing" in panel.lines()[0], timeout=10000)
    assert panel.lines()[0].startswith(str(folder.resolve()))
    qtbot.waitUntil(lambda: notes.id in window.tree.linked_buckets, timeout=5000)
    assert menu_action(window.tree.build_menu(bucket_index), "Unlink folder")

    def names() -> list[str]:
        index = window.tree_model.index_for_bucket(notes.id)
        model = window.tree_model
        if model.canFetchMore(index):
            model.fetchMore(index)
        return [model.index(r, 0, index).data(RowRole).name for r in range(model.rowCount(index))]

    qtbot.waitUntil(lambda: names() == ["one"], timeout=10000)
    (folder / "two.md").write_text("# Two\n\nWritten while the window is open.\n", encoding="utf-8")
    qtbot.waitUntil(lambda: sorted(names()) == ["one", "two"], timeout=15000)
    qtbot.waitUntil(lambda: "2 file(s)" in panel.lines()[0], timeout=10000)

    lock = InstanceLock(private_dirs)  # what `reyna-desktop` takes before it opens the window
    assert lock.acquire()
    try:
        done = subprocess.run([sys.executable, "-m", "reyna_desktop.cli", "--data-dir", str(private_dirs), "watch"],
                              capture_output=True, text=True, timeout=60)
    finally:
        lock.release()
    assert done.returncode == 0, done.stderr
    assert "the window is open on this store and already watches its 1 linked folder(s)" in done.stdout


def test_a_tag_edit_with_completion_persists(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    store.buckets.create("Old", "folder", tags=["act-1", "draft"])
    folder = store.buckets.create("Notes", "folder")
    note = store.blobs.create({"content": "A note"}, bucket_ids=[folder.id])
    folder_index = open_path(qtbot, window.tree_model, "Notes")
    qtbot.waitUntil(lambda: window.tree_model.rowCount(folder_index) == 1, timeout=5000)
    note_index = window.tree_model.index(0, 0, folder_index)
    menu_action(window.tree.build_menu(note_index), "Tags…").trigger()
    qtbot.waitUntil(lambda: getattr(window, "tag_dialog", None) is not None, timeout=5000)
    dialog = window.tag_dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.line, "dr")
    popup = dialog.line.completer_.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert dialog.line.completer_.currentCompletion() == "draft"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.line.text() == "draft, "
    qtbot.keyClicks(dialog.line, "scene-2")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    assert store.blobs.get(note.id).tags == ["draft", "scene-2"]
    menu_action(window.tree.build_menu(folder_index), "Tags…").trigger()
    qtbot.waitUntil(lambda: window.tag_dialog is not dialog, timeout=5000)
    window.tag_dialog.line.setText("research")
    with qtbot.waitSignal(window.tag_dialog.saved, timeout=5000):
        window.tag_dialog.save()
    assert store.buckets.get(folder.id).tags == ["research"]


def test_stats_panel_and_writing_goals(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    book = store.templates.instantiate("book", "Goals")
    chapter = open_path(qtbot, window.tree_model, "Goals", "Part One", "Chapter 1")
    chapter_id = chapter.data(RowRole).id
    draft = store.blobs.create({"content": " ".join(["word"] * 120)}, bucket_ids=[chapter_id])
    store.blobs.create({"content": "an expansion"}, bucket_ids=[chapter_id], processor_id="text-expansion")
    store.buckets.update(book.id, metadata={"daily_target_words": 100, "session_target_words": 50},
                         merge_metadata=True)
    window.stats_dock_action.trigger()
    window.tree.setCurrentIndex(chapter)
    panel = window.stats
    # The chapter's words are those of the text that counts (the expansion, as the tree and the
    # compiler count it), not the draft and the expansion added up.
    qtbot.waitUntil(lambda: panel.figures["words"].text() == "2", timeout=10000)
    assert panel.figures["blobs"].text() == "2" and panel.figures["versions"].text() == "2"
    assert panel.figures["processors"].text() == "text-expansion (1)"
    assert panel.heat_map.activity and sum(panel.heat_map.activity.values()) == 2
    assert panel.goals_box.isVisible() and panel.daily.value() == 100
    assert window.goals_label.text() == "Today 120/100 words · session 0/50 · 1-day streak"
    store.blobs.update_text(draft.id, " ".join(["word"] * 150))
    qtbot.waitUntil(lambda: window.goals_label.text() == "Today 150/100 words · session 30/50 · 1-day streak",
                    timeout=10000)
    panel.daily.setValue(500)
    panel.store_targets()
    qtbot.waitUntil(lambda: window.goals_label.text() == "Today 150/500 words · session 30/50 · 0-day streak",
                    timeout=10000)
    assert store.buckets.get(book.id).metadata["daily_target_words"] == 500


def test_a_chordpro_edit_updates_the_preview_transposes_and_saves_a_version(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    track = store.buckets.create("Song", "track")
    source = "{title: Harbour Light}\n{key: G}\n[G]Row the boat, the [C]light is [D]low\n"
    blob = store.blobs.create({"source": source}, schema_id="chordpro-v1", bucket_ids=[track.id])
    window.editor.open_blob(blob.id)
    editor = window.editor.chordpro
    qtbot.waitUntil(lambda: window.editor.currentWidget() is editor and editor.blob_id == blob.id, timeout=5000)
    assert "Harbour Light" in editor.preview.toPlainText() and "Key G" in editor.preview.toPlainText()
    cursor = editor.source.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.source.setTextCursor(cursor)
    qtbot.keyClicks(editor.source, "[Em]Home by the [C]morning")
    qtbot.waitUntil(lambda: "Home by the morning" in editor.preview.toPlainText(), timeout=5000)
    lines = editor.preview.toPlainText().splitlines()
    chords = lines[lines.index("Home by the morning") - 1]
    assert chords.split() == ["Em", "C"] and chords.index("C") == len("Home by the ")
    qtbot.mouseClick(editor.up, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.up, Qt.MouseButton.LeftButton)
    editor.capo.setValue(2)
    qtbot.waitUntil(lambda: "Capo 2 (play G shapes)" in editor.preview.toPlainText(), timeout=5000)
    assert "Key A" in editor.preview.toPlainText()
    assert editor.source.toPlainText().splitlines()[:4] == ["{title: Harbour Light}", "{key: A}", "{capo: 2}",
                                                             "[A]Row the boat, the [D]light is [E]low"]
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert store.blobs.get(blob.id).version == 2
    assert store.blobs.data(blob.id)["source"].endswith("[F#m]Home by the [D]morning")
    assert store.blobs.data(blob.id, 1)["source"] == source
    assert editor.status.text() == "Saved as version 2"


def underlined(editor) -> list[str]:
    """The words the draft's highlighter underlines as misspelt."""
    from PySide6.QtGui import QTextCharFormat

    out = []
    block = editor.document().firstBlock()
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                out.append(block.text()[fmt.start:fmt.start + fmt.length])
        block = block.next()
    return out


def test_a_misspelt_word_is_underlined_and_a_suggestion_replaces_it(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    book = store.templates.instantiate("book", "Spelt")
    chapter = store.buckets.children(store.buckets.children(book.id)[1].id)[0]
    draft = store.blobs.create({"content": "The keeper climbed to the lihgthouse at dusk."}, bucket_ids=[chapter.id])
    window.editor.open_blob(draft.id)
    pane = window.editor.draft
    qtbot.waitUntil(lambda: underlined(pane.editor) == ["lihgthouse"], timeout=10000)
    assert pane.highlighter.spell.tag == "en_US"
    text = pane.editor.toPlainText()
    cursor = pane.editor.textCursor()
    cursor.setPosition(text.index("lihgthouse") + 3)
    point = pane.editor.cursorRect(cursor).center()
    menu = pane.aids.build_menu(point)
    labels = [a.text() for a in menu.actions()]
    assert labels[0] == "lighthouse" and "Add “lihgthouse” to the project dictionary" in labels
    menu.actions()[0].trigger()
    assert pane.editor.toPlainText() == "The keeper climbed to the lighthouse at dusk."
    qtbot.waitUntil(lambda: store.blobs.text(draft.id) == "The keeper climbed to the lighthouse at dusk.",
                    timeout=10000)
    assert underlined(pane.editor) == []


def test_the_draft_is_set_right_to_left_by_its_content(qtbot, make_window) -> None:
    from tests.test_spelling import ARABIC, HEBREW

    window = make_window(sample=False)
    store = window.store
    folder = store.buckets.create("Notes", "folder")
    hebrew = store.blobs.create({"content": f"{HEBREW}\n\n{HEBREW} (Genesis 1:1)"}, bucket_ids=[folder.id])
    english = store.blobs.create({"content": f"A note quoting {ARABIC[:10]} in passing."}, bucket_ids=[folder.id])
    pane = window.editor.draft
    window.editor.open_blob(hebrew.id)
    qtbot.waitUntil(lambda: pane.blob_id == hebrew.id and pane.editor.toPlainText().startswith(HEBREW[:5]),
                    timeout=10000)
    assert pane.editor.document().defaultTextOption().alignment() == Qt.AlignmentFlag.AlignRight
    block = pane.editor.document().findBlockByNumber(2)
    assert block.textDirection() == Qt.LayoutDirection.RightToLeft  # the mixed line still reads right to left
    window.editor.open_blob(english.id)
    qtbot.waitUntil(lambda: pane.blob_id == english.id and pane.editor.toPlainText().startswith("A note"),
                    timeout=10000)
    assert pane.editor.document().defaultTextOption().alignment() == Qt.AlignmentFlag.AlignLeft
    assert pane.editor.document().firstBlock().textDirection() == Qt.LayoutDirection.LeftToRight
