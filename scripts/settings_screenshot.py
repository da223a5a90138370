"""A screenshot of Settings → Models for the README (docs/screenshots/settings-models.png).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/settings_screenshot.py

Uses a temp config and model folder: the default model is imported there (by reference) through
the same library call as `reyna models import --reference`, and chosen for chat.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots" / "settings-models.png"
sys.path.insert(0, str(ROOT))


def main() -> int:
    temp = Path(tempfile.mkdtemp(prefix="reyna-settings-shot-"))
    os.environ["REYNA_CONFIG_DIR"] = str(temp / "config")
    os.environ["REYNA_MODELS_DIR"] = str(temp / "models")
    from PySide6.QtWidgets import QApplication

    from reyna_desktop.gui.settings_dialog import SettingsDialog
    from reyna_desktop.llm.library import ModelLibrary
    from reyna_desktop.llm.model_files import default_model_path
    from reyna_desktop.settings import LLMSettings, Settings

    app = QApplication(sys.argv)
    model = ModelLibrary().import_file(default_model_path(), copy=False, model_id="gemma-270m-imported")
    dialog = SettingsDialog(Settings(llm=LLMSettings(chat_model_path=model.path)))
    dialog.tabs.setCurrentIndex(1)
    dialog.models_page.table.selectRow(4)
    dialog.resize(1180, 700)
    dialog.show()
    for _ in range(20):
        app.processEvents()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(OUT))
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
