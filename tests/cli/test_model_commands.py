"""`reyna models`: download from a loopback server, import, use per task, remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reyna_desktop.cli import main
from reyna_desktop.settings import load_settings
from tests.llm.helpers import model_path  # noqa: F401  (fixture)
from tests.llm.model_server import ModelServer


def reyna(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_download_use_and_remove(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    monkeypatch.setenv("REYNA_MODELS_DIR", str(tmp_path / "models"))
    shipped = json.loads((Path(__file__).parents[2] / "resources" / "models.json").read_text())
    with ModelServer(model_path) as server:
        entry = {**shipped["models"][0], "id": "local", "file": "local.gguf", "url": server.url}
        catalogue = tmp_path / "catalogue.json"
        catalogue.write_text(json.dumps({**shipped, "models": [entry]}))
        code, out, err = reyna(capsys, "models", "download", "local", "--catalogue", str(catalogue))
    assert code == 0, err
    assert "downloading: " in err and "MB/s" in err and "local\t" in out
    code, out, _ = reyna(capsys, "--json", "models", "list", "--catalogue", str(catalogue))
    listing = json.loads(out)
    assert listing["catalogue"][0]["installed"] and listing["installed"][0]["id"] == "local"
    assert "CPU-only" in listing["accelerator"] or "GPU" in listing["accelerator"]
    assert reyna(capsys, "models", "use", "local", "--task", "chat")[0] == 0
    llm = load_settings().llm
    assert llm.chat_model_path == str(tmp_path / "models" / "local.gguf") and llm.model_path == ""
    code, _, err = reyna(capsys, "models", "remove", "local")
    assert code == 2 and "is in use" in err
    assert reyna(capsys, "models", "use", "default")[0] == 0
    assert reyna(capsys, "models", "remove", "local")[0] == 0
    assert not (tmp_path / "models" / "local.gguf").exists()


def test_models_import_refuses_a_text_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fake = tmp_path / "notes.gguf"
    fake.write_text("not a model")
    code, _, err = reyna(capsys, "models", "import", str(fake))
    assert code == 2 and "is not a GGUF model" in err and err.count("\n") == 1
