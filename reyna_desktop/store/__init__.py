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
from reyna_desktop.store.codex import Codex
from reyna_desktop.store.core import StoreCore, Tx
from reyna_desktop.store.folder_links import FolderLinks
from reyna_desktop.store.listing import Listing
from reyna_desktop.store.passages import Passages
from reyna_desktop.store.processor_cache import ProcessorCache
from reyna_desktop.store.replace import Replacer
from reyna_desktop.store.retention import Compacted, Retention
from reyna_desktop.store.search import Search
from reyna_desktop.store.sections import Sections
from reyna_desktop.store.stats import Stats
from reyna_desktop.store.templates import Templates

__all__ = ["CheckReport", "Store", "Tx"]


class Store(StoreCore):
    def __init__(self, data_dir: Path | str, **options: Any) -> None:
        """`options` are StoreCore's: inline_threshold, schema_folders, busy_timeout_s."""
        super().__init__(Path(data_dir), **options)
        self.buckets = Buckets(self)
        self.blobs = Blobs(self)
        self.search = Search(self)
        self.sections = Sections(self)
        self.listing = Listing(self)
        self.processor_cache = ProcessorCache(self)
        self.folder_links = FolderLinks(self)
        self.retention = Retention(self)
        self.passages = Passages(self)
        self.templates = Templates(self)
        self.replace = Replacer(self)
        self.codex = Codex(self)
        self.stats = Stats(self)

    @classmethod
    def open(cls, data_dir: Path | str, **options: Any) -> Store:
        return cls(data_dir, **options)

    def check(self, *, fix_orphans: bool = False) -> CheckReport:
        return check_store(self, fix_orphans=fix_orphans)

    def compact(self) -> Compacted:
        """Drop old events, stale cache entries and finished jobs (store/retention.py)."""
        return self.retention.compact()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
