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
