"""The store is the only package that speaks SQL: no query, table name or sqlite3 connection
in any other module of reyna_desktop."""

from __future__ import annotations

import re
from pathlib import Path

import reyna_desktop

PACKAGE = Path(reyna_desktop.__file__).parent
SQL = re.compile(
    r"""(\b(SELECT|INSERT\s+INTO|INSERT\s+OR|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIRTUAL)|"""
    r"""ALTER\s+TABLE|PRAGMA)\b|sqlite3\.connect|\.execute\(|\.executemany\(|\.query(_one)?\(|\bstore\.conn\b)"""
)


def sql_lines(path: Path) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]


def test_no_sql_outside_the_store() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("store/"):
            continue
        found += sql_lines(path)
    assert found == []


def test_the_check_finds_sql() -> None:
    sample = PACKAGE / "store" / "jobs.py"
    assert sql_lines(sample), "the pattern no longer recognises the store's own queries"
