"""Compile presets: named option sets saved in a book's metadata (``compile_presets``).

Like novelWriter's build definitions or Scrivener's compile formats: a writer keeps "Paperback
6x9", "Ebook" and "Review copy" side by side and compiles with one by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reyna_desktop.errors import ReynaError
from reyna_desktop.export.options import CompileOptions
from reyna_desktop.store import Store

KEY = "compile_presets"
# Presets every book has (a saved preset of the same name takes precedence).
BUILT_IN: dict[str, dict[str, Any]] = {
    "manuscript": {"docx_layout": "manuscript"},
    "book": {"docx_layout": "book"},
}


def list_presets(store: Store, bucket_id: str) -> dict[str, dict[str, Any]]:
    """Every preset of the book: name -> the options it sets (only those it changes)."""
    presets = store.buckets.get(bucket_id).metadata.get(KEY) or {}
    return {str(k): dict(v) for k, v in presets.items() if isinstance(v, dict)}


def get_preset(store: Store, bucket_id: str, name: str) -> CompileOptions:
    presets = {**BUILT_IN, **list_presets(store, bucket_id)}
    if name not in presets:
        known = ", ".join(sorted(presets))
        raise ReynaError(f"book {bucket_id} has no compile preset {name!r} (presets: {known})")
    try:
        return CompileOptions.from_mapping(presets[name])
    except ReynaError as exc:
        raise ReynaError(f"compile preset {name!r} of book {bucket_id}: {exc}") from None


def save_preset(store: Store, bucket_id: str, name: str, values: Mapping[str, Any]) -> CompileOptions:
    """Check and save `values` under `name` (replacing a preset of that name)."""
    name = name.strip()
    if not name:
        raise ReynaError("a compile preset needs a name")
    options = CompileOptions.from_mapping(values)
    presets = list_presets(store, bucket_id)
    presets[name] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in _changed(values, options).items()}
    store.buckets.update(bucket_id, metadata={KEY: presets}, merge_metadata=True)
    return options


def delete_preset(store: Store, bucket_id: str, name: str) -> None:
    presets = list_presets(store, bucket_id)
    if name not in presets:
        raise ReynaError(f"book {bucket_id} has no compile preset {name!r}")
    del presets[name]
    store.buckets.update(bucket_id, metadata={KEY: presets}, merge_metadata=True)


def resolve_options(
    store: Store, bucket_id: str, preset: str | None = None, overrides: Mapping[str, Any] | None = None
) -> CompileOptions:
    """Defaults, then the named preset, then `overrides` (each checked)."""
    base = get_preset(store, bucket_id, preset) if preset else CompileOptions()
    return CompileOptions.from_mapping(overrides, base=base)


def _changed(values: Mapping[str, Any], options: CompileOptions) -> dict[str, Any]:
    checked = options.to_dict()
    return {k: checked[k] for k in values}
