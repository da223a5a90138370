"""Markdown folder export/import: a round trip that keeps tree, names, order, texts, tags, metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reyna_desktop.interchange.mdfolder import export_markdown, import_markdown, parse_markdown
from reyna_desktop.store import Store

WAV = (b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00D\xac\x00\x00\x88X\x01\x00\x02\x00\x10\x00"
       b"data\x00\x00\x00\x00")


def _snapshot(store: Store, bucket_id: str) -> dict[str, Any]:
    bucket = store.buckets.get(bucket_id)
    blobs = []
    for blob in store.blobs.in_bucket(bucket_id):
        schema = store.schemas.get(blob.schema_id)
        entry: dict[str, Any] = {
            "schema": blob.schema_id, "title": blob.title, "tags": blob.tags, "data": store.blobs.data(blob.id),
            "final": blob.is_final, "in": len(blob.bucket_ids),
            "parent_title": store.blobs.get(blob.parent_id).title if blob.parent_id else None,
        }
        if schema.is_binary:
            entry["bytes"] = store.blobs.content(blob.id)
        blobs.append(entry)
    return {
        "name": bucket.name, "type": bucket.type, "description": bucket.description, "metadata": bucket.metadata,
        "tags": bucket.tags, "blobs": blobs,
        "children": [_snapshot(store, c.id) for c in store.buckets.children(bucket_id)],
    }


def test_round_trip_loses_nothing(store: Store, tmp_path: Path) -> None:
    book = store.templates.instantiate("book", "Round: Trip / Book", metadata={"author": "Ana Ñúñez"})
    part = store.buckets.create("Part Two", "part", parent_id=book.id, tags=["draft"])
    chapters = []
    for i in range(12):  # more than 9: the numeric prefixes must keep the order
        chapters.append(store.buckets.create(f"Chapter {i + 1}", "chapter", parent_id=part.id,
                                             metadata={"chapter_number": i + 1}))
    texts = ["---\nnot front matter\n---\n", "Line one\n\n  indented  \n", "", "Ünïcødé — “quotes” 🎵\n", "a\r\nb"]
    first = None
    for i, text in enumerate(texts):
        blob = store.blobs.create({"content": text, "format": "markdown", "role": "draft"},
                                  bucket_ids=[chapters[i].id], title=f"Draft {i}", tags=["t1", f"n{i}"])
        first = first or blob
    assert first is not None
    store.blobs.derive(first.id, {"original": texts[0], "expanded": "expanded\n", "expansion_ratio": 3.0},
                       schema_id="expanded-text-v1", processor_id="text-expansion", tags=["ai"])
    store.blobs.set_final(first.id)
    store.blobs.link(first.id, part.id)  # in two buckets of the tree
    for i in range(15):
        store.blobs.create({"content": f"note {i}"}, bucket_ids=[chapters[11].id], title=f"Note {i}")
    wav = tmp_path / "take.wav"
    wav.write_bytes(WAV)
    store.blobs.create(schema_id="audio-v1", file=wav, bucket_ids=[part.id], tags=["take"])
    store.blobs.create({"source": "{title: S}\n[C]la"}, schema_id="chordpro-v1", bucket_ids=[part.id])
    before = _snapshot(store, book.id)

    report = export_markdown(store, book.id, tmp_path / "out")
    root = Path(report.root)
    assert (root / "_bucket.json").is_file() and root.name == "Round_ Trip _ Book"
    md = sorted(root.rglob("*.md"))
    front, body = parse_markdown(next(p for p in md if "Draft 0" in p.name).read_text(encoding="utf-8"))
    assert front["title"] == "Draft 0" and body == texts[0]

    imported = import_markdown(store, root)
    after = _snapshot(store, str(imported.root))
    assert after == before
    assert imported.buckets == report.buckets and imported.blobs == report.blobs


def test_plain_notes_folder_imports(store: Store, tmp_path: Path) -> None:
    notes = tmp_path / "My Notes"
    (notes / "ideas").mkdir(parents=True)
    (notes / "b.md").write_text("# B\nsecond", encoding="utf-8")
    (notes / "a.txt").write_text("first", encoding="utf-8")
    (notes / "ideas" / "song.cho").write_text("{title: X}", encoding="utf-8")
    (notes / "junk.bin").write_bytes(b"\0")
    report = import_markdown(store, notes)
    root = store.buckets.get(str(report.root))
    assert root.name == "My Notes" and root.type == "folder"
    assert [b.title for b in store.blobs.in_bucket(root.id)] == ["a", "b"]
    [ideas] = store.buckets.children(root.id)
    assert store.blobs.in_bucket(ideas.id)[0].schema_id == "chordpro-v1"
    assert report.skipped == [str(notes / "junk.bin")]


def test_cli_export_and_import(store: Store, tmp_path: Path) -> None:
    from reyna_desktop.cli import main

    book = store.templates.instantiate("book", "CLI Book")
    store.blobs.create({"content": "hello"}, bucket_ids=[book.id], title="Hello")
    data_dir = str(store.data_dir)
    assert main(["--data-dir", data_dir, "export-md", book.id, str(tmp_path / "md")]) == 0
    assert main(["--data-dir", data_dir, "export-md", book.id, str(tmp_path / "md")]) == 2  # never overwrites
    parent = store.buckets.create("Imports")
    assert main(["--data-dir", data_dir, "import-md", str(tmp_path / "md" / "CLI Book"), "--parent", parent.id]) == 0
    [copy] = store.buckets.children(parent.id)
    assert _snapshot(store, copy.id) == _snapshot(store, book.id)
