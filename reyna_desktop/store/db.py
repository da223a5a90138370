"""Opening the SQLite file and migrating it. Migrations are numbered and applied in order at
open, recorded in `PRAGMA user_version`, so a store made by an older version opens in a newer one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from reyna_desktop.errors import ReynaError


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """One connection per thread. Autocommit mode: transactions are explicit (BEGIN IMMEDIATE)."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a save whose call returned survives a power cut too, not only a killed process.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32000")
    return conn


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one inside the caller's transaction (executescript would commit)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:80]}")


def _m1_initial(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE buckets (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            parent_id TEXT REFERENCES buckets(id) ON DELETE CASCADE,
            depth INTEGER NOT NULL DEFAULT 0,
            path TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            schema_id TEXT,
            processor_id TEXT,
            auto_processors TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '{}',
            tags TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            accessed_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX buckets_parent ON buckets(parent_id, position);
        CREATE INDEX buckets_path ON buckets(path);

        CREATE TABLE blobs (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            schema_id TEXT NOT NULL,
            schema_version TEXT NOT NULL,
            processor_id TEXT,
            storage TEXT NOT NULL CHECK (storage IN ('inline', 'file')),
            data TEXT,
            content_hash TEXT NOT NULL,
            content_size INTEGER NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            preview TEXT NOT NULL DEFAULT '',
            word_count INTEGER NOT NULL DEFAULT 0,
            tags TEXT NOT NULL DEFAULT '[]',
            parent_id TEXT REFERENCES blobs(id) ON DELETE SET NULL,
            processing_state TEXT,
            processing_meta TEXT NOT NULL DEFAULT '{}',
            version INTEGER NOT NULL DEFAULT 1,
            is_final INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX blobs_parent ON blobs(parent_id);
        CREATE INDEX blobs_hash ON blobs(content_hash);

        CREATE TABLE blob_buckets (
            blob_id TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            bucket_id TEXT NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            is_primary INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL,
            PRIMARY KEY (blob_id, bucket_id)
        );
        CREATE INDEX blob_buckets_bucket ON blob_buckets(bucket_id, position);

        CREATE TABLE blob_versions (
            blob_id TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            schema_id TEXT NOT NULL,
            schema_version TEXT NOT NULL,
            storage TEXT NOT NULL,
            data TEXT,
            content_hash TEXT NOT NULL,
            content_size INTEGER NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            word_count INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            PRIMARY KEY (blob_id, version)
        );
        CREATE INDEX blob_versions_hash ON blob_versions(content_hash);

        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            payload TEXT NOT NULL,
            at TEXT NOT NULL
        );

        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            processor_id TEXT NOT NULL,
            input TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL CHECK (state IN ('pending','running','succeeded','failed','cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL DEFAULT 3,
            progress REAL NOT NULL DEFAULT 0,
            error TEXT,
            partial_text TEXT NOT NULL DEFAULT '',
            result_blob_id TEXT,
            cache_key TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            next_attempt_at TEXT,
            cancel_requested INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX jobs_state ON jobs(state, created_at);

        CREATE TABLE processor_cache (
            cache_key TEXT PRIMARY KEY,
            processor_id TEXT NOT NULL,
            output_blob_id TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        );

        CREATE TABLE kv (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value BLOB,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (namespace, key)
        );

        CREATE VIRTUAL TABLE blobs_fts USING fts5(title, body, tags, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE buckets_fts USING fts5(
            name, description, tags, tokenize = 'unicode61 remove_diacritics 2');
        """,
    )


def _m2_linked_folders(conn: sqlite3.Connection) -> None:
    """Buckets linked to folders on disk, and which file became which blob (interchange/linked_folders)."""
    run_script(
        conn,
        """
        CREATE TABLE folder_links (
            bucket_id TEXT PRIMARY KEY REFERENCES buckets(id) ON DELETE CASCADE,
            folder TEXT NOT NULL,
            created_at TEXT NOT NULL,
            scanned_at TEXT
        );
        CREATE TABLE linked_files (
            bucket_id TEXT NOT NULL REFERENCES folder_links(bucket_id) ON DELETE CASCADE,
            rel_path TEXT NOT NULL,
            blob_id TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            file_hash TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            synced_version INTEGER NOT NULL,
            missing INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (bucket_id, rel_path)
        );
        CREATE INDEX linked_files_blob ON linked_files(blob_id);
        """,
    )


def _m3_passages(conn: sqlite3.Connection) -> None:
    """Paragraph-level full-text index for grounded chat (store/passages.py), filled lazily."""
    run_script(
        conn,
        """
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, blob_id UNINDEXED, position UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE passage_index (
            blob_id TEXT PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE,
            version INTEGER NOT NULL
        );
        """,
    )


# Append new migrations here; never edit one that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1_initial, _m2_linked_folders, _m3_passages]


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the file up to the newest schema; returns the version it is now at."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise ReynaError(
            f"{path}: store format {current} was written by a newer Reyna "
            f"(this one knows up to {len(MIGRATIONS)}); update the app"
        )
    for number in range(current + 1, len(MIGRATIONS) + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)
