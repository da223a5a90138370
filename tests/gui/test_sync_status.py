"""Sync in the window (gui/sync_status.py, gui/sync_dialog.py): a real shared folder in tmp_path and a
second store playing the other machine."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from reyna_desktop.store import Store
from reyna_desktop.store.sync_state import BLOB
from reyna_desktop.store.text import word_count
from reyna_desktop.sync import Sync
from tests.gui.test_main_window import make_window

__all__ = ["make_window"]  # fixture used by name

FIRST = "The rain came at night."
FROM_B = "The rain came at night. On the laptop, Mara opened the door."


def test_set_the_folder_in_the_dialog_and_take_in_the_other_machines_edit(qtbot, make_window,
                                                                          tmp_path: Path) -> None:
    window = make_window(sample=False)
    store = window.store
    label = window.sync_label
    assert label.text() == "Not syncing"
    book = store.buckets.create("Novel", "book")
    chapter = store.buckets.create("Chapter 1", "chapter", parent_id=book.id)
    blob = store.blobs.create({"content": FIRST}, bucket_ids=[chapter.id])
    window.editor.open_blob(blob.id)
    qtbot.waitUntil(lambda: window.editor.draft.text == FIRST, timeout=5000)

    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)  # the label opens the dialog
    dialog = window.sync_dialog
    qtbot.addWidget(dialog)
    assert not dialog.sync_now_button.isEnabled()
    shared = tmp_path / "shared"
    dialog.use_folder(str(shared))
    qtbot.waitUntil(lambda: label.text().startswith("Synced"), timeout=15000)
    assert label.text() == "Synced just now"
    assert dialog.choose_button.text() == "Change folder…"
    qtbot.waitUntil(lambda: dialog.folder.text() == str(shared.resolve()), timeout=5000)
    assert "dv_" in dialog.device.text() and dialog.no_devices.isVisible()
    qtbot.waitUntil(lambda: dialog.waiting.text() == "0 local change(s) to send · 0 blob(s) waiting for their content",
                    timeout=5000)

    # Machine B joins the folder, takes the book in and edits the chapter.
    other = Store.open(tmp_path / "machine-b")
    other_sync = Sync.init(other, shared)
    other_sync.now()
    other_blob = other_sync.state.local_id(BLOB, blob.id)
    assert other_blob is not None and other.blobs.text(other_blob) == FIRST
    other.blobs.update_text(other_blob, FROM_B)
    other_sync.now()

    qtbot.mouseClick(dialog.sync_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor.draft.text == FROM_B, timeout=15000)  # the open draft reloaded
    qtbot.waitUntil(lambda: window.tree_model.bucket_words(chapter.id) == word_count(FROM_B), timeout=10000)
    qtbot.waitUntil(lambda: label.text() == "Synced just now", timeout=5000)
    assert store.blobs.get(blob.id).version == 2  # the merge is a version
    qtbot.waitUntil(lambda: len(dialog.device_lines()) == 1, timeout=5000)
    line = dialog.device_lines()[0]
    assert other_sync.device_id in line and "| 0 |" in line  # read, nothing waiting
    assert "read 1 file(s) from other devices" in dialog.last.text() and "changed here: 1 blob(s)" in dialog.last.text()

    # A save here goes out a moment later without "Sync now".
    window.sync_service.after_change.setInterval(50)
    draft = window.editor.draft
    draft.autosave.setInterval(50)
    draft.editor.moveCursor(draft.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(draft.editor, " Typed on A.")
    qtbot.waitUntil(lambda: other_sync.now() is not None and other.blobs.text(other_blob).endswith("Typed on A."),
                    timeout=15000)
    other.close()


def test_a_missing_folder_is_said_plainly_and_sync_can_stop(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(sample=False)
    window.store.buckets.create("Novel", "book")
    dialog = window.open_sync()
    qtbot.addWidget(dialog)
    (tmp_path / "a-file").write_text("in the way")
    dialog.use_folder(str(tmp_path / "a-file"))  # not a folder
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "not a folder" in dialog.error.text()
    assert window.sync_label.text() == "Not syncing"

    shared = tmp_path / "usb-stick"
    dialog.use_folder(str(shared))
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("Synced"), timeout=15000)
    assert not dialog.error.isVisible()
    shared.rename(tmp_path / "unplugged")  # the stick is pulled out
    dialog.sync_now_button.click()
    qtbot.waitUntil(lambda: window.sync_label.text() == "Sync: folder missing", timeout=15000)
    assert dialog.error.isVisible() and "is it mounted?" in dialog.error.text()
    assert "is it mounted?" in window.sync_label.toolTip()

    (tmp_path / "unplugged").rename(shared)  # back again
    dialog.sync_now_button.click()
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("Synced"), timeout=15000)
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: window.sync_label.text() == "Not syncing", timeout=15000)
    assert not Sync.configured(window.store)
    assert dialog.choose_button.text() == "Choose folder…" and not dialog.stop_button.isEnabled()


def test_the_window_syncs_at_start_when_the_store_syncs(qtbot, make_window, private_dirs: Path,
                                                        tmp_path: Path) -> None:
    with Store.open(private_dirs) as store:
        Sync.init(store, tmp_path / "shared")
        store.buckets.create("Written before the window opened", "book")
    window = make_window(sample=False)
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("Synced"), timeout=15000)
    other = Store.open(tmp_path / "machine-b")
    Sync.init(other, tmp_path / "shared").now()
    assert [b.name for b in other.buckets.all()] == ["Written before the window opened"]
    other.close()


def test_unsaved_typing_and_the_other_machines_edit_are_both_kept(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(sample=False)
    store = window.store
    chapter = store.buckets.create("Chapter 1", "chapter")
    blob = store.blobs.create({"content": FIRST}, bucket_ids=[chapter.id])
    window.editor.open_blob(blob.id)
    draft = window.editor.draft
    qtbot.waitUntil(lambda: draft.text == FIRST and draft.isEnabled(), timeout=5000)
    dialog = window.open_sync()
    qtbot.addWidget(dialog)
    dialog.use_folder(str(tmp_path / "shared"))
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("Synced"), timeout=15000)
    other = Store.open(tmp_path / "machine-b")
    other_sync = Sync.init(other, tmp_path / "shared")
    other_sync.now()
    other_blob = other_sync.state.local_id(BLOB, blob.id)
    assert other_blob is not None
    other.blobs.update_text(other_blob, FROM_B)
    other_sync.now()

    draft.autosave.setInterval(60_000)  # the typing stays unsaved while B's edit arrives
    cursor = draft.editor.textCursor()
    cursor.setPosition(len("The "))
    draft.editor.setTextCursor(cursor)
    qtbot.keyClicks(draft.editor, "cold ")
    assert draft.dirty
    dialog.sync_now_button.click()
    both = "The cold rain came at night. On the laptop, Mara opened the door."
    qtbot.waitUntil(lambda: draft.text == both, timeout=15000)
    assert draft.editor.textCursor().position() == len("The cold ")  # the cursor stays where it was
    assert store.blobs.text(blob.id) == FROM_B  # merged in the editor, saved with the next save
    draft.save()
    qtbot.waitUntil(lambda: store.blobs.text(blob.id) == both and not draft.dirty, timeout=10000)
    window.sync_service.sync_now()
    qtbot.waitUntil(lambda: other_sync.now() is not None and other.blobs.text(other_blob) == both, timeout=15000)
    other.close()


def test_a_save_based_on_an_older_text_keeps_the_newer_change(qtbot, make_window) -> None:
    # The race the editor cannot see: a merge lands between its last load and its save.
    window = make_window(sample=False)
    store = window.store
    blob = store.blobs.create({"content": FIRST}, bucket_ids=[store.buckets.create("C", "chapter").id])
    window.editor.open_blob(blob.id)
    draft = window.editor.draft
    qtbot.waitUntil(lambda: draft.text == FIRST and draft.isEnabled(), timeout=5000)
    window.events.event.disconnect(window.editor.on_event)  # the editor hears nothing of the change
    draft.autosave.setInterval(60_000)
    draft.editor.moveCursor(draft.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(draft.editor, " Typed here.")
    store.blobs.update_text(blob.id, "Elsewhere: " + FIRST)
    draft.save()
    both = "Elsewhere: " + FIRST + " Typed here."
    qtbot.waitUntil(lambda: store.blobs.text(blob.id) == both, timeout=10000)
    qtbot.waitUntil(lambda: draft.text == both and not draft.dirty, timeout=10000)
