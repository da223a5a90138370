"""Light and dark follow the system. Where the platform gives no dark palette (Xvfb, some Linux
desktops), a Fusion dark palette is set when the system asks for the dark scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def dark_palette() -> QPalette:
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        role.Window: "#2b2b2e", role.WindowText: "#e6e6e6", role.Base: "#1f1f22", role.AlternateBase: "#2a2a2e",
        role.ToolTipBase: "#2b2b2e", role.ToolTipText: "#e6e6e6", role.Text: "#e6e6e6", role.Button: "#36363a",
        role.ButtonText: "#e6e6e6", role.BrightText: "#ff6b6b", role.Link: "#6fa8ff", role.Highlight: "#3d6fb4",
        role.HighlightedText: "#ffffff", role.PlaceholderText: "#8a8a90", role.Mid: "#444449", role.Dark: "#18181a",
        role.Light: "#505056", role.Midlight: "#3c3c41", role.Shadow: "#000000",
    }
    for key, value in colors.items():
        palette.setColor(key, QColor(value))
    for key in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(group.Disabled, key, QColor("#6e6e74"))
    return palette


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    if scheme == Qt.ColorScheme.Dark and window.lightness() > 128:
        app.setPalette(dark_palette())
    elif scheme == Qt.ColorScheme.Light and window.lightness() <= 128:
        app.setPalette(app.style().standardPalette())


def follow_system(app: QApplication) -> None:
    def apply(scheme: Qt.ColorScheme) -> None:
        apply_scheme(app, scheme)

    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(apply)
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        apply(Qt.ColorScheme.Dark)
