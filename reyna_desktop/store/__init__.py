"""The per-user store: buckets, blobs, versions, events, search, over SQLite + a content dir.

store = Store.open(data_dir)
book = store.templates.instantiate("book", "My Novel")
draft = store.blobs.create({"content": "The storm..."}, bucket_ids=[book.id])
store.search("storm")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reyna_desktop.store.blobs import Blobs
from reyna_desktop.store.buckets import Buckets
from reyna_desktop.store.check import CheckReport, check_store
from reyna_desktop.store.core import StoreCore, Tx
from reyna_desktop.store.passages import Passages
from reyna_desktop.store.search import Search
from reyna_desktop.store.templates import Templates

__all__ = ["CheckReport", "Store", "Tx"]


class Store(StoreCore):
    def __init__(self, data_dir: Path | str, **options: Any) -> None:
        """`options` are StoreCore's: inline_threshold, schema_folders."""
        super().__init__(Path(data_dir), **options)
        self.buckets = Buckets(self)
        self.blobs = Blobs(self)
        self.search = Search(self)
        self.passages = Passages(self)
        self.templates = Templates(self)

    @classmethod
    def open(cls, data_dir: Path | str, **options: Any) -> Store:
        return cls(data_dir, **options)

    def check(self, *, fix_orphans: bool = False) -> CheckReport:
        return check_store(self, fix_orphans=fix_orphans)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
