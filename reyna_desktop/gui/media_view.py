"""Views for blobs that are not drafts: audio (metadata, and playback where QtMultimedia works)
and images. (ChordPro charts have their own editor: chordpro_editor.py.)"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


class ImageView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.setWidgetResizable(True)

    def show_file(self, path: str) -> None:
        pixmap = QPixmap(path)
        if pixmap.isNull():
            self.label.setText(self.tr("This image cannot be shown."))
            return
        if pixmap.width() > 1600:
            pixmap = pixmap.scaledToWidth(1600, Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(pixmap)


class AudioView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.player: Any = None
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.toggle)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.note = QLabel("")
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.stop_button)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(controls)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def show_audio(self, data: dict[str, Any], path: str | None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for key in ("filename", "format", "duration_s", "sample_rate", "channels", "size", "notes"):
            if key in data:
                value = data[key]
                if key == "duration_s":
                    value = f"{int(value) // 60}:{int(value) % 60:02d}"
                self.form.addRow(key.replace("_s", "").replace("_", " ").title(), QLabel(str(value)))
        self.stop()
        self._path = path
        playable = path is not None and self._ensure_player()
        self.play_button.setEnabled(playable)
        self.stop_button.setEnabled(playable)
        if not playable:
            self.note.setText(self.tr("Playback is not available here; the file is safe in the store."))

    def _ensure_player(self) -> bool:
        if self.player is not None:
            return True
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError:
            return False
        self.player = QMediaPlayer(self)
        self._output = QAudioOutput(self)
        self.player.setAudioOutput(self._output)
        return True

    def toggle(self) -> None:
        if self.player is None or not self._path:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
            self.play_button.setText(self.tr("Play"))
        else:
            if self.player.source().isEmpty():
                self.player.setSource(QUrl.fromLocalFile(self._path))
            self.player.play()
            self.play_button.setText(self.tr("Pause"))

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()
            self.player.setSource(QUrl())
        self.play_button.setText(self.tr("Play"))
