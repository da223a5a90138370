"""The per-section compile cache: a division's rendered XHTML, keyed by a hash of all it depends on.

Recompiling after an edit to one chapter renders only that chapter again; the others come from
the store's kv table (namespace ``compile-cache``). Stale entries are harmless: a key names its
inputs exactly, so a changed input is a new key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from reyna_desktop.export import markup
from reyna_desktop.export.manuscript import Division, ImageRef
from reyna_desktop.store import Store

NAMESPACE = "compile-cache"


@dataclass
class RenderStats:
    rendered: int = 0
    cached: int = 0


def render_division(
    store: Store,
    division: Division,
    *,
    lang: str,
    scene_separator: str,
    images: dict[str, ImageRef],
    images_sig: str,
    stats: RenderStats,
) -> markup.Rendered:
    source = division.markdown
    key_parts = [markup.RENDER_VERSION, division.key, division.where, division.title, division.heading, lang,
                 scene_separator, images_sig, source]
    key = hashlib.sha256(json.dumps(key_parts, ensure_ascii=False).encode("utf-8")).hexdigest()
    raw = store.kv_get(NAMESPACE, key)
    if raw is not None:
        try:
            data = json.loads(raw)
            stats.cached += 1
            index = [(str(term), str(anchor)) for term, anchor in data["index"]]
            return markup.Rendered(data["html"], index, data["warnings"], data["words"], data["images"])
        except (ValueError, KeyError, TypeError):
            pass
    rendered = markup.render(
        source, doc_id=_doc_id(division.key), lang=lang, where=division.where, scene_separator=scene_separator,
        images=images, drop_heading=(division.title, division.heading),
    )
    store.kv_set(NAMESPACE, key, json.dumps(asdict(rendered), ensure_ascii=False).encode("utf-8"))
    stats.rendered += 1
    return rendered


def images_signature(images: dict[str, ImageRef]) -> str:
    """What image references resolve to: part of every cache key."""
    pairs = sorted((name, ref.href) for name, ref in images.items())
    return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]


def _doc_id(key: str) -> str:
    return "d" + hashlib.sha1(key.encode()).hexdigest()[:8]
