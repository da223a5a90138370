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
