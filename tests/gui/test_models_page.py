"""The Models tab of Settings: a real download from a loopback server, import, per-task choice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit

from reyna_desktop.gui.models_page import ModelsPage
from reyna_desktop.gui.settings_dialog import SettingsDialog
from reyna_desktop.llm.catalogue import load_catalogue
from reyna_desktop.llm.library import ModelLibrary
from reyna_desktop.settings import Settings, load_settings
from tests.llm.helpers import model_path  # noqa: F401  (fixture)
from tests.llm.model_server import ModelServer


def test_download_from_the_page_then_choose_it_for_chat(qtbot, tmp_path: Path, model_path: Path) -> None:  # noqa: F811
    shipped = load_catalogue().models
    with ModelServer(model_path) as server:
        local = shipped[0].model_copy(update={"id": "local", "name": "Local test model", "file": "local.gguf",
                                             "url": server.url})
        expansion, chat = QLineEdit(), QLineEdit()
        page = ModelsPage(expansion, chat, catalogue=[shipped[0], local], library=ModelLibrary(tmp_path / "models"))
        qtbot.addWidget(page)
        assert page.table.item(0, 5).text() == "installed"  # the shipped model
        assert "CPU-only" in page.machine_label.text() or "GPU" in page.machine_label.text()
        page.table.selectRow(1)
        assert page.download_button.isEnabled()
        page.download_button.click()
        assert page.pause_button.isEnabled() and not page.download_button.isEnabled()
        qtbot.waitUntil(lambda: page.download is None, timeout=60000)
    assert "installed and checked" in page.status.text(), page.status.text()
    assert page.progress.value() == 1000
    assert page.table.item(1, 5).text() == "installed"
    index = page.chat_choice.findData(str(tmp_path / "models" / "local.gguf"))
    assert index > 0 and "no chat template" in page.chat_choice.itemText(index)
    page.chat_choice.setCurrentIndex(index)
    assert chat.text() == str(tmp_path / "models" / "local.gguf") and expansion.text() == ""


def test_import_of_a_text_file_says_why_it_was_refused(qtbot, tmp_path: Path) -> None:
    fake = tmp_path / "draft.gguf"
    fake.write_text("not a model")
    page = ModelsPage(QLineEdit(), QLineEdit(), library=ModelLibrary(tmp_path / "models"))
    qtbot.addWidget(page)
    page.import_file(fake)
    qtbot.waitUntil(lambda: "Not imported" in page.status.text(), timeout=10000)
    assert "is not a GGUF model" in page.status.text()


def test_settings_dialog_saves_the_chat_model(qtbot, tmp_path: Path, model_path: Path) -> None:  # noqa: F811
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(1) == "Models"
    dialog.chat_model_path.setText(str(model_path))
    assert dialog.validate()
    dialog.save()
    assert load_settings().llm.chat_model_path == str(model_path)
