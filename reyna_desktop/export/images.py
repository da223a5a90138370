"""Image bytes for a compiled book: read from the store, oversized ones scaled down with a warning.

Stores reject huge images (and readers choke on them), so a picture over ``MAX_PIXELS`` or
``MAX_BYTES`` is scaled to fit ``MAX_SIDE`` pixels, keeping its format so links stay valid.
"""

from __future__ import annotations

import io

from reyna_desktop.errors import ReynaError
from reyna_desktop.export.manuscript import ImageRef
from reyna_desktop.store import Store

MAX_PIXELS = 4_000_000
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2000


def load(store: Store, ref: ImageRef, warnings: list[str]) -> bytes:
    data = store.blobs.content(ref.blob_id)
    pixels = (ref.width or 0) * (ref.height or 0)
    if pixels <= MAX_PIXELS and len(data) <= MAX_BYTES:
        return data
    if ref.ext not in ("png", "jpg", "jpeg", "webp", "gif"):
        raise ReynaError(f"image {ref.filename!r} ({ref.blob_id}) is {len(data):,} bytes; make it smaller than "
                         f"{MAX_BYTES // (1024 * 1024)} MB")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or "PNG"
            before = image.size
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            after = image.size
            out = io.BytesIO()
            (image.convert("RGB") if fmt == "JPEG" and image.mode not in ("RGB", "L") else image).save(
                out, format=fmt, optimize=True)
    except (ImportError, OSError, ValueError) as exc:
        raise ReynaError(f"image {ref.filename!r} ({ref.blob_id}) is too large and cannot be scaled: {exc}") from None
    warnings.append(
        f"image {ref.filename!r} is {before[0]}x{before[1]} pixels ({len(data):,} bytes); "
        f"scaled to {after[0]}x{after[1]} for the book"
    )
    return out.getvalue()
