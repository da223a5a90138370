"""Importing files and folders into a bucket: schemas, sub-buckets, skips with reasons, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reyna_desktop.interchange import file_import
from reyna_desktop.interchange.file_import import ImportCancelled, import_files
from reyna_desktop.store import Store
from tests.interchange.media_files import drop_folder


def test_files_and_a_folder_become_blobs_and_a_sub_bucket(store: Store, tmp_path: Path) -> None:
    track = store.buckets.create("Track 1", "track")
    summary = import_files(store, drop_folder(tmp_path / "drop"), track.id)
    by_schema = sorted(store.blobs.get(b).schema_id for b in summary.blob_ids)
    assert by_schema == ["audio-v1", "chordpro-v1", "image-v1", "text-input-v1"]
    (charts,) = store.buckets.children(track.id)
    assert charts.name == "Charts" and summary.bucket_ids == [charts.id]
    (chart,) = store.blobs.in_bucket(charts.id)
    assert chart.schema_id == "chordpro-v1" and "Harbour Light" in store.blobs.data(chart.id)["source"]
    assert store.blobs.data(next(b for b in summary.blob_ids
                                 if store.blobs.get(b).schema_id == "audio-v1"))["duration_s"] == 0.25
    assert [(Path(s.path).name, s.reason) for s in summary.skipped] == [
        ("session.logicx", "unsupported file type '.logicx'")]  # .DS_Store is hidden: left out silently


def test_a_cancel_or_a_failure_leaves_nothing_half_imported(store: Store, tmp_path: Path) -> None:
    track = store.buckets.create("Track", "track")
    files = drop_folder(tmp_path / "drop")
    seen: list[int] = []
    with pytest.raises(ImportCancelled, match="nothing was imported"):
        import_files(store, files, track.id, on_progress=lambda done, total: seen.append(done),
                     is_cancelled=lambda: len(seen) >= 2)
    assert seen == [1, 2]
    assert store.blobs.in_bucket(track.id, recursive=True) == [] and store.buckets.children(track.id) == []

    def broken(_store: Store, path: Path, _bucket: str) -> file_import.Imported:
        raise RuntimeError(f"importer crashed on {path.name}")

    file_import.register([".boom"], broken)
    (tmp_path / "drop" / "last.boom").write_text("x")
    try:
        with pytest.raises(RuntimeError, match="crashed"):
            import_files(store, [*files, tmp_path / "drop" / "last.boom"], track.id)
    finally:
        file_import._IMPORTERS.pop(".boom")
    assert store.blobs.in_bucket(track.id, recursive=True) == [] and store.buckets.children(track.id) == []


def test_a_format_plugs_in_with_one_registration_and_limits_are_reported(store: Store, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = store.buckets.create("Inbox", "folder")

    def lines(s: Store, path: Path, bucket_id: str) -> file_import.Imported:
        made = [s.blobs.create({"content": line}, bucket_ids=[bucket_id]) for line in path.read_text().splitlines()]
        return file_import.Imported([b.id for b in made])

    file_import.register([".LINES"], lines)
    try:
        (tmp_path / "two.lines").write_text("first\nsecond\n")
        big = tmp_path / "big.txt"
        big.write_text("x" * 2048)
        monkeypatch.setattr(file_import, "MAX_FILE_BYTES", 1024)
        summary = import_files(store, [tmp_path / "two.lines", big, tmp_path / "gone.md"], folder.id)
    finally:
        file_import._IMPORTERS.pop(".lines")
    assert [store.blobs.text(b) for b in summary.blob_ids] == ["first", "second"]
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert reasons["big.txt"].startswith("too large") and reasons["gone.md"].startswith("unreadable")


def test_a_dropped_novelwriter_folder_comes_in_as_a_project_not_file_by_file(store: Store, tmp_path: Path) -> None:
    sample = Path(__file__).parent / "fixtures" / "novelwriter_sample"
    inbox = store.buckets.create("Inbox", "folder")
    summary = import_files(store, [sample], inbox.id)
    books = [b for b in store.buckets.children(inbox.id) if b.type == "book"]
    assert "Novel" in {b.name for b in books} and summary.blob_ids
    assert not any(s.reason.startswith("unsupported") for s in summary.skipped)  # no .nwd walked as a loose file
    texts = store.blobs.in_bucket(inbox.id, recursive=True)
    assert texts and {b.id for b in texts} == set(summary.blob_ids)
