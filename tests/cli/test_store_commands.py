"""The `reyna` CLI: JSON out, exit 0 on success, exit 2 and one clear line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reyna_desktop.cli import main
from reyna_desktop.store import Store


def reyna(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def reyna_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code, out, err = reyna(capsys, "--json", *args)
    assert code == 0, err
    return json.loads(out)


def test_bucket_and_blob_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    book = reyna_json(capsys, "bucket", "create", "Novel", "--template", "book", "--meta", '{"author": "Ann"}')
    assert isinstance(book, dict) and book["metadata"]["author"] == "Ann"
    tree = reyna_json(capsys, "bucket", "tree", book["id"])
    assert isinstance(tree, dict)
    part = next(c for c in tree["children"] if c["type"] == "part")
    chapter_id = part["children"][0]["id"]
    draft = tmp_path / "draft.md"
    draft.write_text("# Storm\n\nThe ship sailed into the storm.", encoding="utf-8")
    blob = reyna_json(capsys, "blob", "add", "--file", str(draft), "--bucket", chapter_id, "--tag", "draft")
    assert isinstance(blob, dict) and blob["schema_id"] == "text-input-v1" and blob["title"] == "Storm"
    reyna_json(capsys, "blob", "update", blob["id"], "--text", "# Storm\n\nRewritten.")
    history = reyna_json(capsys, "blob", "history", blob["id"])
    assert isinstance(history, list) and [v["version"] for v in history] == [2, 1]
    restored = reyna_json(capsys, "blob", "restore", blob["id"], "--version", "1")
    assert isinstance(restored, dict) and restored["version"] == 3
    shown = reyna_json(capsys, "blob", "show", blob["id"])
    assert isinstance(shown, dict) and shown["data"]["content"].endswith("into the storm.")
    hits = reyna_json(capsys, "search", "storm", "--types", "book")
    assert isinstance(hits, list) and hits[0]["id"] == blob["id"]
    notes = reyna_json(capsys, "bucket", "create", "Notes", "--type", "research")
    assert isinstance(notes, dict)
    linked = reyna_json(capsys, "blob", "link", blob["id"], notes["id"])
    assert isinstance(linked, dict) and linked["bucket_ids"] == [chapter_id, notes["id"]]
    moved = reyna_json(capsys, "bucket", "move", notes["id"], "--to", book["id"])
    assert isinstance(moved, dict) and moved["depth"] == 1
    stats = reyna_json(capsys, "bucket", "stats", book["id"])
    assert isinstance(stats, dict) and stats["total_blobs"] == 1
    assert reyna_json(capsys, "bucket", "delete", notes["id"])["deleted_at"]  # type: ignore[index]
    assert reyna_json(capsys, "bucket", "restore", notes["id"])["deleted_at"] is None  # type: ignore[index]
    templates = reyna_json(capsys, "template", "list")
    assert isinstance(templates, list) and {"book", "album", "research", "conversation"} <= {
        t["name"] for t in templates
    }
    check = reyna_json(capsys, "check")
    assert isinstance(check, dict) and check["ok"]
    events = reyna_json(capsys, "events", "--topic", "blob.created.*")
    assert isinstance(events, list) and len(events) == 1


def _bad(capsys: pytest.CaptureFixture[str], *args: str, exit_code: int = 2) -> str:
    """One clear line on stderr and exit 2 (bad input) or, with exit_code=1, an environment problem."""
    code, out, err = reyna(capsys, *args)
    assert code == exit_code, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reyna: error: ")
    return lines[0]


def test_bad_input_exits_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, private_dirs: Path
) -> None:
    book = reyna_json(capsys, "bucket", "create", "Book", "--type", "book")
    assert isinstance(book, dict)
    child = reyna_json(capsys, "bucket", "create", "Child", "--type", "part", "--parent", book["id"])
    assert isinstance(child, dict)
    with Store.open(private_dirs) as store:
        before = store.last_event_id()
    assert "no bucket with id 'bk_nope'" in _bad(capsys, "blob", "add", "--text", "x", "--bucket", "bk_nope")
    assert "$.content" in _bad(capsys, "blob", "add", "--data", '{"content": 5}', "--bucket", book["id"])
    assert "descendants" in _bad(capsys, "bucket", "move", book["id"], "--to", child["id"])
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café".encode("latin-1"))
    assert "not UTF-8" in _bad(capsys, "blob", "add", "--file", str(latin1), "--bucket", book["id"])
    assert "cannot read" in _bad(capsys, "blob", "add", "--file", str(tmp_path / "none.md"), "--bucket", book["id"])
    assert "must not be empty" in _bad(capsys, "bucket", "create", "  ", "--type", "book")
    assert "--meta: not valid JSON" in _bad(capsys, "bucket", "update", book["id"], "--meta", "{oops")
    assert "$.target_words" in _bad(capsys, "bucket", "update", book["id"], "--meta", '{"target_words": "x"}')
    assert "no template" in _bad(capsys, "bucket", "create", "X", "--template", "nope")
    assert "unknown file type" in _bad(
        capsys, "blob", "add", "--file", str(latin1.with_suffix(".xyz")), "--bucket", book["id"]
    )
    with Store.open(private_dirs) as store:
        assert store.last_event_id() == before
        assert store.blobs.in_bucket(book["id"]) == []


def test_check_exits_nonzero_on_a_tampered_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, private_dirs: Path
) -> None:
    bucket = reyna_json(capsys, "bucket", "create", "Track", "--type", "track")
    assert isinstance(bucket, dict)
    wav = tmp_path / "take.wav"
    wav.write_bytes(b"RIFF0000WAVE")
    blob = reyna_json(capsys, "blob", "add", "--file", str(wav), "--bucket", bucket["id"])
    assert isinstance(blob, dict) and blob["schema_id"] == "audio-v1"
    with Store.open(private_dirs) as store:
        path = store.content.path_for(blob["content_hash"])
    exported = reyna_json(capsys, "blob", "export", blob["id"], str(tmp_path / "copy.wav"))
    assert isinstance(exported, dict) and (tmp_path / "copy.wav").read_bytes() == wav.read_bytes()
    assert "does not exist" in _bad(capsys, "blob", "export", blob["id"], str(tmp_path / "no" / "x.wav"))
    path.write_bytes(b"changed on disk")
    code, out, _ = reyna(capsys, "check")
    assert code == 1 and "DAMAGED" in out and blob["id"] in out


def test_console_script_and_data_dir_flag(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reyna_desktop.cli",
            "--data-dir",
            str(data),
            "--json",
            "bucket",
            "create",
            "Album",
            "--template",
            "album",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["type"] == "album"
    assert (data / "reyna.sqlite3").is_file()


def test_unusable_data_dirs_get_a_clear_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    not_a_store = tmp_path / "junk"
    not_a_store.mkdir()
    (not_a_store / "reyna.sqlite3").write_bytes(b"this is not an SQLite database, it is a shopping list" * 4)
    assert "not a Reyna store" in _bad(capsys, "--data-dir", str(not_a_store), "bucket", "list", exit_code=1)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert "not a folder" in _bad(capsys, "--data-dir", str(a_file), "bucket", "list")


def test_an_existing_folder_keeps_its_permissions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    reyna_json(capsys, "--data-dir", str(shared), "bucket", "list")
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "reyna.sqlite3").stat().st_mode & 0o777 == 0o600
