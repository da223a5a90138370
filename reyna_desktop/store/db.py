"""Opening the SQLite file and migrating it. Migrations are numbered and applied in order at
open, recorded in `PRAGMA user_version`, so a store made by an older version opens in a newer one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from reyna_desktop.errors import ReynaError

BUSY_TIMEOUT_S = 10.0


def connect(path: Path, *, readonly: bool = False, busy_timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """One connection per thread. Autocommit mode: transactions are explicit (BEGIN IMMEDIATE).
    A writer waits up to `busy_timeout_s` for another process's write to finish."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=busy_timeout_s)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
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
    """Buckets linked to folders on disk, and which file became which blob (interchange/folder_sync.py)."""
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


def _m3_blob_role(conn: sqlite3.Connection) -> None:
    """The `role` field of a blob's data (draft, edited, notes, final...) as a column, so the rule
    for the text that counts (store/sections.py) is one query. Rows whose data lives in a content
    file (over the inline threshold) are filled by `StoreCore` after the migration."""
    run_script(
        conn,
        """
        ALTER TABLE blobs ADD COLUMN role TEXT;
        UPDATE blobs SET role = json_extract(data, '$.role')
            WHERE data IS NOT NULL AND json_valid(data) AND json_type(data, '$.role') = 'text';
        """,
    )


def _m4_cjk_indexes(conn: sqlite3.Connection) -> None:
    """Two indexes beside the word index, for blobs whose text holds CJK (or Thai...) runs:
    unicode61 sees a run of Chinese as one token, so a word inside it could not be found.
    `blobs_cjk` (trigrams) finds terms of three characters or more; `blobs_bigram` (the runs
    as two-character tokens, store/text.py `bigrams`) finds terms of one or two."""
    from reyna_desktop.store.text import bigrams, has_unspaced_script

    conn.create_function("reyna_has_unspaced", 1, lambda t: int(has_unspaced_script(t or "")), deterministic=True)
    conn.create_function("reyna_bigrams", 1, lambda t: bigrams(t or ""), deterministic=True)
    run_script(
        conn,
        """
        CREATE VIRTUAL TABLE blobs_cjk USING fts5(title, body, tokenize = 'trigram');
        CREATE VIRTUAL TABLE blobs_bigram USING fts5(title, body, tokenize = 'unicode61');
        INSERT INTO blobs_cjk (rowid, title, body)
            SELECT rowid, title, body FROM blobs_fts WHERE reyna_has_unspaced(title || ' ' || body);
        INSERT INTO blobs_bigram (rowid, title, body)
            SELECT rowid, reyna_bigrams(title), reyna_bigrams(body) FROM blobs_cjk;
        """,
    )


def _m5_codex(conn: sqlite3.Connection) -> None:
    """The codex's mention index (store/codex.py) and the record of replace batches (store/replace.py)."""
    run_script(
        conn,
        """
        CREATE TABLE codex_mentions (
            entry_id TEXT NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
            blob_id TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            mentions INTEGER NOT NULL,
            first_offset INTEGER NOT NULL,
            PRIMARY KEY (entry_id, blob_id)
        ) WITHOUT ROWID;
        CREATE INDEX codex_mentions_blob ON codex_mentions(blob_id);
        CREATE TABLE replace_batches (
            id TEXT PRIMARY KEY,
            root_id TEXT NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
            description TEXT NOT NULL,
            pairs TEXT NOT NULL,
            entry_id TEXT,
            entry_before TEXT,
            created_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX replace_batches_root ON replace_batches(root_id, created_at);
        CREATE TABLE replace_batch_blobs (
            batch_id TEXT NOT NULL REFERENCES replace_batches(id) ON DELETE CASCADE,
            blob_id TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            before_version INTEGER NOT NULL,
            after_version INTEGER NOT NULL,
            PRIMARY KEY (batch_id, blob_id)
        );
        """,
    )


def _m6_sync_state(conn: sqlite3.Connection) -> None:
    """Sync through a shared folder (store/sync_state.py): settings, which local id each synced
    entity has, how far each other device's update log was read, and the CRDT document's log."""
    run_script(
        conn,
        """
        CREATE TABLE sync_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sync_ids (
            kind TEXT NOT NULL,
            sync_id TEXT NOT NULL,
            local_id TEXT NOT NULL,
            PRIMARY KEY (kind, sync_id),
            UNIQUE (kind, local_id)
        );
        CREATE TABLE sync_peers (
            device_id TEXT PRIMARY KEY,
            next_seq INTEGER NOT NULL DEFAULT 1,
            read_ours INTEGER NOT NULL DEFAULT 0,
            last_exchange_at TEXT
        );
        CREATE TABLE sync_doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, payload BLOB NOT NULL);
        """,
    )


def _m7_passages(conn: sqlite3.Connection) -> None:
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


def _m8_passage_bigrams(conn: sqlite3.Connection) -> None:
    """Passages holding CJK (or Thai...) text are also indexed as two-character tokens
    (store/text.py `bigrams`), so a Chinese question finds its passage; passages are now
    measured by the one count (store/text.py word_count), so every blob is re-split lazily."""
    run_script(
        conn,
        """
        CREATE VIRTUAL TABLE passages_bigram USING fts5(text, tokenize = 'unicode61');
        DELETE FROM passages_fts;
        DELETE FROM passage_index;
        """,
    )


# Append new migrations here; never edit one that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _m1_initial, _m2_linked_folders, _m3_blob_role, _m4_cjk_indexes, _m5_codex, _m6_sync_state,
    _m7_passages, _m8_passage_bigrams,
]


ROLE_COLUMN_VERSION = 3  # the migration that added blobs.role (core.py fills rows kept in files)


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the file up to the newest schema; returns the version it was at before."""
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
    return int(current)
