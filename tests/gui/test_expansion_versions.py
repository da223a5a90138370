"""The expanded pane keeps every expansion of a draft and steps between them (‹ 2/3 ›);
a paragraph can be accepted from any of them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.test_main_window import make_window

__all__ = ["make_window"]  # the fixture, used by name


def test_the_pane_steps_between_expansions_and_accepts_from_an_earlier_one(qtbot, make_window) -> None:
    window = make_window(sample=False)
    store = window.store
    chapter = store.buckets.create("Chapter", "chapter")
    draft = "First short.\n\nSecond short."
    original = store.blobs.create({"content": draft}, bucket_ids=[chapter.id])
    made = [store.blobs.derive(original.id, {"original": draft, "expanded": f"First, take {n}.\n\nSecond, take {n}.",
                                             "expansion_ratio": 2.0, "style": "concise"},
                               schema_id="expanded-text-v1", processor_id="text-expansion") for n in (1, 2, 3)]
    window.editor.open_blob(original.id)
    pane = window.editor.expanded
    qtbot.waitUntil(lambda: pane.expanded_id == made[2].id, timeout=5000)  # the newest first
    assert pane.version_label.text() == "3/3" and pane.expand_button.text() == "Regenerate"
    assert pane.previous_button.isEnabled() and not pane.next_button.isEnabled()

    qtbot.mouseClick(pane.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pane.previous_button, Qt.MouseButton.LeftButton)
    assert pane.version_label.text() == "1/3" and pane.expanded_id == made[0].id
    assert pane.view.toPlainText() == "First, take 1.\n\nSecond, take 1." and not pane.previous_button.isEnabled()
    pane.accept_index(1)  # the second paragraph of the oldest expansion
    qtbot.waitUntil(lambda: store.blobs.get(original.id).version == 2, timeout=5000)
    assert store.blobs.text(original.id) == "First short.\n\nSecond, take 1."

    qtbot.mouseClick(pane.next_button, Qt.MouseButton.LeftButton)
    assert pane.version_label.text() == "2/3" and pane.view.toPlainText().startswith("First, take 2.")
    assert pane.params()["style"] in {pane.style_box.itemData(i) for i in range(pane.style_box.count())}
