"""Issue 10's features, driven through the window's real widgets offscreen (pytest-qt)."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from reyna_desktop.gui.tree_model import RowRole
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
