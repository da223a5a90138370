"""Full-text indexing of blobs, kept in step with the blob in the same transaction; search.py
reads it. `blobs_fts` (unicode61 words: title, text, tags) for every blob; for blobs whose text
holds CJK, Thai or another script written without spaces, also `blobs_cjk` (trigrams: title,
text) and `blobs_bigram` (the runs as two-character tokens), so a word inside such a run can
be found whatever its length."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reyna_desktop.store.text import bigrams, has_unspaced_script

if TYPE_CHECKING:
    from reyna_desktop.store.core import Tx

INDEXES = ("blobs_fts", "blobs_cjk", "blobs_bigram")


def index_blob(tx: Tx, seq: int, title: str, text: str, tags: list[str]) -> None:
    tx.execute(
        "INSERT INTO blobs_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)", (seq, title, text, " ".join(tags))
    )
    if has_unspaced_script(title) or has_unspaced_script(text):
        tx.execute("INSERT INTO blobs_cjk (rowid, title, body) VALUES (?, ?, ?)", (seq, title, text))
        tx.execute(
            "INSERT INTO blobs_bigram (rowid, title, body) VALUES (?, ?, ?)", (seq, bigrams(title), bigrams(text))
        )


def reindex_blob(tx: Tx, blob_id: str, title: str, text: str, tags: list[str]) -> None:
    seq = tx.execute("SELECT seq FROM blobs WHERE id = ?", (blob_id,)).fetchone()[0]
    for table in INDEXES:
        tx.execute(f"DELETE FROM {table} WHERE rowid = ?", (seq,))
    index_blob(tx, seq, title, text, tags)


def unindex_blob(tx: Tx, blob_id: str) -> None:
    """Take a blob out of search (trash, purge)."""
    for table in INDEXES:
        tx.execute(f"DELETE FROM {table} WHERE rowid = (SELECT seq FROM blobs WHERE id = ?)", (blob_id,))
