"""Songbook PDF: the ChordPro songs of an album or songbook bucket, chords set above their syllables.

The songs go to ``resources/export/songbook.typ`` as data. There each lyric line is a row of
segments; a segment is a box holding its chord on top and the syllables it belongs to below, so
the chord starts exactly where its syllable starts. Choruses carry a rule and a label, and a
``{chorus}`` line prints the chorus again; tabs are set in a monospaced font. A contents page
lists every song with its page number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reyna_desktop.errors import ReynaError
from reyna_desktop.export import chordpro, fonts, script_fonts, typesetter
from reyna_desktop.export.options import CompileOptions
from reyna_desktop.models import Blob, Bucket
from reyna_desktop.schema_ids import CHORDPRO
from reyna_desktop.store import Store

SONG_BUCKETS = {"track", "song"}  # one song each: the final version, else the newest


@dataclass
class SongbookSummary:
    warnings: list[str] = field(default_factory=list)
    word_count: int = 0
    song_count: int = 0
    sources: list[dict[str, Any]] = field(default_factory=list)


def compile_songbook(store: Store, bucket_id: str, options: CompileOptions, out: Path) -> SongbookSummary:
    root = store.buckets.get(bucket_id)
    summary = SongbookSummary()
    songs: list[chordpro.Song] = []
    for bucket, blob in song_blobs(store, root):
        data = store.blobs.data(blob.id)
        where = f"{store.buckets.display_path(bucket.id)} / {blob.title or blob.id}"
        song = chordpro.parse(str(data.get("source", "")), where)
        song.title = str(data.get("title") or song.title or blob.title or bucket.name)
        song.artist = str(data.get("artist") or song.artist)
        song.key = str(data.get("key") or song.key)
        if isinstance(data.get("capo"), int):
            song.capo = data["capo"]
        if not song.blocks:
            summary.warnings.append(f"{where}: the song has no lyrics; only its title is printed")
        song = chordpro.transpose(song, options.transpose)
        summary.warnings.extend(song.warnings)
        summary.word_count += song.words()
        summary.sources.append({"blob_id": blob.id, "version": blob.version})
        songs.append(song)
    if not songs:
        raise ReynaError(f"bucket {root.name!r} holds no ChordPro songs (chordpro-v1 blobs) to compile")
    summary.song_count = len(songs)
    title = str(root.metadata.get("title") or root.name)
    artist = str(root.metadata.get("artist") or root.metadata.get("author") or "")
    engine = typesetter.shared()
    pdf, warnings = engine.typeset("songbook.typ", songbook_data(title, artist, songs, options, engine))
    summary.warnings.extend(f"PDF: {w}" for w in warnings)
    out.write_bytes(pdf)  # `out` is already the compiler's temp file
    return summary


def song_blobs(store: Store, root: Bucket) -> list[tuple[Bucket, Blob]]:
    """Songs in tree order: one per track bucket (final, else newest), every one elsewhere."""
    out: list[tuple[Bucket, Blob]] = []
    for bucket in store.buckets.descendants(root.id, include_self=True):
        blobs = store.blobs.in_bucket(bucket.id, schema_ids=[CHORDPRO])
        if not blobs:
            continue
        if bucket.type in SONG_BUCKETS:
            finals = [b for b in blobs if b.is_final]
            out.append((bucket, max(finals or blobs, key=lambda b: (b.updated_at, b.version))))
        else:
            out.extend((bucket, b) for b in blobs)
    return out


def songbook_data(
    title: str, artist: str, songs: list[chordpro.Song], options: CompileOptions, engine: typesetter.Typesetter
) -> dict[str, Any]:
    """The songbook as JSON-ready data for ``resources/export/songbook.typ``."""
    width, height = options.trim_inches
    fallbacks = [f.family for f in script_fonts.fallbacks(options.language or "en")]
    return {
        "fonts": [engine.family(fonts.SERIF), *fallbacks], "sans": [engine.family("Liberation Sans"), *fallbacks],
        "mono": engine.family("Liberation Mono"),
        "title": title, "artist": artist, "toc": options.include_toc, "width": width, "height": height,
        "one_per_page": options.song_layout == "one-per-page",
        "songs": [_song_data(song) for song in songs],
    }


def _song_data(song: chordpro.Song) -> dict[str, Any]:
    meta = [x for x in (song.artist, f"Key {song.key}" if song.key else "",
                        f"Capo {song.capo}" if song.capo else "") if x]
    return {"title": song.title, "subtitle": song.subtitle, "meta": " · ".join(meta),
            "blocks": [_block_data(b) for b in song.blocks]}


def _block_data(block: chordpro.Block) -> dict[str, Any]:
    """A block's lines as [chord or None, text] pairs; a recalled chorus carries the chorus's lines."""
    label = block.label or {"chorus": "Chorus", "chorus-recall": "Chorus", "bridge": "Bridge"}.get(block.kind, "")
    lines = [[[segment.chord, segment.text] for segment in line] for line in block.lines]
    return {"kind": block.kind, "label": label, "lines": lines}
