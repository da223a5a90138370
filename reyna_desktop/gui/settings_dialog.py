"""Settings: data folder, model (embedded, a GGUF file per task or an OpenAI-compatible server),
threads, context, GPU layers (with whether this llama.cpp build can use a GPU), autosave delay,
editor font; and a Models tab (gui/models_page.py): the catalogue, downloads, imports and the
model per task. Every field shows its own error as you type."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import ErrorLabel, fill, with_error
from reyna_desktop.gui.models_page import ModelsPage
from reyna_desktop.llm.catalogue import accelerator_text
from reyna_desktop.settings import Settings, save_settings


def test_connection(llm: Any) -> str:
    """Ask the configured backend for a reply (off the UI thread: it may load the model)."""
    from reyna_desktop.llm import test_connection as ask

    report = ask(llm)
    translate = QCoreApplication.translate  # no widget here: the dialog's context, for lupdate
    if report.ok:
        return fill(translate("SettingsDialog", "Connected: %1 %2 (%3 s)"), report.backend, report.model,
                    f"{report.latency_s:.1f}")
    raise RuntimeError(report.detail or translate("SettingsDialog", "no answer"))


class SettingsDialog(QDialog):
    saved = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.original = settings
        self.errors: dict[str, ErrorLabel] = {}
        form = QFormLayout()
        self.data_dir = QLineEdit(settings.data_dir)
        self.data_dir.setPlaceholderText(self.tr("default per-user folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_dir)
        self._row(form, self.tr("Data folder"), "data_dir", self.data_dir, browse)
        self.backend = QComboBox()
        self.backend.addItem(self.tr("Embedded model (default, runs on this computer)"), "embedded")
        self.backend.addItem(self.tr("OpenAI-compatible server"), "openai")
        self.backend.setCurrentIndex(max(0, self.backend.findData(settings.llm.backend)))
        self._row(form, self.tr("Model"), "llm.backend", self.backend)
        self.model_path = QLineEdit(settings.llm.model_path)
        self.model_path.setPlaceholderText(self.tr("empty: the bundled default model"))
        pick = QPushButton(self.tr("Choose GGUF…"))
        pick.clicked.connect(lambda: self._browse_model(self.model_path))
        self._row(form, self.tr("Expansion GGUF"), "llm.model_path", self.model_path, pick)
        self.chat_model_path = QLineEdit(settings.llm.chat_model_path)
        self.chat_model_path.setPlaceholderText(self.tr("empty: the same model as expansion"))
        pick_chat = QPushButton(self.tr("Choose GGUF…"))
        pick_chat.clicked.connect(lambda: self._browse_model(self.chat_model_path))
        self._row(form, self.tr("Chat GGUF"), "llm.chat_model_path", self.chat_model_path, pick_chat)
        self.base_url = QLineEdit(settings.llm.base_url)
        self._row(form, self.tr("Server URL"), "llm.base_url", self.base_url)
        self.api_key = QLineEdit(settings.llm.api_key, echoMode=QLineEdit.EchoMode.Password)
        self._row(form, self.tr("API key"), "llm.api_key", self.api_key)
        self.remote_model = QLineEdit(settings.llm.remote_model)
        self._row(form, self.tr("Server model"), "llm.remote_model", self.remote_model)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        form.addRow("", self._pair(self.test_button, self.test_result))
        self.n_threads = QLineEdit(str(settings.llm.n_threads))
        self.n_threads.setPlaceholderText(self.tr("0: all cores"))
        self._row(form, self.tr("Threads"), "llm.n_threads", self.n_threads)
        self.n_ctx = QLineEdit(str(settings.llm.n_ctx))
        self._row(form, self.tr("Context size"), "llm.n_ctx", self.n_ctx)
        self.n_gpu_layers = QLineEdit(str(settings.llm.n_gpu_layers))
        self.n_gpu_layers.setPlaceholderText(self.tr("0: CPU only, -1: all"))
        self._row(form, self.tr("GPU layers"), "llm.n_gpu_layers", self.n_gpu_layers)
        self.accelerator = QLabel(accelerator_text() + ".")
        form.addRow("", self.accelerator)
        self.autosave = QLineEdit(str(settings.editor.autosave_delay_ms))
        self._row(form, self.tr("Autosave delay (ms)"), "editor.autosave_delay_ms", self.autosave)
        self.font_family = QFontComboBox()
        if settings.editor.font_family:
            self.font_family.setCurrentText(settings.editor.font_family)
        self._row(form, self.tr("Editor font"), "editor.font_family", self.font_family)
        self.font_size = QLineEdit(str(settings.editor.font_size))
        self.font_size.setPlaceholderText(self.tr("0: the system size"))
        self._row(form, self.tr("Font size"), "editor.font_size", self.font_size)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        general = QWidget()
        general.setLayout(form)
        self.models_page = ModelsPage(self.model_path, self.chat_model_path)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self.models_page, self.tr("Models"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        for widget in (self.data_dir, self.model_path, self.chat_model_path, self.base_url, self.api_key,
                       self.remote_model, self.n_threads,
                       self.n_ctx, self.n_gpu_layers, self.autosave, self.font_size):
            widget.textChanged.connect(self.validate)
        self.backend.currentIndexChanged.connect(self.validate)
        self.font_family.currentFontChanged.connect(self.validate)
        self.resize(900, 640)
        self.validate()

    def _pair(self, first: QWidget, second: QWidget, *, stretch_first: bool = False) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(first, 1 if stretch_first else 0)
        layout.addWidget(second, 0 if stretch_first else 1)
        return box

    def _row(self, form: QFormLayout, label: str, key: str, field: QWidget, extra: QWidget | None = None) -> None:
        box, error = with_error(self._pair(field, extra, stretch_first=True) if extra else field)
        self.errors[key] = error
        form.addRow(label, box)

    def _browse_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Data folder"), self.data_dir.text())
        if folder:
            self.data_dir.setText(folder)

    def _browse_model(self, field: QLineEdit) -> None:
        file, _ = QFileDialog.getOpenFileName(self, self.tr("Model file"), "", self.tr("GGUF models (*.gguf)"))
        if file:
            field.setText(file)

    def raw(self) -> dict[str, Any]:
        font = self.font_family.currentText()
        return {
            "data_dir": self.data_dir.text().strip(),
            "llm": {**self.original.llm.model_dump(), "backend": self.backend.currentData(),
                    "model_path": self.model_path.text().strip(),
                    "chat_model_path": self.chat_model_path.text().strip(), "base_url": self.base_url.text().strip(),
                    "api_key": self.api_key.text(), "remote_model": self.remote_model.text().strip(),
                    "n_threads": self.n_threads.text().strip(), "n_ctx": self.n_ctx.text().strip(),
                    "n_gpu_layers": self.n_gpu_layers.text().strip()},
            "editor": {**self.original.editor.model_dump(), "autosave_delay_ms": self.autosave.text().strip(),
                       "font_family": font if font != self.font_family.font().family() or
                       self.original.editor.font_family else "",
                       "font_size": self.font_size.text().strip()},
            "backup": self.original.backup.model_dump(),
        }

    def result_settings(self) -> Settings | None:
        """The settings in the form, or None with each bad field's message shown beside it."""
        for error in self.errors.values():
            error.show_error(None)
        try:
            settings = Settings.model_validate(self.raw())
        except ValidationError as exc:
            for problem in exc.errors():
                key = ".".join(str(p) for p in problem["loc"])
                message = problem["msg"].replace("Value error, ", "").replace("Input should be", "should be")
                target = self.errors.get(key) or self.errors.get(key.split(".")[0])
                if target is not None:
                    target.show_error(message)
            return None
        return settings

    def validate(self) -> bool:
        ok = self.result_settings() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)
        return ok

    def test(self) -> None:
        settings = self.result_settings()
        if settings is None:
            self.test_result.setText(self.tr("Fix the marked fields first."))
            return
        self.test_result.setText(self.tr("Testing…"))
        self.test_button.setEnabled(False)
        workers.submit(test_connection, settings.llm, on_done=self._tested,
                       on_error=lambda exc: self._tested(fill(self.tr("Failed: %1"), exc)))

    def _tested(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(message)

    def done(self, result: int) -> None:
        self.models_page.pause_download()  # a download must not outlive the page showing it
        super().done(result)

    def save(self) -> None:
        settings = self.result_settings()
        if settings is None:
            return
        save_settings(settings)
        self.saved.emit(settings)
        self.accept()
