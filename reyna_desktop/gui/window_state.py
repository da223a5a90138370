"""Window layout remembered between runs, in an INI file under the config dir (tests stay in temp dirs)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from reyna_desktop import paths


def window_settings() -> QSettings:
    folder = paths.ensure_private_dir(paths.config_dir())
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
