"""`reyna codex`, `reyna replace`, `reyna replace-undo` from the command line."""

from __future__ import annotations

import pytest

from tests.cli.test_store_commands import reyna, reyna_json


def _book_with_text(capsys: pytest.CaptureFixture[str], text: str) -> tuple[str, str]:
    book = reyna_json(capsys, "bucket", "create", "Novel", "--template", "book")
    assert isinstance(book, dict)
    chapters = reyna_json(capsys, "bucket", "list", "--type", "chapter")
    assert isinstance(chapters, list)
    blob = reyna_json(capsys, "blob", "add", "--text", text, "--bucket", chapters[0]["id"])
    assert isinstance(blob, dict)
    return book["id"], blob["id"]


def test_codex_add_list_show_appearances_grid(capsys: pytest.CaptureFixture[str]) -> None:
    book, _ = _book_with_text(capsys, "Mara's boat rocked. The captain swore.")
    entry = reyna_json(
        capsys, "codex", "add", book, "Mara", "--alias", "the captain", "--field", "role=keeper", "--notes", "Stubborn."
    )
    assert isinstance(entry, dict) and entry["aliases"] == ["the captain"] and entry["fields"] == {"role": "keeper"}
    listed = reyna_json(capsys, "codex", "list", book)
    assert isinstance(listed, list) and [e["name"] for e in listed] == ["Mara"]
    shown = reyna_json(capsys, "codex", "show", entry["id"])
    assert isinstance(shown, dict) and shown["notes"] == ["Stubborn."]
    seen = reyna_json(capsys, "codex", "appearances", entry["id"])
    assert isinstance(seen, dict) and (seen["total"], seen["first"], seen["last"]) == (2, "Chapter 1", "Chapter 1")
    grid = reyna_json(capsys, "codex", "grid", book)
    assert isinstance(grid, dict) and grid["sections"] == [
        {"id": seen["sections"][0]["section_id"], "name": "Chapter 1", "counts": [2]}
    ]
    code, out, _ = reyna(capsys, "codex", "appearances", entry["id"])
    assert code == 0 and out.startswith("Mara: 2 mentions; first in Chapter 1")
    code, _, err = reyna(capsys, "codex", "add", book, "Grendel", "--kind", "monster")
    assert code == 2 and err.strip() == (
        "reyna: error: codex kind 'monster' is not one of character, place, item, lore"
    )


def test_replace_preview_apply_undo(capsys: pytest.CaptureFixture[str]) -> None:
    book, blob = _book_with_text(capsys, "Tomas sailed. Tomas slept.")
    preview = reyna_json(capsys, "replace", "Tomas", "Tom", "--in", book, "--preview")
    assert isinstance(preview, dict) and (preview["matches"], preview["applied"]) == (2, False)
    assert reyna_json(capsys, "blob", "show", blob)["data"]["content"] == "Tomas sailed. Tomas slept."  # type: ignore[index]
    done = reyna_json(capsys, "replace", "Tomas", "Tom", "--in", book)
    assert isinstance(done, dict) and done["applied"] and done["batch_id"]
    assert reyna_json(capsys, "blob", "show", blob)["data"]["content"] == "Tom sailed. Tom slept."  # type: ignore[index]
    code, out, _ = reyna(capsys, "replace-undo", "--in", book)
    assert code == 0 and out.startswith(f"undid replace {done['batch_id']}")
    assert reyna_json(capsys, "blob", "show", blob)["data"]["content"] == "Tomas sailed. Tomas slept."  # type: ignore[index]
    code, out, _ = reyna(capsys, "replace", "Zebedee", "Zed", "--in", book)
    assert code == 0 and out.strip() == "'Zebedee' → 'Zed': no matches; nothing written"
    code, _, err = reyna(capsys, "replace", "", "x", "--in", book)
    assert code == 2 and err.strip() == "reyna: error: replace needs text to find: the pattern is empty"
    code, _, err = reyna(capsys, "replace-undo", "--in", book)
    assert code == 2 and "no replace to undo" in err


def test_codex_rename_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    book, blob = _book_with_text(capsys, "Mara's boat. MARA laughed.")
    entry = reyna_json(capsys, "codex", "add", book, "Mara")
    assert isinstance(entry, dict)
    renamed = reyna_json(capsys, "codex", "rename", entry["id"], "Maren")
    assert isinstance(renamed, dict) and renamed["matches"] == 2
    assert reyna_json(capsys, "blob", "show", blob)["data"]["content"] == "Maren's boat. MAREN laughed."  # type: ignore[index]
    assert reyna_json(capsys, "codex", "show", entry["id"])["name"] == "Maren"  # type: ignore[index]
