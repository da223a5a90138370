"""The Store: one SQLite file (WAL) plus a content directory, used from many threads.

Every thread gets its own connection. Writes go through `transaction()`, which serialises
writers in this process, runs BEGIN IMMEDIATE so other processes wait their turn, records the
events the change makes in the same transaction, and delivers them only after COMMIT.
Derived tables (the codex's mention index) keep up through `before_commit` hooks: each is
called with the finished transaction's events just before COMMIT, so they change with it.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reyna_desktop import paths
from reyna_desktop.errors import EnvironmentProblem, StoreDamaged, sqlite_error, storage_error
from reyna_desktop.models import Event
from reyna_desktop.schemas import SchemaRegistry
from reyna_desktop.store import db
from reyna_desktop.store.content import ContentStore
from reyna_desktop.store.events import EventBus, topic_matches
from reyna_desktop.store.text import now, to_json

log = logging.getLogger(__name__)

DB_NAME = "reyna.sqlite3"
DEFAULT_INLINE_THRESHOLD = 256 * 1024


class Tx:
    """An open write transaction: its connection and the events it will publish."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.events: list[Event] = []
        self.after_commit: list[Any] = []
        # Undo what the transaction did outside the database (a content file it wrote), run
        # once it has rolled back; each hook may open a transaction of its own.
        self.after_rollback: list[Any] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        at = now()
        text = to_json(payload)
        cur = self.conn.execute("INSERT INTO events (topic, payload, at) VALUES (?, ?, ?)", (topic, text, at))
        self.events.append(Event(id=int(cur.lastrowid or 0), topic=topic, payload=payload, at=at))


class StoreCore:
    """Connections, transactions and the parts every repository shares."""

    def __init__(
        self,
        data_dir: Path,
        *,
        inline_threshold: int = DEFAULT_INLINE_THRESHOLD,
        schema_folders: list[Path] | None = None,
        busy_timeout_s: float = db.BUSY_TIMEOUT_S,
    ) -> None:
        self.data_dir = paths.ensure_private_dir(Path(data_dir))
        self.db_path = self.data_dir / DB_NAME
        self.inline_threshold = inline_threshold
        self.busy_timeout_s = busy_timeout_s
        self.content = ContentStore(paths.ensure_private_dir(self.data_dir / "content"))
        folders = schema_folders if schema_folders is not None else [paths.schemas_dir()]
        self.schemas = SchemaRegistry([*folders, self.data_dir / "schemas"])
        self.bus = EventBus()
        self.before_commit: list[Callable[[Tx], None]] = []
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self._closed = False
        # SQLite gives the -wal and -shm files the database file's mode: create it private first.
        try:
            if not self.db_path.exists():
                os.close(os.open(self.db_path, os.O_CREAT | os.O_RDWR, 0o600))
            before = db.migrate(self.conn, self.db_path)
            if before < db.ROLE_COLUMN_VERSION:
                self._fill_roles_from_files()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreDamaged(f"{self.db_path}: not a Reyna store, or damaged ({exc})") from None
        except OSError as exc:
            self.close()
            raise EnvironmentProblem(f"cannot open the store in {self.data_dir}: {exc.strerror or exc}") from None
        self.content.clean_tmp()

    def _fill_roles_from_files(self) -> None:
        """Migration 3's second half: the `role` of blobs whose data is a content file."""
        rows = self.conn.execute(
            "SELECT id, content_hash FROM blobs WHERE storage = 'file' AND data IS NULL AND role IS NULL"
        ).fetchall()
        for row in rows:
            data = json.loads(self.content.read(row["content_hash"], owner=f"blob {row['id']}"))
            if isinstance(role := data.get("role"), str):
                with self.transaction() as tx:
                    tx.execute("UPDATE blobs SET role = ? WHERE id = ?", (role, row["id"]))

    @property
    def closed(self) -> bool:
        """True once close() ran: a window's late callbacks check it instead of failing."""
        return self._closed

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise RuntimeError("the store is closed")
            conn = db.connect(self.db_path, busy_timeout_s=self.busy_timeout_s)
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction; nested calls on one thread join the outer one."""
        outer: Tx | None = getattr(self._local, "tx", None)
        if outer is not None:
            yield outer
            return
        undo: list[Any] = []
        try:
            with self._write_lock:
                conn = self.conn
                tx = Tx(conn)
                undo = tx.after_rollback
                self._local.tx = tx
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield tx
                        for hook in self.before_commit:
                            hook(tx)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                except (sqlite3.Error, OSError) as exc:
                    if (clear := self._clear(exc)) is exc:
                        raise
                    raise clear from exc
                finally:
                    self._local.tx = None
        except BaseException:
            for hook in undo:
                hook()
            raise
        for hook in tx.after_commit:
            hook()
        for event in tx.events:
            self.bus.publish(event)

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._clear(exc) from exc

    def query_one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        try:
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise self._clear(exc) from exc
        return row

    def _clear(self, exc: BaseException) -> BaseException:
        """What escapes a store call: ReynaErrors as they are, sqlite3 and disk errors as a
        ReynaError a person can act on, and an OSError the disk errors do not explain unchanged."""
        if isinstance(exc, OSError):
            return storage_error(exc, self.data_dir) or exc
        return sqlite_error(exc, self.db_path)

    def kv_get(self, namespace: str, key: str) -> bytes | None:
        row = self.query_one("SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key))
        return None if row is None else bytes(row["value"])

    def kv_set(self, namespace: str, key: str, value: bytes) -> None:
        with self.transaction() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)",
                (namespace, key, value, now()),
            )

    def events_since(self, after_id: int = 0, pattern: str | None = None, limit: int = 10000) -> list[Event]:
        """Replay: persisted events with id > after_id, oldest first, optionally filtered."""
        rows = self.query("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit))
        out = [Event(id=r["id"], topic=r["topic"], payload=json.loads(r["payload"]), at=r["at"]) for r in rows]
        return [e for e in out if pattern is None or topic_matches(pattern, e.topic)]

    def last_event_id(self) -> int:
        row = self.query_one("SELECT MAX(id) AS m FROM events")
        return int(row["m"] or 0) if row else 0

    def close(self) -> None:
        self._closed = True
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                log.warning("closing a connection failed", exc_info=True)
        self._local = threading.local()
