"""The Codex dock and the mention marks in the draft, on real widgets offscreen (pytest-qt)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip

from reyna_desktop.gui import workers
from reyna_desktop.gui.codex_panel import CodexPanel, IdRole
from reyna_desktop.gui.mention_marks import MentionMarks
from reyna_desktop.sample import ensure_sample_project
from reyna_desktop.store import Store


@pytest.fixture
def sample(store: Store) -> Iterator[Store]:
    ensure_sample_project(store)
    yield store
    workers.wait_idle()


def _chapter(store: Store, name: str) -> str:
    return next(b.id for b in store.buckets.all(type="chapter") if b.name == name)


def test_grid_and_appears_in_follow_the_book_and_open_chapters(qtbot, sample: Store) -> None:
    panel = CodexPanel(sample)
    qtbot.addWidget(panel)
    panel.show()
    panel.follow_bucket(_chapter(sample, "Storm Warning"))
    qtbot.waitUntil(lambda: panel.grid.rowCount() == 4 and panel.appears.count() == 3, timeout=10000)
    headers = [panel.grid.horizontalHeaderItem(c).text() for c in range(panel.grid.columnCount())]
    rows = [panel.grid.verticalHeaderItem(r).text() for r in range(panel.grid.rowCount())]
    assert headers == ["Mara", "Tomas"]
    assert rows == ["The Lighthouse Keeper", "A Letter From the Sea", "Storm Warning", "The Island"]
    cells = [[panel.grid.item(r, c).text() for c in range(2)] for r in range(4)]
    assert cells == [["1", ""], ["1", ""], ["1", "1"], ["", ""]]
    assert "First: The Lighthouse Keeper. Last: Storm Warning." in panel.appears_label.text()
    with qtbot.waitSignal(panel.open_bucket) as opened:
        panel.grid.cellClicked.emit(2, 1)
    assert opened.args == [_chapter(sample, "Storm Warning")]
    with qtbot.waitSignal(panel.open_bucket) as opened:
        panel.appears.itemClicked.emit(panel.appears.item(1))
    assert opened.args == [_chapter(sample, "A Letter From the Sea")]

    book_id = sample.buckets.all(type="book")[0].id
    tomas = next(e for e in sample.codex.entries(book_id) if e.name == "Tomas")
    panel.follow_bucket(tomas.id)  # an entry bucket selects that entry
    qtbot.waitUntil(lambda: panel.appears.count() == 1, timeout=10000)
    assert panel.appears.item(0).data(IdRole) == _chapter(sample, "Storm Warning")
    sample.blobs.create({"content": "Tomas, again."}, bucket_ids=[_chapter(sample, "The Island")])
    panel.refresh()
    qtbot.waitUntil(lambda: panel.grid.item(3, 1) is not None and panel.grid.item(3, 1).text() == "1", timeout=10000)
    assert sample.codex.grid(book_id).count(_chapter(sample, "The Island"), tomas.id) == 1


def test_mentions_are_marked_in_the_draft_with_a_hover_card(qtbot, sample: Store) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.resize(600, 300)
    editor.show()
    marks = MentionMarks(sample, editor)
    blob = sample.blobs.in_bucket(_chapter(sample, "Storm Warning"))[0]
    editor.setPlainText(sample.blobs.text(blob.id))
    marks.set_blob(blob.id)
    text = editor.toPlainText()
    marked = [text[s.cursor.selectionStart() : s.cursor.selectionEnd()] for s in editor.extraSelections()]
    assert marked == ["Tomas", "Mara"]
    card = marks.card_at(text.index("Mara") + 1)
    assert card is not None and "<b>Mara</b> <i>(character)</i>" in card and "The lighthouse keeper." in card
    assert marks.card_at(0) is None  # the opening quote mark is no mention

    editor.setPlainText("The island, and Mara's letter.")
    qtbot.waitUntil(lambda: len(editor.extraSelections()) == 3, timeout=5000)
    inside = QTextCursor(editor.document())
    inside.setPosition(editor.toPlainText().index("Mara") + 2)
    where = editor.cursorRect(inside).center() + QPoint(2, 0)
    assert editor.cursorForPosition(where).position() in range(16, 20)
    QApplication.sendEvent(
        editor.viewport(), QHelpEvent(QEvent.Type.ToolTip, where, editor.viewport().mapToGlobal(where))
    )
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert "The lighthouse keeper." in QToolTip.text()


def test_rename_everywhere_previews_applies_and_undoes(qtbot, sample: Store) -> None:
    panel = CodexPanel(sample)
    qtbot.addWidget(panel)
    panel.show()
    panel.follow_bucket(_chapter(sample, "Storm Warning"))
    qtbot.waitUntil(lambda: panel.appears.count() == 3, timeout=10000)
    drafts = {name: sample.blobs.in_bucket(_chapter(sample, name))[0].id
              for name in ("The Lighthouse Keeper", "A Letter From the Sea", "Storm Warning")}
    before = {name: sample.blobs.text(blob_id) for name, blob_id in drafts.items()}
    dialog = panel.rename_dialog()
    assert dialog is not None and dialog.find_text.text() == "Mara"
    dialog.new_text.setText("Maren")
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=10000)
    rows = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(dialog.table.rowCount())]
    assert [r[0] for r in rows] == [*drafts, "Mara"]  # the entry's own notes too
    assert rows[2][1:] == [
        '…"Watch me," Mara said, and cast off the line.',
        '…"Watch me," Maren said, and cast off the line.',
    ]
    assert sample.blobs.text(drafts["Storm Warning"]) == before["Storm Warning"]  # a preview writes nothing
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: dialog.undo_button.isEnabled(), timeout=10000)
    assert dialog.status.text() == "Applied: 4 texts saved as new versions."
    assert all("Maren" in sample.blobs.text(b) and "Mara " not in sample.blobs.text(b) for b in drafts.values())
    assert sample.codex.entry(panel.entry_id or "").name == "Maren"
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Undone"), timeout=10000)
    assert {name: sample.blobs.text(blob_id) for name, blob_id in drafts.items()} == before
    assert sample.codex.entry(panel.entry_id or "").name == "Mara"

    replace = panel.replace_dialog()
    assert replace is not None
    replace.find_text.setText("Zebedee")
    replace.new_text.setText("Zed")
    replace.preview_button.click()
    qtbot.waitUntil(lambda: replace.status.text() == "No matches; nothing would be written.", timeout=10000)
    assert not replace.apply_button.isEnabled()
    replace.find_text.setText("")
    replace.preview_button.click()
    qtbot.waitUntil(lambda: "pattern is empty" in replace.status.text(), timeout=10000)
