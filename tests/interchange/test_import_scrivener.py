"""Scrivener 3 projects: a real one (marion.scriv, Scrivener 3.1.1 for Mac) and small ones written here in the
form Scrivener writes (binder XML, Cocoa RTF, synopsis.txt, notes.rtf, Snapshots/) for what the real one lacks;
bad input (not XML, a 0-byte RTF, file 37 of 40 broken) writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reyna_desktop.cli import main as cli_main
from reyna_desktop.interchange.importers import import_project
from reyna_desktop.interchange.importers.rtf import rtf_to_markdown
from reyna_desktop.store import Store

MARION = Path(__file__).parent / "fixtures" / "scrivener_marion" / "marion.scriv"
COCOA_HEAD = (r"{\rtf1\ansi\ansicpg1252\cocoartf2639" "\n" r"\cocoatextscaling0\cocoaplatform0{\fonttbl\f0\froman"
              r"\fcharset0 Palatino-Roman;\f1\froman\fcharset0 Palatino-Italic;}" "\n"
              r"{\colortbl;\red255\green255\blue255;}" "\n" r"{\*\expandedcolortbl;;}" "\n"
              r"\pard\tx360\fi360\sl264\slmult1\pardirnatural\partightenfactor0" "\n\n" r"\f0\fs26 \cf0 ")


def rtf(body: str) -> bytes:
    return (COCOA_HEAD + body + "}").encode("ascii")


def binder_item(uuid: str, title: str, kind: str = "Text", children: str = "") -> str:
    kids = f"<Children>{children}</Children>" if children else ""
    return (f'<BinderItem UUID="{uuid}" Type="{kind}" Created="2024-01-02 10:00:00 +0100" '
            f'Modified="2024-03-04 12:30:00 +0100"><Title>{title}</Title>{kids}</BinderItem>')


def make_project(root: Path, draft: str, research: str = "") -> Path:
    project = root / "Novel.scriv"
    (project / "Files" / "Data").mkdir(parents=True)
    binder = (binder_item("D0000000-0000-0000-0000-000000000000", "Draft", "DraftFolder", draft)
              + binder_item("E0000000-0000-0000-0000-000000000000", "Research", "ResearchFolder", research)
              + binder_item("F0000000-0000-0000-0000-000000000000", "Trash", "TrashFolder"))
    (project / "Novel.scrivx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ScrivenerProject Version="2.0" Author="Mei Ling">'
        f"<Binder>{binder}</Binder></ScrivenerProject>", encoding="utf-8")
    return project


def data(project: Path, uuid: str) -> Path:
    folder = project / "Files" / "Data" / uuid
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_real_project_from_scrivener(store: Store) -> None:
    result = import_project(store, MARION)
    assert result.warnings == []
    book = store.buckets.get(result.root_ids[0])
    assert (book.name, book.type, book.metadata["author"]) == ("marion", "book", "Philippe Perret")
    chapters = store.buckets.children(book.id)
    assert [(c.name, c.type) for c in chapters] == [("Premier chapitre", "chapter"), ("Dossier à passer", "chapter")]
    assert [s.name for s in store.buckets.children(chapters[1].id)] == [
        "Un second chapitre pour voir", "Un troisième chapitre pour voir"]
    first = store.blobs.in_bucket(chapters[0].id)[0]
    assert store.blobs.data(first.id)["content"] == (
        "Un premier chapitre de Marion.\n\nPour voir.\n\nLe mot Marion Marion est répété.\n")
    assert first.created_at == "2018-11-08T12:32:57.000000Z"  # the document's Modified date, in UTC
    research = store.buckets.get(result.root_ids[1])
    assert (research.name, research.type) == ("Recherche", "research")


def test_italics_synopsis_notes_snapshots_and_other_scripts(store: Store, tmp_path: Path) -> None:
    scene, note = "A1111111-0000-0000-0000-000000000000", "B2222222-0000-0000-0000-000000000000"
    project = make_project(tmp_path, binder_item("C0000000-0000-0000-0000-000000000000", "Chapter One", "Folder",
                                                 binder_item(scene, "Arrival")), binder_item(note, "Places"))
    folder = data(project, scene)
    (folder / "content.rtf").write_bytes(rtf(r"She said \'93no\'94 \uc0\u8212  and left. It was" "\n"
                                             r"\f1\i  very" "\n" "\\f0\\i0  cold.\\\n\\\n"
                                             "\\pard\\qc #\\\n" r"\pard Second \b part\b0  \u23665 \u12392 \u28023 ."))
    (folder / "synopsis.txt").write_text("山の上で会う。", encoding="utf-8")
    (folder / "notes.rtf").write_bytes(rtf(r"Check the \i tide\i0  tables."))
    snaps = project / "Snapshots" / f"{scene}.snapshots"
    snaps.mkdir(parents=True)
    (snaps / "index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Snapshots Version="1.0">'
        "<Snapshot><Title>Second go</Title><Date>2024-02-01 09:00:00 -0500</Date></Snapshot>"
        "<Snapshot><Title>First go</Title><Date>2024-01-05 08:00:00 +0100</Date></Snapshot></Snapshots>",
        encoding="utf-8")
    (snaps / "2024-01-05-08-00-00+0100.rtf").write_bytes(rtf("She left."))
    (snaps / "2024-02-01-09-00-00-0500.rtf").write_bytes(rtf(r"She said no and \i left\i0 ."))
    (data(project, note) / "content.rtf").write_bytes(
        (r"{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2, \'ec\'e8\'f0!}").encode("ascii"))

    result = import_project(store, project)
    assert result.warnings == []
    book = store.buckets.get(result.root_ids[0])
    chapter = store.buckets.children(book.id)[0]
    arrival = store.buckets.children(chapter.id)[0]
    assert (chapter.type, arrival.type, arrival.description) == ("chapter", "scene", "山の上で会う。")
    blobs = store.blobs.in_bucket(arrival.id)
    text, notes = (store.blobs.data(b.id) for b in blobs)
    assert text["content"] == ("She said “no” — and left. It was *very* cold.\n\n***\n\n"
                               "Second **part** 山と海.\n")
    assert text["metadata"]["synopsis"] == "山の上で会う。"
    assert notes == {"content": "Check the *tide* tables.\n", "title": "Notes: Arrival", "role": "notes"}
    history = sorted(store.blobs.history(blobs[0].id), key=lambda v: v.version)
    assert [(v.created_at, v.note) for v in history] == [
        ("2024-01-05T07:00:00.000000Z", "Scrivener snapshot: First go"),
        ("2024-02-01T14:00:00.000000Z", "Scrivener snapshot: Second go"),
        ("2024-03-04T11:30:00.000000Z", "imported")]
    assert store.blobs.data(blobs[0].id, version=2)["content"] == "She said no and *left*.\n"
    places = store.buckets.get(result.root_ids[1])
    assert store.blobs.data(store.blobs.in_bucket(places.id)[0].id)["content"] == "Привет, мир!\n"


def test_not_xml_and_empty_rtf_are_refused_with_nothing_written(store: Store, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.scriv"
    broken.mkdir()
    (broken / "broken.scrivx").write_text("{\\rtf1 this is not XML}", encoding="utf-8")
    assert cli_main(["import", str(broken)]) == 2
    assert "broken.scrivx: not a Scrivener project file: the XML cannot be read" in capsys.readouterr().err

    many = "".join(binder_item(f"{n:08d}-0000-0000-0000-000000000000", f"Scene {n}") for n in range(1, 41))
    project = make_project(tmp_path, binder_item("C0000000-0000-0000-0000-000000000000", "Chapter", "Folder", many))
    for n in range(1, 41):
        (data(project, f"{n:08d}-0000-0000-0000-000000000000") / "content.rtf").write_bytes(
            b"" if n == 37 else rtf(f"Scene {n} text."))
    assert cli_main(["import", str(project)]) == 2
    err = capsys.readouterr().err
    assert "00000037-0000-0000-0000-000000000000/content.rtf: the file is empty (0 bytes), not RTF" in err
    assert store.buckets.roots() == []


def test_rtf_reader_keeps_word_footnotes_and_bounds_nesting() -> None:
    word = (rb"{\rtf1\ansi{\fonttbl{\f0 Times;}}\pard Text{\super\chftn}"
            rb"{\footnote\pard\plain{\super\chftn} A \i note\i0.} goes on.\par Next\line line.\par}")
    assert rtf_to_markdown(word, "w.rtf") == "Text[^1] goes on.\n\nNext\\\nline.\n\n[^1]: A *note*.\n"
    with pytest.raises(Exception, match="nested more than"):
        rtf_to_markdown(b"{\\rtf1 " + b"{" * 10_000 + b"}" * 10_000 + b"}", "deep.rtf")
    with pytest.raises(Exception, match="not an RTF file"):
        rtf_to_markdown(b"PK\x03\x04 zip", "z.rtf")


def test_label_status_keywords_and_compile_flag_are_kept(store: Store, tmp_path: Path) -> None:
    project = make_project(tmp_path, binder_item("A3333333-0000-0000-0000-000000000000", "Cut scene"))
    scrivx = project / "Novel.scrivx"
    xml = scrivx.read_text(encoding="utf-8").replace(
        "<Title>Cut scene</Title>",
        "<Title>Cut scene</Title><MetaData><IncludeInCompile>No</IncludeInCompile><LabelID>1</LabelID>"
        "<StatusID>2</StatusID></MetaData><Keywords><KeywordID>7</KeywordID></Keywords>").replace(
        "</Binder>", "</Binder><LabelSettings><Labels><Label ID=\"1\">Flashback</Label></Labels></LabelSettings>"
        "<StatusSettings><StatusItems><Status ID=\"2\">First Draft</Status></StatusItems></StatusSettings>"
        "<Keywords><Keyword ID=\"7\"><Title>Harbour</Title></Keyword></Keywords>")
    scrivx.write_text(xml, encoding="utf-8")
    (data(project, "A3333333-0000-0000-0000-000000000000") / "content.rtf").write_bytes(rtf("Gone."))
    book = import_project(store, project).root_ids[0]
    scene = store.buckets.children(book)[0]
    assert scene.metadata["scrivener"] == {"uuid": "A3333333-0000-0000-0000-000000000000", "label": "Flashback",
                                           "status": "First Draft", "keywords": ["Harbour"],
                                           "include_in_compile": False}
