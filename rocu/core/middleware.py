"""Request-wide concerns: the audit context, a clear 503 when the database is down, 507 when a disk is full."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from rocu.core import request_context

logger = logging.getLogger(__name__)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = request_context.bind(
            request_context.RequestContext(ip_address=request.META.get("REMOTE_ADDR") or None, channel=channel)
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 with Retry-After, and a full disk 507, never a bare 500.

    Errors raised in the view come through `process_exception`; those raised by
    middleware further in (the session or the second-factor check reading the user)
    reach the 500 handler instead, which asks `fault_response` the same question.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return fault_response(request, exception)


def fault_response(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 or 507 for an outage or a full disk; None for anything else (a real bug)."""
    from rocu.core.errors import is_storage_full

    if exception is None:
        return None
    if is_storage_full(exception):
        logger.error("Storage full: %s", type(exception).__name__, exc_info=exception)
        return storage_full_response(request)
    if not isinstance(exception, (OperationalError, InterfaceError)) or not _is_connection_error(exception):
        return None
    logger.error("Database unreachable: %s", type(exception).__name__, exc_info=exception)
    if request.path.startswith("/api/"):
        response: HttpResponse = _problem(
            503, "Service unavailable", "The database cannot be reached. Try again shortly."
        )
    else:
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
    response["Retry-After"] = "30"
    return response


def storage_full_response(request: HttpRequest) -> HttpResponse:
    from rocu.core.errors import StorageFull

    message = StorageFull().message
    if request.path.startswith("/api/"):
        response: HttpResponse = _problem(507, StorageFull.title, message)
    else:
        response = HttpResponse(render_to_string("507.html", {"message": message}, request=None), status=507)
    response["Retry-After"] = "300"
    return response


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


def _is_connection_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, InterfaceError) or any(
        word in text
        for word in ("connection", "could not connect", "server closed", "terminating", "unable to open", "disk i/o")
    )


class ApplicationErrorMiddleware:
    """Turns an ApplicationError that escaped a view into the matching styled page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from rocu.core.errors import ApplicationError, NotFound, PermissionDenied, StorageFull

        if isinstance(exception, StorageFull):
            return storage_full_response(request)
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"message": exception.message}, status=403)
        if isinstance(exception, ApplicationError):
            return render(request, "400.html", {"message": exception.message}, status=exception.status)
        return None
