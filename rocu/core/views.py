"""The shell's own pages: home, health and readiness probes, and error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rocu.core import selectors
from rocu.core.home import home_panels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": home_panels(request.user)})


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A long job's page: a progress bar that HTMX refreshes until the job ends."""
    found = selectors.job_get(user=request.user, pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": found})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database answers and every migration is applied."""
    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = "ok"
        plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not plan else f"{len(plan)} unapplied"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks.setdefault("database", "unreachable")
        checks["error"] = type(exc).__name__
    ready = checks.get("database") == "ok" and checks.get("migrations") == "ok"
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(400, "Bad request", "The request could not be understood.")
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(403, "Forbidden", "You do not have permission to do that.")
    message = str(exception) if exception and str(exception) else "You do not have permission to see this page."
    return render(request, "403.html", {"message": message}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(404, "Not found", "Not found.")
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(500, "Server error", "Something went wrong on our side. It has been logged.")
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "CSRF check failed",
                "status": 403,
                "detail": "The form's security token was missing or out of date. Reload the page and try again.",
            },
            status=403,
            content_type="application/problem+json",
        )
    return render(request, "csrf_failure.html", status=403)
