"""Songbook PDF: the ChordPro songs of an album or songbook bucket, chords set above their syllables.

Each lyric line is a row of segments; a segment is an inline block holding its chord on top and
the syllables it belongs to below, so the chord starts exactly where its syllable starts.
Choruses carry a rule and a label; tabs are set in a monospaced font. A contents page lists
every song with its page number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from reyna_desktop.errors import ReynaError
from reyna_desktop.export import chordpro, fonts
from reyna_desktop.export.formats.common import export_resource
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
    font_config = FontConfiguration()
    css = [CSS(string=_page_css(options), font_config=font_config),
           CSS(string=export_resource("songbook.css"), font_config=font_config)]
    HTML(string=document(title, artist, songs, options)).write_pdf(out, stylesheets=css, font_config=font_config)
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


def document(title: str, artist: str, songs: list[chordpro.Song], options: CompileOptions) -> str:
    parts = [f'<section class="cover"><h1 class="book-title">{escape(title)}</h1>'
             + (f'<p class="book-author">{escape(artist)}</p>' if artist else "") + "</section>"]
    if options.include_toc:
        items = "".join(f'<li><a href="#song-{n}">{escape(s.title)}</a></li>' for n, s in enumerate(songs, 1))
        parts.append(f'<nav class="toc"><h1>Songs</h1><ol>{items}</ol></nav>')
    layout = "one-per-page" if options.song_layout == "one-per-page" else "fit"
    parts += [song_html(n, s, layout) for n, s in enumerate(songs, 1)]
    author = f'<meta name="author" content="{escape(artist)}" />' if artist else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" /><title>{escape(title)}</title>'
            f'{author}</head><body>{"".join(parts)}</body></html>')


def song_html(n: int, song: chordpro.Song, layout: str) -> str:
    meta = [escape(x) for x in (song.artist, f"Key {song.key}" if song.key else "",
                                f"Capo {song.capo}" if song.capo else "") if x]
    head = f'<h1 id="song-{n}">{escape(song.title)}</h1>'
    if song.subtitle:
        head += f'<p class="subtitle">{escape(song.subtitle)}</p>'
    if meta:
        head += f'<p class="song-meta">{" · ".join(meta)}</p>'
    return f'<section class="song {layout}">{head}{"".join(_block(b) for b in song.blocks)}</section>'


def _block(block: chordpro.Block) -> str:
    if block.kind == "comment":
        return f'<p class="comment">{escape(block.lines[0][0].text)}</p>'
    if block.kind == "tab":
        return '<pre class="tab">' + escape("\n".join(line[0].text for line in block.lines)) + "</pre>"
    label = block.label or {"chorus": "Chorus", "chorus-recall": "Chorus", "bridge": "Bridge"}.get(block.kind, "")
    label_html = f'<p class="label">{escape(label)}</p>' if label else ""
    if block.kind == "chorus-recall":
        return f'<div class="chorus recall">{label_html}</div>'
    return f'<div class="{block.kind}">{label_html}{"".join(_line(line) for line in block.lines)}</div>'


def _lyric(text: str) -> str:
    """A lyric under a chord; blanks between chords-only ("[A]   [E]") keep the space they were given."""
    if not text.strip():
        return "&#160;" * max(2, len(text))
    return escape(text)


def _line(segments: list[chordpro.Segment]) -> str:
    if all(s.chord is None for s in segments):
        return f'<p class="line">{escape("".join(s.text for s in segments))}</p>'
    cells = "".join(
        f'<span class="seg{" gap" if not s.text.strip() else ""}">'
        f'<span class="chord">{escape(s.chord) if s.chord else "&#160;"}</span>'
        f'<span class="lyric">{_lyric(s.text)}</span></span>'
        for s in segments
    )
    return f'<p class="line chords">{cells}</p>'


def _page_css(options: CompileOptions) -> str:
    width, height = options.trim_inches
    faces = fonts.font_face_css([*fonts.family(fonts.SERIF), *fonts.family("Liberation Sans"),
                                 *fonts.family("Liberation Mono")], lambda f: f.path.as_uri())
    return f"{faces}@page {{ size: {width}in {height}in; margin: 0.6in 0.6in 0.7in 0.6in; }}\n"
