"""Every API error as application/problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from rocu.core.errors import ApplicationError

PROBLEM = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    429: "Too many requests",
}


def problem(status_code: int, detail: str, *, title: str | None = None, errors: Any = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        app_response = problem(exc.status, exc.message, title=exc.title, errors=exc.errors or None)
        if hasattr(exc, "as_dict"):  # an EditConflict carries both versions of the record
            app_response.data["conflict"] = exc.as_dict()
        return app_response
    if isinstance(exc, Http404):
        return problem(404, "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return problem(403, "You do not have permission to do that.")
    if isinstance(exc, OverflowError):
        # A number from the request too big for the database's integers (SQLite raises this).
        return problem(400, "A number in the request is too large.")
    if isinstance(exc, exceptions.ValidationError):
        return problem(400, "Some of what was sent is not valid.", title="Validation failed", errors=exc.detail)
    response = drf_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
    out = problem(response.status_code, str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            out[header] = response[header]
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in out:
        out["WWW-Authenticate"] = 'Bearer realm="rocu"'
    return out
