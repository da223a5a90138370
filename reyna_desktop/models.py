"""Pydantic models of the app's own objects, as the store returns them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

JobState = Literal["pending", "running", "succeeded", "failed", "cancelled"]


class Bucket(BaseModel):
    id: str
    name: str
    type: str
    description: str = ""
    parent_id: str | None = None
    depth: int = 0
    path: str  # ids from the root, "/root_id/child_id/"
    position: int = 0
    schema_id: str | None = None
    processor_id: str | None = None
    auto_processors: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    created_at: str
    updated_at: str
    accessed_at: str
    deleted_at: str | None = None

    @property
    def ancestor_ids(self) -> list[str]:
        return [p for p in self.path.strip("/").split("/") if p][:-1]


class Blob(BaseModel):
    id: str
    schema_id: str
    schema_version: str
    processor_id: str | None = None
    storage: Literal["inline", "file"]
    content_hash: str
    content_size: int
    title: str = ""
    preview: str = ""
    word_count: int = 0
    tags: list[str] = Field(default_factory=list)
    parent_id: str | None = None
    processing_state: str | None = None
    processing_meta: dict[str, Any] = Field(default_factory=dict)
    version: int = 1
    is_final: bool = False
    created_at: str
    updated_at: str
    deleted_at: str | None = None
    bucket_ids: list[str] = Field(default_factory=list)
    primary_bucket_id: str | None = None


class BlobVersion(BaseModel):
    blob_id: str
    version: int
    schema_id: str
    schema_version: str
    storage: Literal["inline", "file"]
    content_hash: str
    content_size: int
    title: str = ""
    word_count: int = 0
    note: str = ""
    created_at: str


class Event(BaseModel):
    id: int
    topic: str
    payload: dict[str, Any]
    at: str


class Job(BaseModel):
    id: str
    processor_id: str
    input: dict[str, Any]
    params: dict[str, Any] = Field(default_factory=dict)
    state: JobState
    attempts: int = 0
    max_attempts: int = 3
    progress: float = 0.0
    error: str | None = None
    partial_text: str = ""
    result_blob_id: str | None = None
    cache_key: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    next_attempt_at: str | None = None
    cancel_requested: bool = False


class SearchHit(BaseModel):
    kind: Literal["blob", "bucket"]
    id: str
    title: str
    snippet: str
    score: float
    schema_id: str | None = None
    bucket_type: str | None = None
    bucket_ids: list[str] = Field(default_factory=list)
