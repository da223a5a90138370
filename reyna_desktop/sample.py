"""The sample project a new user sees on first run: a short book, an album, a conversation."""

from __future__ import annotations

from reyna_desktop.models import Bucket
from reyna_desktop.schema_ids import CHORDPRO
from reyna_desktop.store import Store

BOOK_CHAPTERS = {
    "Part One: The Harbour": [
        (
            "The Lighthouse Keeper",
            "Mara climbed the hundred steps of the lighthouse every evening. Tonight the lamp would not light. "
            "Below her, the fishing boats were already turning for home.\n\n"
            "She found the wick dry and the oil can empty. Someone had been here before her.",
        ),
        (
            "A Letter From the Sea",
            "The bottle washed up at dawn. Inside was a letter addressed to her mother, who had been gone "
            "for twenty years.\n\n***\n\nMara read it twice, then a third time, before she understood the date.",
        ),
    ],
    "Part Two: The Crossing": [
        (
            "Storm Warning",
            '"You can\'t take the boat out in this," said Tomas.\n\n"Watch me," Mara said, and cast off the line.',
        ),
        (
            "The Island",
            "The island was smaller than the map promised. A single path led from the shingle beach "
            "to a house with lit windows.",
        ),
    ],
}

# The book's codex: (kind, name, aliases, short description, fields, notes).
CODEX = [
    (
        "character",
        "Mara",
        [],
        "The lighthouse keeper.",
        {"role": "the keeper", "age": "thirty-four", "look": "weathered hands, a grey oilskin"},
        "# Mara\n\nThe keeper. Thirty-four, stubborn, reads the weather better than people.",
    ),
    (
        "character",
        "Tomas",
        [],
        "A fisherman who tells Mara not to sail.",
        {"role": "Mara's friend", "age": "fifty"},
        "",
    ),
    ("place", "The Island", [], "Smaller than the map promised; one path, one house.", {"kind": "island"}, ""),
    ("item", "The Letter", ["letter"], "Addressed to Mara's mother, washed up in a bottle.", {"kind": "letter"}, ""),
]

SONGS = [
    (
        "Harbour Lights",
        "{title: Harbour Lights}\n{artist: The Keepers}\n{key: G}\n\n"
        "[G]Lamps along the [C]harbour wall\n[G]Boats come home be[D]fore the squall\n\n"
        "{start_of_chorus}\n[C]Shine, shine, [G]harbour lights\n[D]Guide me home to[G]night\n{end_of_chorus}\n\n"
        "[G]Salt upon the [C]window pane\n[G]Mother's letter [D]home again\n\n{chorus}\n",
    ),
    (
        "Northern Crossing",
        "{title: Northern Crossing}\n{artist: The Keepers}\n{key: Am}\n{capo: 2}\n\n"
        "[Am]Cast the line and [F]leave the shore\n[C]Nobody sails this [G]way no more\n\n"
        "{comment: Slow, half time}\n[Am]Wind is rising, [F]sky is grey\n[C]Island waiting [G]far a[Am]way\n",
    ),
]


def ensure_sample_project(store: Store) -> list[Bucket]:
    """Create the sample project when the store holds no bucket at all; return what was made."""
    if store.buckets.all(include_deleted=True):
        return []
    with store.transaction():
        return [_book(store), _album(store), _conversation(store)]


def _book(store: Store) -> Bucket:
    book = store.buckets.create(
        "The Lighthouse at the End of the World",
        "book",
        description="A sample novel: try expanding a chapter, chatting about it, or compiling it to EPUB.",
        metadata={
            "title": "The Lighthouse at the End of the World",
            "subtitle": "A Sample Novel",
            "author": "Reyna Sample",
            "author_file_as": "Sample, Reyna",
            "language": "en",
            "rights": "© the author. All rights reserved.",
            "dedication": "For everyone who keeps a light on.",
            "description": "A lighthouse keeper finds a letter from her vanished mother.",
            "target_words": 60000,
        },
    )
    store.buckets.create("Front Matter", "front-matter", parent_id=book.id)
    number = 0
    for part_name, chapters in BOOK_CHAPTERS.items():
        part = store.buckets.create(part_name, "part", parent_id=book.id)
        for title, text in chapters:
            number += 1
            chapter = store.buckets.create(
                title,
                "chapter",
                parent_id=part.id,
                metadata={"chapter_number": number, "target_words": 2500, "status": "draft"},
            )
            store.blobs.create(
                {"content": text, "role": "draft"}, bucket_ids=[chapter.id], title=f"{title} (draft)", tags=["draft"]
            )
    notes = store.buckets.create("Research & Notes", "research", parent_id=book.id)
    store.blobs.create(
        {
            "content": "# Lighthouses\n\nFresnel lenses, oil lamps, the keeper's log. "
            "Keepers kept watch in shifts through the night.",
            "role": "notes",
        },
        bucket_ids=[notes.id],
        tags=["research"],
    )
    store.buckets.create("Characters", "characters", parent_id=book.id)
    for kind, name, aliases, description, fields, entry_notes in CODEX:
        store.codex.add(
            book.id, kind, name, aliases=aliases, description=description, fields=fields, notes=entry_notes
        )
    return book


def _album(store: Store) -> Bucket:
    album = store.buckets.create(
        "Harbour Songs",
        "album",
        description="A sample album with chord charts.",
        metadata={"title": "Harbour Songs", "artist": "The Keepers", "target_tracks": 8},
    )
    tracks = store.buckets.create("Tracks", "tracks", parent_id=album.id)
    for number, (title, source) in enumerate(SONGS, start=1):
        track = store.buckets.create(
            title, "track", parent_id=tracks.id, metadata={"track_number": number, "status": "demo"}
        )
        store.blobs.create(
            {"source": source, "title": title}, schema_id=CHORDPRO, bucket_ids=[track.id], tags=["lyrics"]
        )
    store.buckets.create("Demos & Ideas", "demos", parent_id=album.id)
    return album


def _conversation(store: Store) -> Bucket:
    book = store.buckets.all(type="book")[0]
    return store.buckets.create(
        "Talking about the lighthouse",
        "conversation",
        description="Ask the local model about your book; answers cite the chapters they used.",
        metadata={
            "participants": ["me", "assistant"],
            "topic": "The sample novel",
            "attached_bucket_id": book.id,
            "system_prompt": "You are a helpful writing assistant. Answer briefly.",
        },
    )
