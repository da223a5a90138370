"""Sample books for tests, the bench and demos: a small real book, a generated long one, an album."""

from __future__ import annotations

import random
import struct
import zlib

from reyna_desktop.schema_ids import CHORDPRO, IMAGE
from reyna_desktop.store import Store


def png(width: int, height: int, rgb: tuple[int, int, int] = (40, 70, 120)) -> bytes:
    """A plain PNG of one colour with a lighter band (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    light = bytes(min(255, c + 90) for c in rgb)
    rows = b"".join(
        b"\x00" + (light if height // 3 < y < height // 2 else bytes(rgb)) * width for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


SAMPLE_CHAPTERS = {
    "Part One": {
        "The Storm": (
            "The storm came over the hills at dusk. \"Get inside,\" said Zoë, and it's true she meant it.[^wind]\n\n"
            "Her café stood on the corner — naïve, stubborn, *bright*. The sign read `<open>` & nobody "
            "laughed. Greek letters on the wall: Ελληνικά. A {^lighthouse} blinked far away.\n\n"
            "![The harbour at night](harbour.png)\n\n"
            "* * *\n\n"
            "Morning came... slowly. The {^lighthouse} was still there.\n\n"
            "[^wind]: The wind off the sea, which locals call *the old man*."
        ),
        "Chapter 2": (
            "# The Harbour\n\nShe walked to the harbour. Ŝ and ß and æ and œ — all the letters of her grandmother's "
            "alphabet.\n\n## A smaller heading\n\nBoats. {^Fishermen|Fishing} mended nets.[^nets]\n\n"
            "[^nets]: Nets of hemp, not nylon."
        ),
    },
    "Part Two": {
        "Return": (
            "They came back in spring, when the {^lighthouse} had gone dark. She wrote <stuff> & <b>more</b> "
            "on the wall, 5 < 6 > 4.\n\n> A quotation, set apart.\n"
        ),
    },
}


def make_sample_book(store: Store, name: str = "The Lighthouse") -> str:
    """A two-part book with a cover, an image, footnotes, index marks and unusual characters."""
    book = store.templates.instantiate("book", name)
    children = {c.type: c for c in store.buckets.children(book.id)}
    cover = store.blobs.create({"alt": "Cover"}, schema_id=IMAGE, bucket_ids=[book.id],
                               content=png(300, 450), filename="cover.png")
    store.buckets.update(book.id, metadata={
        "title": name, "subtitle": "A Novel of the Coast", "author": "Ada Marlowe", "author_file_as": "Marlowe, Ada",
        "language": "en", "publisher": "Reyna Press", "isbn": "9780306406157",
        "description": "A storm, a café, a lighthouse.",
        "rights": "© 2024 Ada Marlowe. All rights reserved.", "dedication": "For the keepers of lights.",
        "cover_blob_id": cover.id, "publication_date": "2024-05-01",
    }, merge_metadata=True)
    for part in store.buckets.children(book.id):
        if part.type == "part":
            store.buckets.update(part.id, name="Part One")
            for chapter in store.buckets.children(part.id):
                store.buckets.trash(chapter.id)
    part_one = next(b for b in store.buckets.children(book.id) if b.type == "part")
    part_two = store.buckets.create("Part Two", "part", parent_id=book.id, position=part_one.position + 1)
    parts = {"Part One": part_one.id, "Part Two": part_two.id}
    for part_name, chapters in SAMPLE_CHAPTERS.items():
        for title, text in chapters.items():
            chapter = store.buckets.create(title, "chapter", parent_id=parts[part_name])
            store.blobs.create({"content": text, "role": "draft"}, bucket_ids=[chapter.id])
            if title == "The Storm":
                store.blobs.create({"alt": "The harbour"}, schema_id=IMAGE, bucket_ids=[chapter.id],
                                   content=png(200, 120, (20, 90, 60)), filename="harbour.png")
    store.blobs.create({"content": "My thanks to the night watch.", "title": "Acknowledgements",
                        "role": "back-matter"}, bucket_ids=[children["back-matter"].id])
    store.blobs.create({"content": "Research notes: never compiled.", "role": "notes"},
                       bucket_ids=[children["research"].id])
    return book.id


_WORDS = ("the a storm harbour light keeper night morning sea wind boat net rope stone window door she he they "
          "walked watched waited said asked turned slowly quietly again never always over under through into "
          "old young bright dark cold warm long short grey silver").split()


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_generated_book(store: Store, *, chapters: int = 60, words: int = 150_000, parts: int = 3,
                        seed: int = 7) -> tuple[str, list[str]]:
    """A long book of `chapters` chapters in `parts` parts, about `words` words; returns (book id, chapter ids)."""
    rng = random.Random(seed)
    book = store.buckets.create("Generated Book", "book", metadata={
        "title": "The Generated Book", "author": "Bench Writer", "language": "en", "publication_date": "2025"})
    per_chapter = max(1, words // chapters)
    chapter_ids = []
    part_ids = [store.buckets.create(f"Part {p + 1}", "part", parent_id=book.id).id for p in range(parts)]
    for n in range(chapters):
        chapter = store.buckets.create(f"Chapter Title {n + 1}", "chapter", parent_id=part_ids[n * parts // chapters])
        paragraphs, count = [], 0
        while count < per_chapter:
            size = rng.randint(60, 140)
            paragraphs.append(paragraph(rng, size))
            count += size
            if rng.random() < 0.04:
                paragraphs.append("* * *")
        store.blobs.create({"content": "\n\n".join(paragraphs), "role": "draft"}, bucket_ids=[chapter.id])
        chapter_ids.append(chapter.id)
    return book.id, chapter_ids


SAMPLE_SONGS = (
    "{title: Harbour Song}\n{artist: Ada Marlowe}\n{key: G}\n{capo: 2}\n\n"
    "[G]Down by the [C]harbour the [G]lights go [D]low\n[Em]Keepers are [C]waiting for [D]ships to come [G]home\n\n"
    "{start_of_chorus}\n[C]Shine, [G]shine, [D]lighthouse of [G]mine\n{end_of_chorus}\n\n"
    "{comment: Slowly}\n[G]Nets on the [C]shingle and [G]rope on the [D]stone\n\n{chorus}\n\n"
    "{start_of_tab}\ne|---0---3---|\nB|---1---0---|\n{end_of_tab}\n",
    "{title: Night Watch}\n{key: Am}\n\n[Am]Night on the [F]water, [C]stars in the [G]foam\n"
    "[Am]Who will be [E7]keeping the [Am]light\n",
)


def make_sample_album(store: Store, name: str = "Harbour Songs") -> str:
    album = store.templates.instantiate("album", name)
    store.buckets.update(album.id, metadata={"title": name, "artist": "Ada Marlowe"}, merge_metadata=True)
    tracks = next(b for b in store.buckets.children(album.id) if b.type == "tracks")
    first = store.buckets.children(tracks.id)
    for n, source in enumerate(SAMPLE_SONGS):
        track = first[0] if n == 0 and first else store.buckets.create(f"Track {n + 1}", "track", parent_id=tracks.id)
        store.blobs.create({"source": source}, schema_id=CHORDPRO, bucket_ids=[track.id])
    return album.id


# Public-domain or freely reproducible text in other scripts, for tests and sample pages:
# zh: the Analects (論語) 1.1; ja: Natsume Sōseki, 吾輩は猫である (1905, Aozora Bunko);
# ru: Leo Tolstoy, Анна Каренина (1878); ar and he: the Universal Declaration of Human Rights,
# article 1 (the UN's own translations, free to reproduce).
WORLD_TEXTS = {
    "zh": ("學而", "子曰：學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？\n\n"
                   "有子曰：其為人也孝弟，而好犯上者，鮮矣；不好犯上，而好作亂者，未之有也。"),
    "ja": ("吾輩は猫である", "吾輩は猫である。名前はまだ無い。\n\n"
                        "どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"),
    "ru": ("Анна Каренина", "Все счастливые семьи похожи друг на друга, каждая несчастливая семья несчастлива "
                          "по-своему.\n\nВсё смешалось в доме Облонских."),
    "ar": ("المادة الأولى", "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وقد وهبوا عقلاً وضميرًا وعليهم أن "
                          "يعامل بعضهم بعضًا بروح الإخاء."),
    "he": ("סעיף א", "כל בני אדם נולדו בני חורין ושווים בערכם ובזכויותיהם. כולם חוננו בתבונה ובמצפון, "
                    "לפיכך חובה עליהם לנהוג איש ברעהו ברוח של אחוה."),
}


def make_language_book(store: Store, lang: str, chapters: dict[str, str], title: str = "") -> str:
    """A book in language `lang` with one chapter per (title, Markdown text) pair."""
    book = store.buckets.create(title or f"Book ({lang})", "book", metadata={
        "title": title or f"Book ({lang})", "author": "Sample Writer", "language": lang, "publication_date": "2025"})
    for heading, text in chapters.items():
        chapter = store.buckets.create(heading, "chapter", parent_id=book.id)
        store.blobs.create({"content": text, "role": "draft"}, bucket_ids=[chapter.id])
    return book.id
