"""Bucket properties: a form generated from the bucket's JSON Schema, validated as you type."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.errors import ReynaError, ValidationFailed
from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import ErrorLabel, fill, with_error
from reyna_desktop.gui.processor_names import processor_labels

SKIPPED = ("chapters", "compile_presets", "model_settings")


class SchemaField:
    """One property: its widget, how to read a value from it, and its error label."""

    def __init__(self, name: str, spec: dict[str, Any], value: Any) -> None:
        self.name = name
        self.spec = spec
        kind = spec.get("type")
        self.kind = kind
        if "enum" in spec:
            box = QComboBox()
            box.addItem("", None)
            for option in spec["enum"]:
                box.addItem(str(option), option)
            box.setCurrentIndex(max(0, box.findData(value)) if value is not None else 0)
            self.widget: QWidget = box
        elif kind == "boolean":
            check = QCheckBox()
            check.setChecked(bool(value))
            self.widget = check
        else:
            text = ""
            if value is not None:
                text = ", ".join(map(str, value)) if kind == "array" and _string_items(spec) else (
                    json.dumps(value) if kind in ("array", "object") else str(value))
            line = QLineEdit(text)
            if kind == "array" and _string_items(spec):
                line.setPlaceholderText(QCoreApplication.translate("properties", "comma-separated"))
            self.widget = line
        self.box, self.error = with_error(self.widget)

    def value(self) -> Any:
        """The typed value, or raise ValueError with a message for the user."""
        widget = self.widget
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        assert isinstance(widget, QLineEdit)
        text = widget.text().strip()
        if not text:
            return None
        if self.kind == "integer":
            try:
                return int(text)
            except ValueError:
                raise ValueError("must be a whole number") from None
        if self.kind == "number":
            try:
                return float(text)
            except ValueError:
                raise ValueError("must be a number") from None
        if self.kind == "array" and _string_items(self.spec):
            return [p.strip() for p in text.split(",") if p.strip()]
        if self.kind in ("array", "object"):
            try:
                return json.loads(text)
            except ValueError:
                raise ValueError("must be JSON") from None
        return text

    def connect(self, slot: Any) -> None:
        widget = self.widget
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(slot)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(slot)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(slot)


def _string_items(spec: dict[str, Any]) -> bool:
    return spec.get("type") == "array" and (spec.get("items") or {}).get("type") == "string"


class PropertiesDialog(QDialog):
    saved = Signal(object)

    def __init__(self, store, bucket: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.bucket = bucket
        self.setWindowTitle(fill(self.tr("Properties of %1"), bucket.name))
        self.schema_id = bucket.schema_id
        form = QFormLayout()
        self.name = QLineEdit(bucket.name)
        name_box, self.name_error = with_error(self.name)
        form.addRow(self.tr("Name"), name_box)
        self.fields: dict[str, SchemaField] = {}
        properties: dict[str, Any] = {}
        if self.schema_id and store.schemas.has(self.schema_id):
            properties = store.schemas.get(self.schema_id).document.get("properties", {})
        for name, spec in properties.items():
            if name in SKIPPED or name.endswith("_blob_id") or name.endswith("_bucket_id"):
                continue
            field = SchemaField(name, spec, bucket.metadata.get(name))
            field.connect(self.validate)
            self.fields[name] = field
            label = spec.get("title") or name.replace("_", " ").capitalize()
            form.addRow(label, field.box)
        self.auto: dict[str, QCheckBox] = {}
        for processor_id, label in processor_labels():
            check = QCheckBox(label)
            check.setChecked(processor_id in bucket.auto_processors)
            self.auto[processor_id] = check
            form.addRow(self.tr("Run on new blobs") if len(self.auto) == 1 else "", check)
        self.summary = ErrorLabel()
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{bucket.type.title()}</b> · "
                                + fill(self.tr("schema %1"), self.schema_id or self.tr("none"))))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self.validate)
        self.resize(560, 520)

    def metadata(self) -> dict[str, Any] | None:
        """The form's metadata, or None when a field cannot be read (its message is shown)."""
        out = {k: v for k, v in self.bucket.metadata.items() if k not in self.fields}
        ok = True
        for name, field in self.fields.items():
            try:
                value = field.value()
            except ValueError as exc:
                field.error.show_error(str(exc))
                ok = False
                continue
            field.error.show_error(None)
            if value is not None and value != "":
                out[name] = value
        return out if ok else None

    def validate(self) -> bool:
        self.name_error.show_error(None if self.name.text().strip() else "a name is required")
        data = self.metadata()
        valid = data is not None and bool(self.name.text().strip())
        if data is not None and self.schema_id:
            try:
                self.store.schemas.validate(self.schema_id, data)
            except ValidationFailed as exc:
                key = exc.path.strip("$/.").split("/")[0].split(".")[0].split("[")[0]
                target = self.fields.get(key)
                if target is not None:
                    target.error.show_error(exc.reason)
                else:
                    self.summary.show_error(f"{exc.path}: {exc.reason}")
                valid = False
            else:
                self.summary.show_error(None)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(valid)
        return valid

    def save(self) -> None:
        if not self.validate():
            return
        data = self.metadata()
        auto = [p for p in self.bucket.auto_processors if p not in self.auto]  # ones set elsewhere stay
        auto += [p for p, check in self.auto.items() if check.isChecked()]
        workers.submit(self.store.buckets.update, self.bucket.id, name=self.name.text().strip(), metadata=data,
                       auto_processors=auto, on_done=self._saved, on_error=self._failed)

    def _saved(self, bucket: Any) -> None:
        self.saved.emit(bucket)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ReynaError):
            self.summary.show_error(str(exc))
        else:
            raise exc
