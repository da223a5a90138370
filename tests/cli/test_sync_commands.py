"""`reyna sync init FOLDER | status | now | compact | stop` between two data dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reyna_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_two_data_dirs_sync_through_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    first, second, shared = tmp_path / "first", tmp_path / "second", tmp_path / "shared"
    assert run(capsys, "--data-dir", str(first), "sync", "init", str(shared))[0] == 0
    code, out, _ = run(capsys, "--data-dir", str(second), "sync", "init", str(shared))
    assert code == 0 and "0 files waiting, last exchange never" in out
    code, out, _ = run(capsys, "--data-dir", str(first), "--json", "bucket", "create", "Novel")
    novel = json.loads(out)
    code, out, _ = run(capsys, "--data-dir", str(first), "sync", "now")
    assert code == 0 and out.startswith("sent update 1;")
    code, out, _ = run(capsys, "--data-dir", str(second), "sync", "now")
    assert code == 0 and "read 1 files: 1 buckets" in out
    code, out, _ = run(capsys, "--data-dir", str(second), "--json", "bucket", "list")
    assert [b["name"] for b in json.loads(out)] == ["Novel"]
    code, out, _ = run(capsys, "--data-dir", str(second), "--json", "sync", "status")
    status = json.loads(out)
    assert status["devices"][0]["read_up_to"] == 1 and status["devices"][0]["waiting_files"] == 0
    code, out, _ = run(capsys, "--data-dir", str(first), "sync", "status")
    assert code == 0 and "read 0, 0 files waiting" in out and novel["id"]


def test_sync_without_init_is_one_clear_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "d"), "sync", "now")
    assert code == 2 and out == ""
    assert err.strip() == "reyna: error: sync is not set up for this store; run `reyna sync init FOLDER` first"


def test_stop_then_init_again(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data, shared = str(tmp_path / "d"), str(tmp_path / "shared")
    assert run(capsys, "--data-dir", data, "sync", "init", shared)[0] == 0
    code, out, _ = run(capsys, "--data-dir", data, "sync", "stop")
    assert code == 0 and out.startswith("sync stopped")
    code, _, err = run(capsys, "--data-dir", data, "sync", "now")
    assert code == 2 and "not set up" in err
    code, out, _ = run(capsys, "--data-dir", data, "sync", "init", shared)
    assert code == 0 and f"folder   {Path(shared).resolve()}" in out
