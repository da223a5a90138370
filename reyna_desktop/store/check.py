"""`reyna check`: is the store sound? SQLite's own check, then every content file against its
hash; and how big it is (retention.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reyna_desktop.store.retention import Retention

if TYPE_CHECKING:
    from reyna_desktop.store.core import StoreCore


@dataclass
class CheckReport:
    integrity: list[str] = field(default_factory=list)  # "ok" when sound
    damaged: list[str] = field(default_factory=list)  # content hashes whose bytes do not match
    missing: list[str] = field(default_factory=list)  # referenced but absent
    orphans: list[str] = field(default_factory=list)  # present but referenced by nothing
    files_checked: int = 0
    owners: dict[str, list[str]] = field(default_factory=dict)  # hash -> blob ids
    size: dict[str, object] = field(default_factory=dict)  # StoreSize: bytes on disk, rows of growing tables

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not (self.damaged or self.missing or self.orphans)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "integrity": self.integrity,
            "files_checked": self.files_checked,
            "damaged": [{"hash": h, "blobs": self.owners.get(h, [])} for h in self.damaged],
            "missing": [{"hash": h, "blobs": self.owners.get(h, [])} for h in self.missing],
            "orphans": self.orphans,
            "size": self.size,
        }


def check_store(store: StoreCore, *, fix_orphans: bool = False) -> CheckReport:
    report = CheckReport()
    report.integrity = [r[0] for r in store.query("PRAGMA integrity_check")]
    referenced: dict[str, list[str]] = {}
    for row in store.query("SELECT DISTINCT content_hash, blob_id FROM blob_versions WHERE storage = 'file'"):
        referenced.setdefault(row["content_hash"], []).append(row["blob_id"])
    report.owners = referenced
    present = set(store.content.all_digests())
    for digest in sorted(referenced):
        if digest not in present:
            report.missing.append(digest)
        else:
            report.files_checked += 1
            if not store.content.verify(digest):
                report.damaged.append(digest)
    report.orphans = sorted(present - referenced.keys())
    report.size = Retention(store).size().as_dict()
    if fix_orphans:
        for digest in report.orphans:
            store.content.remove(digest)
        report.orphans = []
    return report
