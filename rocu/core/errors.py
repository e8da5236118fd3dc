"""One family of application errors, turned into a page message or problem+json."""

from __future__ import annotations


class ApplicationError(Exception):
    """A request rocu refuses for a reason the user can act on."""

    status = 400
    title = "The request could not be completed"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})


class ValidationFailed(ApplicationError):
    title = "Some of what was sent is not valid"


class NotFound(ApplicationError):
    """Missing and forbidden look the same from outside (STYLE.md rule 4)."""

    status = 404
    title = "Not found"

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class PermissionDenied(ApplicationError):
    status = 403
    title = "You do not have permission to do that"


class Conflict(ApplicationError):
    status = 409
    title = "Someone else changed this record"


class StorageFull(ApplicationError):
    """The disk (or the database's disk) has no room: nothing was saved, and it is not the user's fault."""

    status = 507
    title = "No room to store this"

    def __init__(
        self,
        message: str = "The service has no room left to store this just now. Nothing was saved. "
        "Try again later; the service team has been told.",
    ) -> None:
        super().__init__(message)


# errno values of a write refused for lack of space (ENOSPC) or quota (EDQUOT).
_FULL_ERRNOS = {28, 122}
_FULL_WORDS = ("disk is full", "no space left", "could not extend file", "disk quota exceeded")


def is_storage_full(exc: BaseException) -> bool:
    """A write that failed because a disk is full: of a file (OSError) or of the database."""
    if isinstance(exc, StorageFull):
        return True
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    from django.db import DatabaseError

    return isinstance(exc, DatabaseError) and any(word in str(exc).lower() for word in _FULL_WORDS)
