"""User settings: one JSON file in the per-user config dir, validated by pydantic.

A bad value in the file never stops the app: the file is kept aside as `settings.json.bad`
and the defaults are used, with the reason logged.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from reyna_desktop import paths
from reyna_desktop.atomic import atomic_write
from reyna_desktop.errors import ReynaError

log = logging.getLogger(__name__)

ModelTask = Literal["expansion", "chat"]
MODEL_TASKS: tuple[ModelTask, ...] = ("expansion", "chat")


class LLMSettings(BaseModel):
    backend: Literal["embedded", "openai"] = "embedded"
    model_path: str = ""  # empty: the embedded default model (Gemma 3 270M); used for expansion
    chat_model_path: str = ""  # chat and summaries; empty: the same model as model_path
    base_url: str = "http://127.0.0.1:8080/v1"
    api_key: str = ""
    remote_model: str = ""
    n_ctx: int = Field(2048, ge=256, le=262144)
    n_threads: int = Field(0, ge=0, le=256)  # 0: all cores
    n_gpu_layers: int = Field(0, ge=-1, le=1000)
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.95, gt=0.0, le=1.0)
    repeat_penalty: float = Field(1.15, ge=1.0, le=2.0)
    seed: int = -1
    request_timeout_s: float = Field(120.0, gt=0)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("model_path", "chat_model_path")
    @classmethod
    def _model_path(cls, value: str) -> str:
        if value and not value.lower().endswith(".gguf"):
            raise ValueError("must be a .gguf file")
        return value

    def for_task(self, task: ModelTask) -> LLMSettings:
        """These settings with `model_path` set to the model chosen for `task`."""
        if task == "chat" and self.chat_model_path:
            return self.model_copy(update={"model_path": self.chat_model_path})
        return self

    def with_model(self, task: ModelTask, path: str) -> LLMSettings:
        """These settings with `path` chosen for `task` (`reyna models use`)."""
        return self.model_copy(update={"model_path" if task == "expansion" else "chat_model_path": path})


class EditorSettings(BaseModel):
    autosave_delay_ms: int = Field(800, ge=100, le=60000)
    font_family: str = ""
    font_size: int = Field(0, ge=0, le=96)  # 0: the system size
    expansion_ratio: float = Field(3.0, ge=1.5, le=6.0)
    expansion_style: str = "creative"


class BackupSettings(BaseModel):
    folder: str = ""  # empty: <data dir>/backups
    every_minutes: int = Field(15, ge=1, le=1440)
    keep_last: int = Field(10, ge=1, le=1000)
    keep_daily: int = Field(7, ge=0, le=365)
    keep_weekly: int = Field(4, ge=0, le=520)


class Settings(BaseModel):
    data_dir: str = ""  # empty: REYNA_DATA_DIR or the per-user data dir
    llm: LLMSettings = Field(default_factory=LLMSettings)
    editor: EditorSettings = Field(default_factory=EditorSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        log.warning("settings file %s is unusable (%s); using defaults and keeping it as .bad", path, exc)
        try:
            os.replace(path, path.with_suffix(".json.bad"))
        except OSError:
            pass
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write through a temp file and rename, so a crash never leaves half a settings file."""
    path = path or settings_path()
    paths.ensure_private_dir(path.parent)
    try:
        atomic_write(path, settings.model_dump_json(indent=2).encode("utf-8"))
    except OSError as exc:
        raise ReynaError(f"cannot save settings to {path}: {exc.strerror or exc}") from exc
    return path
