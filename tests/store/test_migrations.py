"""Stores made by an older version open in a newer one; a newer store is refused clearly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reyna_desktop.errors import ReynaError
from reyna_desktop.store import Store, db


def test_migrations_recorded_in_user_version(private_dirs: Path) -> None:
    with Store.open(private_dirs) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_older_store_is_upgraded_in_place(private_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(private_dirs) as store:
        store.buckets.create("Old", "book")

    def _m_next(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE upgrade_marker (x INTEGER)")

    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, _m_next])
    with Store.open(private_dirs) as store:
        assert [b.name for b in store.buckets.all()] == ["Old"]
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
        store.conn.execute("SELECT * FROM upgrade_marker")


def test_newer_store_is_refused(private_dirs: Path) -> None:
    Store.open(private_dirs).close()
    conn = sqlite3.connect(private_dirs / "reyna.sqlite3")
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(ReynaError, match="newer Reyna"):
        Store.open(private_dirs)
