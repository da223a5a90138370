"""Buckets: create, nest, move, reorder, trash, restore, purge, templates, stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reyna_desktop.errors import InvalidOperation, NotFound, ReynaError, ValidationFailed
from reyna_desktop.store import Store


def test_nesting_keeps_depth_and_path(store: Store) -> None:
    book = store.buckets.create("Book", "book")
    part = store.buckets.create("Part", "part", parent_id=book.id)
    chapter = store.buckets.create("Chapter", "chapter", parent_id=part.id)
    scene = store.buckets.create("Scene", "scene", parent_id=chapter.id)
    assert [b.depth for b in (book, part, chapter, scene)] == [0, 1, 2, 3]
    assert scene.path == f"/{book.id}/{part.id}/{chapter.id}/{scene.id}/"
    assert [b.id for b in store.buckets.descendants(book.id)] == [part.id, chapter.id, scene.id]
    assert store.buckets.display_path(scene.id) == "Book / Part / Chapter / Scene"


def test_names_with_emoji_and_right_to_left_text(store: Store) -> None:
    names = ["Capítulo 1 📖✨", "الفصل الأول", "פרק ראשון", "第一章"]
    made = [store.buckets.create(n, "chapter") for n in names]
    assert [store.buckets.get(b.id).name for b in made] == names
    assert store.search("الفصل")[0].id == made[1].id


@pytest.mark.parametrize("name", ["", "   ", "tab\tinside", "x" * 501])
def test_bad_names_are_refused(store: Store, name: str) -> None:
    with pytest.raises(InvalidOperation):
        store.buckets.create(name, "book")
    assert store.buckets.all() == []


def test_move_updates_subtree_and_refuses_cycles(store: Store) -> None:
    a = store.buckets.create("A", "part")
    b = store.buckets.create("B", "part")
    chapter = store.buckets.create("C", "chapter", parent_id=a.id)
    scene = store.buckets.create("S", "scene", parent_id=chapter.id)
    store.buckets.move(chapter.id, b.id)
    moved_scene = store.buckets.get(scene.id)
    assert moved_scene.path == f"/{b.id}/{chapter.id}/{scene.id}/" and moved_scene.depth == 2
    for target in (chapter.id, scene.id):
        with pytest.raises(InvalidOperation, match="descendants"):
            store.buckets.move(chapter.id, target)
    assert store.buckets.get(chapter.id).parent_id == b.id
    top = store.buckets.move(chapter.id, None)
    assert top.depth == 0 and store.buckets.get(scene.id).depth == 1


def test_children_are_ordered_and_reorderable(store: Store) -> None:
    parent = store.buckets.create("Book", "book")
    ids = [store.buckets.create(f"Ch {i}", "chapter", parent_id=parent.id).id for i in range(4)]
    store.buckets.reorder(parent.id, list(reversed(ids)))
    assert [c.id for c in store.buckets.children(parent.id)] == list(reversed(ids))
    store.buckets.move(ids[0], parent.id, position=0)
    assert store.buckets.children(parent.id)[0].id == ids[0]
    with pytest.raises(InvalidOperation):
        store.buckets.reorder(parent.id, ids[:2])


def test_trash_restore_and_purge(store: Store) -> None:
    book = store.buckets.create("Book", "book")
    chapter = store.buckets.create("Chapter", "chapter", parent_id=book.id)
    only_here = store.blobs.create({"content": "only in the chapter"}, bucket_ids=[chapter.id])
    elsewhere = store.buckets.create("Notes", "research")
    shared = store.blobs.create({"content": "shared"}, bucket_ids=[chapter.id, elsewhere.id])
    store.buckets.trash(book.id)
    assert store.buckets.get(chapter.id).deleted_at
    assert [b.id for b in store.buckets.trashed()] == [book.id]
    assert store.search("chapter", kinds=("bucket",)) == []
    with pytest.raises(InvalidOperation, match="trash"):
        store.buckets.restore(chapter.id)
    store.buckets.restore(book.id)
    assert store.buckets.get(chapter.id).deleted_at is None
    with pytest.raises(InvalidOperation, match="not in the trash"):
        store.buckets.purge(book.id)
    store.buckets.trash(book.id)
    assert store.buckets.purge(book.id) == 1
    with pytest.raises(NotFound):
        store.buckets.get(chapter.id)
    with pytest.raises(NotFound):
        store.blobs.get(only_here.id)
    assert store.blobs.get(shared.id).bucket_ids == [elsewhere.id]


def test_metadata_is_validated_against_the_type_schema(store: Store) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store.buckets.create("Book", "book", metadata={"target_words": "lots"})
    assert caught.value.path == "$.target_words"
    book = store.buckets.create("Book", "book", metadata={"author": "Ann"})
    with pytest.raises(ValidationFailed, match="language"):
        store.buckets.update(book.id, metadata={"language": "not a code!"}, merge_metadata=True)
    assert store.buckets.get(book.id).metadata == {"author": "Ann"}
    updated = store.buckets.update(book.id, metadata={"target_words": 90000}, merge_metadata=True)
    assert updated.metadata == {"author": "Ann", "target_words": 90000}


def test_update_tags_and_description(store: Store) -> None:
    bucket = store.buckets.create("Research", "research", tags=["a"])
    bucket = store.buckets.update(bucket.id, add_tags=["b", "a"], description="Sources on lighthouses")
    assert bucket.tags == ["a", "b"]
    assert store.search("lighthouses")[0].id == bucket.id
    assert store.buckets.update(bucket.id, remove_tags=["a"]).tags == ["b"]


def test_templates_make_default_children(store: Store) -> None:
    names = set(store.templates.all())
    assert {"book", "album", "research", "conversation"} <= names
    book = store.templates.instantiate("book", "My Novel")
    kinds = [b.type for b in store.buckets.descendants(book.id)]
    assert kinds == ["front-matter", "part", "chapter", "back-matter", "research", "characters"]
    album = store.templates.instantiate("album", "Songs")
    assert "track" in [b.type for b in store.buckets.descendants(album.id)]


def test_user_templates_from_the_data_dir(store: Store) -> None:
    folder = store.data_dir / "templates"
    folder.mkdir()
    (folder / "cookbook.json").write_text(
        json.dumps(
            {
                "name": "cookbook",
                "type": "cookbook",
                "children": [
                    {"name": "Desserts", "type": "category", "blobs": [{"data": {"content": "Chocolate cake"}}]}
                ],
            }
        )
    )
    made = store.templates.instantiate("cookbook", "Family Recipes")
    dessert = store.buckets.children(made.id)[0]
    assert store.blobs.in_bucket(dessert.id)[0].title == "Chocolate cake"
    (folder / "broken.json").write_text('{"name": "broken"}')
    with pytest.raises(ReynaError, match=r"broken.json: type: Field required"):
        store.templates.all()


def test_stats_count_recursively(store: Store) -> None:
    book = store.buckets.create("Book", "book")
    chapter = store.buckets.create("Ch", "chapter", parent_id=book.id)
    store.blobs.create({"content": "one two three"}, bucket_ids=[book.id])
    store.blobs.create({"content": "four five"}, bucket_ids=[chapter.id], processor_id="text-expansion")
    stats = store.buckets.stats(book.id)
    assert stats["total_blobs"] == 2 and stats["direct_blobs"] == 1
    assert stats["child_buckets"] == 1 and stats["total_words"] == 5
    assert stats["total_size_bytes"] > 0 and stats["processors_used"] == ["text-expansion"]
    assert store.sections.subtree_counts()[book.id] == 5


def test_store_reopens_and_dirs_are_private(private_dirs: Path) -> None:
    with Store.open(private_dirs) as store:
        store.buckets.create("Kept", "book")
    with Store.open(private_dirs) as store:
        assert [b.name for b in store.buckets.all()] == ["Kept"]
        store.buckets.create("Open", "book")
        for name in ("reyna.sqlite3", "reyna.sqlite3-wal", "reyna.sqlite3-shm"):
            assert (private_dirs / name).stat().st_mode & 0o777 == 0o600, name
    assert private_dirs.stat().st_mode & 0o777 == 0o700
    assert (private_dirs / "reyna.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (private_dirs / "content").stat().st_mode & 0o777 == 0o700


def test_renaming_a_bucket_in_the_trash_then_restoring_it(store: Store) -> None:
    bucket = store.buckets.create("Draft")
    store.buckets.trash(bucket.id)
    store.buckets.rename(bucket.id, "Old draft")
    assert store.search("Old", kinds=("bucket",)) == []
    store.buckets.restore(bucket.id)
    assert store.buckets.get(bucket.id).name == "Old draft"
    assert [hit.id for hit in store.search("Old", kinds=("bucket",))] == [bucket.id]
