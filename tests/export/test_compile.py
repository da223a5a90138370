"""compile_bucket end to end: text selection, presets, the section cache, the stored result, bad input,
Markdown/HTML golden files, the CLI and the book-compiler processor."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reyna_desktop.cli import main as cli_main
from reyna_desktop.errors import ReynaError
from reyna_desktop.export import compile_bucket, get_preset, list_presets, save_preset
from reyna_desktop.export.samples import make_generated_book, make_sample_book, png
from reyna_desktop.store import Store

GOLDEN = Path(__file__).parent / "golden"


def normalise(text: str) -> str:
    """Ids differ run to run (bucket and blob ids): number them in order of appearance."""
    seen: dict[str, str] = {}

    def stable(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"ID{len(seen) + 1}")

    return re.sub(r"\b(d[0-9a-f]{8}|bl_[0-9a-f]{16}|bk_[0-9a-f]{16})\b", stable, text)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("REYNA_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; REYNA_UPDATE_GOLDEN=1 rewrites it"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_text_formats_match_golden_files(store: Store, out: Path, fmt: str) -> None:
    book = make_sample_book(store)
    result = compile_bucket(store, book, fmt, out / f"book.{fmt}", options={"include_index": True})
    assert result.warnings == []
    check_golden(f"sample_book.{fmt}", normalise(result.path.read_text(encoding="utf-8")))


def chapter_with(store: Store) -> tuple[str, str]:
    book = store.templates.instantiate("book", "Rules")
    part = next(b for b in store.buckets.children(book.id) if b.type == "part")
    chapter = store.buckets.children(part.id)[0]
    return book.id, chapter.id


def compiled_text(store: Store, book: str, out: Path) -> str:
    return compile_bucket(store, book, "md", out / "rules.md", store_result=False).path.read_text()


def test_text_selection_rule(store: Store, out: Path) -> None:
    book, chapter = chapter_with(store)
    store.blobs.create({"content": "old draft", "role": "draft"}, bucket_ids=[chapter])
    store.blobs.create({"content": "notes only", "role": "notes"}, bucket_ids=[chapter])
    assert "old draft" in compiled_text(store, book, out)
    draft2 = store.blobs.create({"content": "newer draft"}, bucket_ids=[chapter])
    assert "newer draft" in compiled_text(store, book, out)
    store.blobs.create({"original": "x", "expanded": "expanded text", "expansion_ratio": 2.0},
                       schema_id="expanded-text-v1", bucket_ids=[chapter])
    assert "expanded text" in compiled_text(store, book, out)  # edited beats draft
    store.blobs.create({"content": "an edit", "role": "edited"}, bucket_ids=[chapter])
    assert "an edit" in compiled_text(store, book, out)  # the newest edited one
    first = store.blobs.in_bucket(chapter)[0]
    store.blobs.set_final(first.id)
    text = compiled_text(store, book, out)
    assert "old draft" in text and "an edit" not in text and "notes only" not in text  # final wins
    store.buckets.update(chapter, metadata={"final_blob_id": draft2.id}, merge_metadata=True)
    assert "newer draft" in compiled_text(store, book, out)  # the per-bucket choice wins over all


def test_scenes_nest_under_chapters_at_any_depth(store: Store, out: Path) -> None:
    book, chapter = chapter_with(store)
    store.blobs.create({"content": "Chapter opening."}, bucket_ids=[chapter])
    scene = store.buckets.create("Scene A", "scene", parent_id=chapter)
    store.blobs.create({"content": "Scene A text."}, bucket_ids=[scene.id])
    deeper = store.buckets.create("Beat", "scene", parent_id=scene.id)
    store.blobs.create({"content": "Deep beat."}, bucket_ids=[deeper.id])
    research = next(b for b in store.buckets.children(book) if b.type == "research")
    store.blobs.create({"content": "Research never compiled."}, bucket_ids=[research.id])
    result = compile_bucket(store, book, "md", out / "n.md", options={"scene_separator": "~"})
    text = result.path.read_text()
    assert text.index("Chapter opening.") < text.index("Scene A text.") < text.index("Deep beat.")
    assert text.count("***") == 2 and "Research" not in text
    assert result.chapter_count == 1 and result.word_count == 7


def test_heading_templates_and_numbering(store: Store, out: Path) -> None:
    book, chapter = chapter_with(store)
    store.buckets.rename(chapter, "Storm")
    store.blobs.create({"content": "x"}, bucket_ids=[chapter])
    for options, heading in (({"numbering": "roman"}, "## Chapter I: Storm"),
                             ({"numbering": "words", "chapter_template": "{n}. {title}"}, "## One. Storm")):
        assert heading in compile_bucket(store, book, "md", out / "h.md", options=options).path.read_text()
    with pytest.raises(ReynaError, match=r"unknown field \{number\}"):
        compile_bucket(store, book, "md", out / "h.md", options={"chapter_template": "Chapter {number}"})


def test_presets_are_saved_checked_and_used(store: Store, out: Path) -> None:
    book = make_sample_book(store)
    save_preset(store, book, "Paperback", {"trim_size": "a5", "include_index": True, "numbering": "roman"})
    assert list_presets(store, book) == {"Paperback": {"trim_size": "a5", "include_index": True, "numbering": "roman"}}
    assert get_preset(store, book, "Paperback").trim_size == "a5"
    result = compile_bucket(store, book, "md", out / "p.md", preset="Paperback", options={"numbering": "arabic"})
    assert result.options["trim_size"] == "a5" and result.options["numbering"] == "arabic"
    with pytest.raises(ReynaError, match="trim_size"):
        save_preset(store, book, "Bad", {"trim_size": "b5"})
    with pytest.raises(ReynaError, match=r"no compile preset 'Nope'.*Paperback"):
        compile_bucket(store, book, "epub", out / "p.epub", preset="Nope")
    with pytest.raises(ReynaError, match="compile option 'colour' is unknown"):
        compile_bucket(store, book, "epub", out / "p.epub", options={"colour": "red"})


def test_recompiling_after_one_edit_renders_only_that_chapter(store: Store, out: Path) -> None:
    book, chapters = make_generated_book(store, chapters=8, words=2_000, parts=2)
    first = compile_bucket(store, book, "epub", out / "g.epub")
    assert (first.sections_rendered, first.sections_cached) == (10, 0)
    again = compile_bucket(store, book, "epub", out / "g.epub")
    assert (again.sections_rendered, again.sections_cached) == (0, 10)
    draft = store.blobs.in_bucket(chapters[3])[0]
    store.blobs.update(draft.id, {"content": "A new opening.\n\n" + store.blobs.data(draft.id)["content"]})
    edited = compile_bucket(store, book, "epub", out / "g.epub")
    assert (edited.sections_rendered, edited.sections_cached) == (1, 9)
    assert edited.blob_id == first.blob_id


def test_result_is_stored_as_a_versioned_blob_with_an_event(store: Store, out: Path) -> None:
    book = make_sample_book(store)
    seen: list[dict[str, object]] = []
    store.bus.subscribe("bucket.processing.completed", lambda e: seen.append(e.payload))
    result = compile_bucket(store, book, "epub", out / "book.epub")
    blob = store.blobs.get(result.blob_id or "")
    data = store.blobs.data(blob.id)
    assert blob.schema_id == "compiled-book-v1" and book in blob.bucket_ids and blob.version == 1
    assert data["format"] == "epub" and data["mime"] == "application/epub+zip" and data["book_bucket_id"] == book
    assert data["chapter_count"] == 3 and data["word_count"] == result.word_count > 100
    assert data["sources"] == result.sources and len(data["sources"]) == 4
    assert store.blobs.content(blob.id) == result.path.read_bytes()
    assert seen == [{"bucket_id": book, "processor_id": "book-compiler", "output_blob_id": blob.id}]
    draft = result.sources[0]["blob_id"]
    store.blobs.update(draft, {"content": "Edited.", "role": "draft"})
    again = compile_bucket(store, book, "epub", out / "book.epub")
    assert again.blob_id == blob.id and store.blobs.get(blob.id).version == 2  # a new version of the same blob
    assert store.blobs.content(blob.id, version=1) != store.blobs.content(blob.id)
    other = compile_bucket(store, book, "md", out / "book.md")
    assert other.blob_id != blob.id


def test_bad_input_gives_warnings_not_broken_books(store: Store, out: Path) -> None:
    book, chapter = chapter_with(store)
    part = store.buckets.get(chapter).parent_id
    store.buckets.update(book, metadata={"language": "xx", "cover_blob_id": "bl_missing", "author": "A"},
                         merge_metadata=True)
    store.blobs.create({"content": "```\nnever closed\n\nText with a [^ghost] note and <div>html</div>."},
                       bucket_ids=[chapter])
    store.buckets.create("Empty One", "chapter", parent_id=part)
    long = store.buckets.create("Long Line", "chapter", parent_id=part)
    store.blobs.create({"content": ("word " * 20_000)[:-1] + "."}, bucket_ids=[long.id])
    big = store.buckets.create("Picture", "chapter", parent_id=part)
    store.blobs.create({"content": "![A huge map](map.png)\n\n![gone](nowhere.png)\n\n[link](other.md)"},
                       bucket_ids=[big.id])
    store.blobs.create({}, schema_id="image-v1", bucket_ids=[big.id], content=png(2500, 1700), filename="map.png")
    result = compile_bucket(store, book, "epub", out / "bad.epub")
    text = "\n".join(result.warnings)
    for expected in ("language 'xx' is not a known language code", "cover image 'bl_missing' is missing",
                     "never closed", "[^ghost] has no definition", "Empty One: the chapter has no text",
                     "100,000 characters", "image 'map.png' is 2500x1700 pixels", "scaled to 2000x1360",
                     "image 'nowhere.png' is not in the book", "link to 'other.md' is not a web address"):
        assert expected in text, (expected, text)
    assert result.chapter_count == 4 and result.path.stat().st_size > 0
    pdf = compile_bucket(store, book, "pdf", out / "bad.pdf")
    assert pdf.path.read_bytes().startswith(b"%PDF")


def test_a_failed_compile_leaves_no_file(store: Store, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = make_sample_book(store)
    target = out / "book.epub"
    target.write_bytes(b"the previous good book")
    from reyna_desktop.export import formats

    def broken(book: object, path: Path) -> None:
        path.write_bytes(b"half a book")
        raise RuntimeError("disk full")

    monkeypatch.setitem(formats.WRITERS, "epub", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        compile_bucket(store, book, "epub", target)
    assert target.read_bytes() == b"the previous good book"
    assert sorted(p.name for p in out.iterdir()) == ["book.epub"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fmt": "odt"}, "unknown format 'odt'"),
    ({"out_path": "/no/such/folder/x.epub"}, "does not exist"),
    ({"bucket_id": "bk_nothing"}, "no bucket"),
])
def test_clear_errors(store: Store, out: Path, kwargs: dict[str, str], message: str) -> None:
    book = make_sample_book(store)
    args = {"bucket_id": book, "fmt": "epub", "out_path": str(out / "x.epub"), **kwargs}
    with pytest.raises(ReynaError, match=message):
        compile_bucket(store, args["bucket_id"], args["fmt"], args["out_path"])


def test_a_book_without_chapters_fails_clearly(store: Store, out: Path) -> None:
    book = store.buckets.create("Empty", "book")
    with pytest.raises(ReynaError, match="nothing to compile"):
        compile_bucket(store, book.id, "epub", out / "x.epub")
    assert list(out.iterdir()) == []


def test_cli_compile(store: Store, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = make_sample_book(store)
    store.close()
    assert cli_main(["compile", book, "--format", "md", "--out", str(out / "c.md"), "--json",
                     "-O", "numbering=roman"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["chapter_count"] == 3 and report["blob_id"].startswith("bl_") and report["warnings"] == []
    assert "Chapter I: The Storm" in (out / "c.md").read_text()
    assert cli_main(["compile", book, "--format", "md", "--out", str(out / "c.md"), "--preset", "Nope"]) == 2
    assert "no compile preset 'Nope'" in capsys.readouterr().err
    assert cli_main(["compile-preset", "save", book, "Ebook", "-O", "include_index=true", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"Ebook": {"include_index": True}}


def test_book_compiler_processor(store: Store) -> None:
    base = pytest.importorskip("reyna_desktop.processors.base")
    from reyna_desktop.export.processor import BookCompilerProcessor
    from reyna_desktop.models import Job

    book = make_sample_book(store)
    job = Job(id="jb_1", processor_id="book-compiler", input={"bucket_id": book}, state="running",
              created_at="2025-01-01T00:00:00Z")
    fractions: list[float] = []
    ctx = base.JobContext(store, job, {"output_format": "md", "include_index": True},
                          processor=BookCompilerProcessor(), on_progress=fractions.append)
    blob_id = BookCompilerProcessor().run(ctx)
    data = store.blobs.data(blob_id)
    assert data["format"] == "md" and data["options"]["include_index"] is True
    assert fractions[-1] == 1.0 and "Chapter 1: The Storm" in store.blobs.content(blob_id).decode()
    assert BookCompilerProcessor().accepts_bucket("book") and BookCompilerProcessor().accepts_bucket("album")


@pytest.mark.parametrize(
    ("template", "title", "expected"),
    [
        ("Chapter {n}: {title}", "Chapter 1", "Chapter 3"),
        ("Chapter {n}: {title}", "Chapter 12: The Storm", "Chapter 3: The Storm"),
        ("Chapter {n}: {title}", "chapter seven — Night", "Chapter 3: Night"),
        ("Part {n}: {title}", "Part One: The Harbour", "Part 3: The Harbour"),
        ("Part {n}: {title}", "Part IV", "Part 3"),
        ("Part {n}: {title}", "Part Of Me", "Part 3: Part Of Me"),
        ("Chapter {n}: {title}", "Chapters of Life", "Chapter 3: Chapters of Life"),
        ("{title}", "Chapter 1", "Chapter 1"),
    ],
)
def test_a_title_that_carries_the_label_is_not_labelled_twice(template: str, title: str, expected: str) -> None:
    from reyna_desktop.export.assemble import _heading

    assert _heading(template, 3, title, "arabic") == expected


def test_a_book_of_loose_texts_compiles_each_as_a_chapter(store: Store, out: Path) -> None:
    book = store.buckets.create("Imported novel", "book")
    for text in ("# Arrival\n\nShe came on the night train.", "# Departure\n\nHe left before dawn.",
                 "Ideas for later"):
        store.blobs.create({"content": text, "role": "notes" if text.startswith("Ideas") else "draft"},
                           bucket_ids=[book.id])
    result = compile_bucket(store, book.id, "md", out / "novel.md")
    text = result.path.read_text(encoding="utf-8")
    assert result.chapter_count == 2 and "Chapter 1: Arrival" in text and "Chapter 2: Departure" in text
    assert "Ideas for later" not in text  # notes are never compiled
    assert any("each text in the book itself became a chapter" in w for w in result.warnings)
    assert "©" not in text  # no author, no year, no rights: no empty copyright line
