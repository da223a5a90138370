"""SQLite files other than the open store: a consistent copy of the live database (for
backups), the content files a copy references, and a copy's integrity check."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def snapshot_db(source: Path, target: Path) -> int:
    """A consistent copy of the live database (WAL included), as a single self-contained file;
    returns the last event id it holds."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30.0)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout = 30000")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
        row = dst.execute("SELECT MAX(id) FROM events").fetchone()
        dst.commit()
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)
    with open(target, "rb+") as stream:
        os.fsync(stream.fileno())
    return int(row[0] or 0)


def referenced_digests(db_file: Path) -> list[str]:
    """The sha256 of every content file a database file's blobs or versions name."""
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT DISTINCT content_hash FROM blob_versions WHERE storage = 'file' "
            "UNION SELECT content_hash FROM blobs WHERE storage = 'file'"
        ).fetchall()
    finally:
        conn.close()
    return sorted(r[0] for r in rows)


def integrity(db_file: Path) -> list[str]:
    """SQLite's integrity check of a database file: ["ok"] when it is sound."""
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    finally:
        conn.close()
