"""The errors the core raises. Each one carries a message a user can act on."""

from __future__ import annotations


class ReynaError(Exception):
    """Base class: bad input or a state the user can fix. The CLI exits 2 on these."""


class EnvironmentProblem(ReynaError):
    """The machine, not the input, stopped the call: a full or read-only disk, a store held by
    another process, a damaged file. The CLI exits 1 on these."""


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


class StoreLocked(EnvironmentProblem):
    """Another Reyna process holds the store for writing."""


class StorageUnavailable(EnvironmentProblem):
    """The disk refused a write (full, read-only, no permission); the store was left unchanged."""


class StoreBusy(EnvironmentProblem):
    """Another process kept the store's write lock longer than the busy timeout."""


class StoreDamaged(EnvironmentProblem):
    """SQLite found the database file damaged or not a database."""


class SaveConflict(ReynaError):
    """A change collided with one saved at the same moment (a constraint SQLite enforced)."""


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


def sqlite_error(exc: BaseException, db_path: object) -> ReynaError:
    """The ReynaError a person can act on for a sqlite3 (or OSError) failure in a store call."""
    import sqlite3

    if (clear := storage_error(exc, db_path)) is not None:
        return clear
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreBusy(
            f"{db_path}: the store is busy: another program kept it locked for writing for too long; "
            "nothing was changed. Close other programs using this store (or wait for them), then try again."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StoreDamaged(
            f"{db_path}: the database file is damaged ({exc}); run `reyna check` and restore a backup "
            "with `reyna restore`."
        )
    if isinstance(exc, sqlite3.IntegrityError):
        return SaveConflict(
            f"{db_path}: the change collided with another one saved at the same moment ({exc}); "
            "nothing was changed, try again."
        )
    if isinstance(exc, sqlite3.OperationalError | sqlite3.InterfaceError | sqlite3.ProgrammingError):
        return EnvironmentProblem(f"{db_path}: the store refused the request ({exc}); nothing was changed.")
    return EnvironmentProblem(f"{db_path}: storage error ({exc}); nothing was changed.")
