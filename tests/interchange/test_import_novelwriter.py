"""novelWriter's own sample project imported: the tree by heading level, notes as research, references,
comments and synopses kept, word counts as novelWriter counts them; a missing content file writes nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from reyna_desktop.cli import main as cli_main
from reyna_desktop.errors import ReynaError
from reyna_desktop.interchange.importers import ImportCancelled, import_project
from reyna_desktop.interchange.importers.novelwriter import novelwriter_words, split_sections
from reyna_desktop.store import Store

SAMPLE = Path(__file__).parent / "fixtures" / "novelwriter_sample"
# Documents whose file in the fixture is a later or earlier version than the one nwProject.nwx
# describes (see fixtures/novelwriter_sample/README.md): their stored word counts cannot agree.
OTHER_VERSION = {"974e400180a99", "6a2d6d5f4f401", "636b6aa9b697b", "bacb7059e3083", "8a5deb88c0e97"}


def tree(store: Store, bucket_id: str) -> dict[str, Any]:
    bucket = store.buckets.get(bucket_id)
    return {"name": bucket.name, "type": bucket.type,
            "children": [tree(store, c.id) for c in store.buckets.children(bucket_id)]}


def texts(store: Store, bucket_id: str) -> list[dict[str, Any]]:
    out = []
    for b in store.buckets.descendants(bucket_id, include_self=True):
        for blob in store.blobs.in_bucket(b.id, schema_ids=["text-input-v1"]):
            out.append({"bucket": b.name, "title": blob.title, "words": blob.word_count, **store.blobs.data(blob.id)})
    return out


def test_sample_project_becomes_books_and_research(store: Store) -> None:
    result = import_project(store, SAMPLE)
    assert result.warnings == ["Trash: 1 item(s) in novelWriter's trash not imported"]
    roots = [store.buckets.get(r) for r in result.root_ids]
    assert [(r.name, r.type) for r in roots] == [
        ("Novel", "book"), ("Sequel", "book"), ("Characters", "characters"), ("Locations", "research"),
        ("Archive", "research"), ("Templates", "research")]
    assert roots[0].metadata["author"] == "Jane Smith" and roots[0].metadata["language"] == "en-GB"
    part = tree(store, roots[0].id)["children"][2]
    assert part["name"] == "Part One" and part["type"] == "part"
    chapter = part["children"][0]
    assert (chapter["name"], chapter["type"]) == ("Basic Formatting", "chapter")
    assert [c["name"] for c in chapter["children"]] == ["Making a Scene", "Another Scene", "More Scenes"]
    assert [c["name"] for c in part["children"]] == ["Basic Formatting", "Interlude", "Where has John Gone?"]
    interlude = store.buckets.get(next(b.id for b in store.buckets.descendants(roots[0].id) if b.name == "Interlude"))
    assert interlude.metadata["numbered"] is False

    novel = {t["title"]: t for t in texts(store, roots[0].id)}
    scene = novel["Making a Scene"]
    assert scene["metadata"]["references"] == {"pov": ["Jane"], "char": ["John", "Jane"], "location": ["Earth"]}
    assert "like **bold**, _italic_ and **_bold italic_**" in scene["content"]
    assert "this A with B, and this C with D" in scene["content"]  # the project's auto-replace applied
    assert "[sup]" not in scene["content"] and "@pov" not in scene["content"]
    assert "> This paragraph is indented" in scene["content"]
    formatting = novel["Basic Formatting"]["metadata"]
    assert formatting["references"] == {"tag": ["Formatting"]}
    assert "Story.Resolution: You can describe the scene structure with story comments." in formatting["comments"]
    verse = novel["Interlude"]["content"]
    assert "modern Major-General\\\nI've information" in verse  # single line breaks stay breaks
    assert "\tWith" not in verse  # a leading tab would make a code block
    assert novel["A Note on Structure"]["role"] == "notes"

    sequel = store.buckets.descendants(roots[1].id)
    assert next(b for b in sequel if b.name == "Chapter One").description == "Remember Jane and John?"
    john = next(t for t in texts(store, roots[2].id) if t["title"] == "John Smith")
    assert john["role"] == "notes" and john["metadata"]["synopsis"] == "The sidekick"
    assert john["metadata"]["references"] == {"tag": ["John"]}
    assert john["metadata"]["novelwriter"]["importance"] == "Major"


def nwx_counts() -> dict[str, tuple[str, int]]:
    from xml.etree import ElementTree

    root = ElementTree.parse(SAMPLE / "nwProject.nwx").getroot()
    return {item.get("handle", ""): (item.get("class", ""), int(item.find("meta").get("wordCount")))  # type: ignore[union-attr]
            for item in root.iter("item") if item.get("type") == "FILE"}


def test_word_counts_agree_with_novelwriter(store: Store) -> None:
    counts = nwx_counts()
    for handle, (_, expected) in counts.items():
        text = (SAMPLE / "content" / f"{handle}.nwd").read_text(encoding="utf-8")
        if handle not in OTHER_VERSION:
            assert novelwriter_words(text) == expected, handle
    result = import_project(store, SAMPLE)
    ours: dict[str, int] = {}
    for root in result.root_ids:
        for t in texts(store, root):
            handle = t["metadata"]["novelwriter"]["handle"]
            ours[handle] = ours.get(handle, 0) + t["words"]
    same = [h for h in counts if h not in OTHER_VERSION and counts[h][0] != "TRASH"]
    theirs_total = sum(counts[h][1] for h in same)
    ours_total = sum(ours[h] for h in same)
    assert abs(ours_total - theirs_total) <= 0.01 * theirs_total, (ours_total, theirs_total)


def test_sections_split_at_headings_and_keep_comments_out_of_the_prose() -> None:
    sections = split_sections("### One\n\n@pov: A\n% Synopsis: short\n\nText [i]here[/i].[footnote:k]\n\n"
                              "%Footnote.k: The note.\n\n### Two\n\n山と海の物語。\n", {})
    assert [(s.level, s.title) for s in sections] == [(3, "One"), (3, "Two")]
    assert sections[0].markdown() == "### One\n\nText *here*.[^k]\n\n[^k]: The note.\n"
    assert sections[0].synopsis == "short" and sections[0].references == {"pov": ["A"]}
    assert "山と海の物語。" in sections[1].markdown()


def test_missing_content_file_fails_naming_it_and_writes_nothing(store: Store, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    (project / "content" / "ae7339df26ded.nwd").unlink()
    assert cli_main(["import", str(project)]) == 2
    err = capsys.readouterr().err
    assert "ae7339df26ded.nwd: the content file of 'We Found John!' is missing" in err
    assert store.buckets.roots() == []


def test_not_utf8_content_is_refused_and_cancel_writes_nothing(store: Store, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    (project / "content" / "bb2c23b3c42cc.nwd").write_bytes("# Jane\n\nCaf\xe9".encode("cp1252"))
    with pytest.raises(ReynaError, match=r"bb2c23b3c42cc\.nwd: not UTF-8 text"):
        import_project(store, project)
    calls = iter(range(100))
    with pytest.raises(ImportCancelled):
        import_project(store, SAMPLE, should_cancel=lambda: next(calls) == 5)
    assert store.buckets.roots() == [] and store.blobs.trashed() == []


@pytest.mark.parametrize(("text", "message"), [
    ("not xml at all", "not a novelWriter project file"),
    ("<novelWriterXML><content><item handle='0123456789abc' order='first'/></content></novelWriterXML>",
     "not a novelWriter project file (invalid literal"),
    ("<scrivener/>", "not a novelWriter project file (root element <scrivener>)"),
])
def test_a_broken_project_file_is_refused(store: Store, tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "nwProject.nwx").write_text(text, encoding="utf-8")
    with pytest.raises(ReynaError, match=re.escape(message)):
        import_project(store, tmp_path)
    assert store.buckets.roots() == []
