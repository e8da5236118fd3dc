"""Request-wide concerns: the audit context, and a clear 503 when the database is down."""

from __future__ import annotations

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from rocu.core import request_context


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
    """A lost database connection answers 503 with Retry-After, never a bare 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)) or not _is_connection_error(exception):
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Service unavailable",
                    "status": 503,
                    "detail": "The database cannot be reached. Try again shortly.",
                },
                status=503,
                content_type="application/problem+json",
            )
        else:
            response = HttpResponse(render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = "30"
        return response


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

        from rocu.core.errors import ApplicationError, NotFound, PermissionDenied

        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"message": exception.message}, status=403)
        if isinstance(exception, ApplicationError):
            return render(request, "400.html", {"message": exception.message}, status=exception.status)
        return None
