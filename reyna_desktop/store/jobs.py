"""The `jobs` table (the processor runner's queue): reading jobs and the state changes the runner
makes, each inside the runner's transaction."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from reyna_desktop.errors import NotFound
from reyna_desktop.models import Job, JobState
from reyna_desktop.store.text import new_id, now, to_json

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore, Tx

TERMINAL_STATES: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})
JSON_COLUMNS = ("input", "params")


def row_to_job(row: sqlite3.Row) -> Job:
    data = dict(row)
    for column in JSON_COLUMNS:
        data[column] = json.loads(data[column] or "{}")
    data["cancel_requested"] = bool(data["cancel_requested"])
    return Job.model_validate(data)


class JobTable:
    def __init__(self, store: StoreCore) -> None:
        self.store = store

    def get(self, job_id: str) -> Job:
        row = self.store.query_one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            raise NotFound("job", job_id)
        return row_to_job(row)

    def recent(self, states: list[JobState] | None = None, limit: int = 500) -> list[Job]:
        """Newest first."""
        if states:
            marks = ",".join("?" for _ in states)
            rows = self.store.query(
                f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (*states, limit),
            )
        else:
            rows = self.store.query("SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,))
        return [row_to_job(r) for r in rows]

    def ready(self) -> list[Job]:
        """Pending jobs whose retry time has come, oldest first."""
        rows = self.store.query(
            "SELECT * FROM jobs WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
            "ORDER BY created_at, rowid",
            (now(),),
        )
        return [row_to_job(r) for r in rows]

    def insert(
        self, tx: Tx, processor_id: str, input: dict[str, Any], params: dict[str, Any], *,
        max_attempts: int, cache_key: str | None, result_blob_id: str | None = None,
    ) -> str:
        job_id = new_id("job")
        stamp = now()
        done = result_blob_id is not None
        tx.execute(
            """INSERT INTO jobs (id, processor_id, input, params, state, max_attempts, progress, result_blob_id,
                   cache_key, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (job_id, processor_id, to_json(input), to_json(params), "succeeded" if done else "pending", max_attempts,
             1.0 if done else 0.0, result_blob_id, cache_key, stamp, stamp if done else None, stamp if done else None),
        )
        return job_id

    def update(self, tx: Tx, job_id: str, *, only_if_state: str | None = None, **columns: Any) -> bool:
        """Update columns; with `only_if_state`, only while the job is still in that state."""
        values = [int(v) if isinstance(v, bool) else v for v in columns.values()]
        sql = f"UPDATE jobs SET {', '.join(k + ' = ?' for k in columns)} WHERE id = ?"
        params: list[Any] = [*values, job_id]
        if only_if_state is not None:
            sql += " AND state = ?"
            params.append(only_if_state)
        return tx.execute(sql, params).rowcount > 0

    def cancel_requested(self, job_ids: list[str]) -> set[str]:
        if not job_ids:
            return set()
        marks = ",".join("?" for _ in job_ids)
        rows = self.store.query(f"SELECT id FROM jobs WHERE cancel_requested = 1 AND id IN ({marks})", job_ids)
        return {r["id"] for r in rows}

    def interrupted(self) -> list[Job]:
        """Jobs marked running: at a runner's start, those were left by a process that died."""
        return [row_to_job(r) for r in self.store.query("SELECT * FROM jobs WHERE state = 'running'")]
