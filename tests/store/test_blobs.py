"""Blobs: validation, versions, lineage, membership, trash, binary files, large text."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from reyna_desktop.errors import IntegrityError, InvalidOperation, NotFound, ValidationFailed
from reyna_desktop.store import Store


@pytest.fixture
def chapter(store: Store) -> str:
    return store.buckets.create("Chapter", "chapter").id


def test_create_validates_and_writes_nothing_when_invalid(store: Store, chapter: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store.blobs.create({"content": 42}, bucket_ids=[chapter])
    assert caught.value.path == "$.content" and "not of type 'string'" in caught.value.reason
    with pytest.raises(NotFound):
        store.blobs.create({"content": "x"}, bucket_ids=["bk_missing"])
    with pytest.raises(NotFound):
        store.blobs.create({"content": "x"}, schema_id="no-such-schema-v1", bucket_ids=[chapter])
    assert store.blobs.in_bucket(chapter) == []
    assert store.query_one("SELECT COUNT(*) AS n FROM blob_versions")["n"] == 0  # type: ignore[index]


def test_every_update_is_a_version_and_any_can_be_restored(store: Store, chapter: str) -> None:
    blob = store.blobs.create({"content": "# Storm\n\nFirst draft."}, bucket_ids=[chapter])
    assert blob.title == "Storm" and blob.word_count == 3
    store.blobs.update_text(blob.id, "# Storm\n\nSecond draft, longer.")
    same = store.blobs.update_text(blob.id, "# Storm\n\nSecond draft, longer.")
    assert same.version == 2  # saving identical text makes no new version
    store.blobs.update_text(blob.id, "# Gale\n\nThird.")
    assert [v.version for v in store.blobs.history(blob.id)] == [3, 2, 1]
    assert store.blobs.get(blob.id).title == "Gale"  # a derived title follows the text
    restored = store.blobs.restore_version(blob.id, 1)
    assert restored.version == 4 and store.blobs.text(blob.id) == "# Storm\n\nFirst draft."
    assert store.blobs.data(blob.id, 2)["content"] == "# Storm\n\nSecond draft, longer."
    assert store.blobs.history(blob.id)[0].note == "restored version 1"


def test_explicit_title_stays(store: Store, chapter: str) -> None:
    blob = store.blobs.create({"content": "text"}, bucket_ids=[chapter], title="My title")
    assert store.blobs.update_text(blob.id, "other text").title == "My title"


def test_derive_keeps_lineage_both_ways(store: Store, chapter: str) -> None:
    draft = store.blobs.create({"content": "Short."}, bucket_ids=[chapter])
    expanded = store.blobs.derive(
        draft.id,
        {"original": "Short.", "expanded": "Much longer text.", "expansion_ratio": 3.0},
        schema_id="expanded-text-v1",
        processor_id="text-expansion",
        processing_meta={"model": "m"},
    )
    assert expanded.parent_id == draft.id and expanded.bucket_ids == [chapter]
    assert [d.id for d in store.blobs.derived(draft.id)] == [expanded.id]
    assert [b.id for b in store.blobs.lineage(expanded.id)] == [draft.id]
    assert store.blobs.get(draft.id).version == 1


def test_membership_link_unlink_move_and_primary(store: Store, chapter: str) -> None:
    other = store.buckets.create("Other", "chapter").id
    third = store.buckets.create("Third", "chapter").id
    blob = store.blobs.create({"content": "x"}, bucket_ids=[chapter])
    blob = store.blobs.link(blob.id, other)
    assert blob.bucket_ids == [chapter, other] and blob.primary_bucket_id == chapter
    blob = store.blobs.unlink(blob.id, chapter)
    assert blob.bucket_ids == [other] and blob.primary_bucket_id == other
    with pytest.raises(InvalidOperation, match="only in bucket"):
        store.blobs.unlink(blob.id, other)
    blob = store.blobs.move(blob.id, other, third)
    assert blob.bucket_ids == [third] and blob.primary_bucket_id == third


def test_order_inside_a_bucket(store: Store, chapter: str) -> None:
    ids = [store.blobs.create({"content": f"b{i}"}, bucket_ids=[chapter]).id for i in range(3)]
    store.blobs.reorder(chapter, [ids[2], ids[0], ids[1]])
    assert [b.id for b in store.blobs.in_bucket(chapter)] == [ids[2], ids[0], ids[1]]


def test_tags_final_and_trash(store: Store, chapter: str) -> None:
    a = store.blobs.create({"content": "alpha draft"}, bucket_ids=[chapter], tags=["draft"])
    b = store.blobs.create({"content": "beta"}, bucket_ids=[chapter])
    store.blobs.set_final(a.id)
    store.blobs.set_final(b.id)
    assert not store.blobs.get(a.id).is_final and store.blobs.get(b.id).is_final
    assert store.blobs.update(a.id, tags=["draft", "act-1"]).tags == ["draft", "act-1"]
    assert [x.id for x in store.blobs.in_bucket(chapter, tags=["act-1"])] == [a.id]
    store.blobs.trash(a.id)
    assert store.search("alpha") == [] and [x.id for x in store.blobs.in_bucket(chapter)] == [b.id]
    with pytest.raises(InvalidOperation):
        store.blobs.update_text(a.id, "edit in trash")
    store.blobs.restore(a.id)
    assert store.search("alpha")[0].id == a.id


def test_large_text_goes_to_the_content_dir_and_reads_back(store: Store, chapter: str) -> None:
    text = "word " * 100_000
    blob = store.blobs.create({"content": text}, bucket_ids=[chapter])
    assert blob.storage == "file" and blob.word_count == 100_000
    assert store.content.path_for(blob.content_hash).is_file()
    assert store.blobs.text(blob.id) == text


def _wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    return path


def test_audio_blob_records_duration_and_dedupes(store: Store, chapter: str, tmp_path: Path) -> None:
    wav = _wav(tmp_path / "take1.wav", 1.5)
    blob = store.blobs.create(None, schema_id="audio-v1", bucket_ids=[chapter], file=wav)
    data = store.blobs.data(blob.id)
    assert data["format"] == "wav" and data["duration_s"] == 1.5 and data["size"] == wav.stat().st_size
    assert store.blobs.content(blob.id) == wav.read_bytes()
    again = store.blobs.create(None, schema_id="audio-v1", bucket_ids=[chapter], file=wav)
    assert again.content_hash == blob.content_hash
    assert sum(1 for _ in store.content.all_digests()) == 1
    with pytest.raises(InvalidOperation, match="not a file"):
        store.blobs.content(store.blobs.create({"content": "t"}, bucket_ids=[chapter]).id)


def test_fifty_megabyte_binary_blob(store: Store, chapter: str, tmp_path: Path) -> None:
    big = tmp_path / "mixdown.flac"
    chunk = bytes(range(256)) * 4096
    with open(big, "wb") as out:
        for _ in range(50):
            out.write(chunk)
    blob = store.blobs.create(None, schema_id="audio-v1", bucket_ids=[chapter], file=big)
    assert blob.content_size == 50 * 1024 * 1024
    assert store.content.verify(blob.content_hash)
    assert store.check().ok


def test_tampered_content_file_raises_and_check_reports_it(store: Store, chapter: str, tmp_path: Path) -> None:
    png = tmp_path / "cover.png"
    png.write_bytes(
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (600).to_bytes(4, "big") + (900).to_bytes(4, "big") + b"rest"
    )
    blob = store.blobs.create(None, schema_id="image-v1", bucket_ids=[chapter], file=png)
    assert store.blobs.data(blob.id)["width"] == 600
    path = store.content.path_for(blob.content_hash)
    path.chmod(0o600)
    path.write_bytes(b"tampered")
    with pytest.raises(IntegrityError, match=blob.id):
        store.blobs.content(blob.id)
    report = store.check()
    assert not report.ok and report.damaged == [blob.content_hash]
    assert report.owners[blob.content_hash] == [blob.id]


def test_check_finds_missing_and_orphaned_files(store: Store, chapter: str) -> None:
    blob = store.blobs.create({"content": "z" * 300_000}, bucket_ids=[chapter])
    store.content.put_bytes(b"nobody refers to me")
    store.content.path_for(blob.content_hash).unlink()
    report = store.check()
    assert report.missing == [blob.content_hash] and len(report.orphans) == 1
    assert store.check(fix_orphans=True).orphans == []
