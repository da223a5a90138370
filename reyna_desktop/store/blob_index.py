"""Full-text indexing of blobs: the `blobs_fts` row of a blob (title, text, tags), kept in step
with the blob in the same transaction. Search reads it (search.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reyna_desktop.store.core import Tx


def index_blob(tx: Tx, seq: int, title: str, text: str, tags: list[str]) -> None:
    tx.execute(
        "INSERT INTO blobs_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)", (seq, title, text, " ".join(tags))
    )


def reindex_blob(tx: Tx, blob_id: str, title: str, text: str, tags: list[str]) -> None:
    seq = tx.execute("SELECT seq FROM blobs WHERE id = ?", (blob_id,)).fetchone()[0]
    tx.execute("DELETE FROM blobs_fts WHERE rowid = ?", (seq,))
    index_blob(tx, seq, title, text, tags)


def unindex_blob(tx: Tx, blob_id: str) -> None:
    """Take a blob out of search (trash, purge)."""
    tx.execute("DELETE FROM blobs_fts WHERE rowid = (SELECT seq FROM blobs WHERE id = ?)", (blob_id,))
