"""The language a bucket's text is written in: the `language` of the nearest bucket, from the
bucket itself up to its book, that sets one (a BCP 47 tag in its metadata, as the compiler reads
it). Spell checking and the model's prompts both ask here; it reads the store, never writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reyna_desktop.store import Store


def bucket_language(store: Store, bucket_id: str) -> str | None:
    """The tag set on the bucket or its nearest ancestor ("zh-Hans", "es"), None when none sets one."""
    bucket = store.buckets.get(bucket_id)
    for candidate in [bucket, *reversed(store.buckets.ancestors(bucket_id))]:
        language = candidate.metadata.get("language")
        if isinstance(language, str) and language.strip():
            return language.strip()
    return None


def primary_subtag(tag: str) -> str:
    """The language without region or script: "zh" for "zh-Hans-CN", "es" for "es_MX"."""
    return tag.replace("_", "-").split("-")[0].lower()
