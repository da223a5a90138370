"""The errors the core raises. Each one carries a message a user can act on."""

from __future__ import annotations


class ReynaError(Exception):
    """Base class: bad input or a state the user can fix. The CLI exits 2 on these."""


class NotFound(ReynaError):
    """An id that names nothing in the store."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r}")
        self.kind = kind
        self.ident = ident


class ValidationFailed(ReynaError):
    """Data that does not match its JSON Schema; `path` is the JSON path of the first error."""

    def __init__(self, schema_id: str, path: str, reason: str) -> None:
        super().__init__(f"{schema_id}: {path}: {reason}")
        self.schema_id = schema_id
        self.path = path
        self.reason = reason


class InvalidOperation(ReynaError):
    """A request that cannot be carried out as asked (a cycle, an empty name...)."""


class IntegrityError(ReynaError):
    """Stored bytes that no longer match their recorded sha256."""


class StoreLocked(ReynaError):
    """Another Reyna process holds the store for writing."""


class StorageUnavailable(ReynaError):
    """The disk refused a write (full, read-only, no permission); the store was left unchanged."""


def storage_error(exc: BaseException, where: object) -> StorageUnavailable | None:
    """A clear StorageUnavailable for a disk-full / read-only failure (sqlite3 or OSError), else None."""
    import errno

    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "disk quota" in text:
        reason = "the disk is full"
    elif code == errno.EROFS or "readonly database" in text or "read-only file system" in text:
        reason = "the disk is read-only"
    elif code in (errno.EACCES, errno.EPERM):
        reason = "permission was denied"
    elif code == errno.EFBIG or "disk i/o error" in text:
        reason = "the disk refused the write (I/O error)"
    else:
        return None
    return StorageUnavailable(
        f"cannot save to {where}: {reason}; nothing was changed in the store. "
        "Free some space or make the folder writable, then save again."
    )
