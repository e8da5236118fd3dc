"""The shell's own pages: home, health and readiness probes, and error pages."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rocu.core import jobs, selectors
from rocu.core.errors import is_storage_full
from rocu.core.home import home_panels
from rocu.core.middleware import fault_response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": home_panels(request.user)})


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A long job's page: a progress bar that HTMX refreshes until the job ends."""
    found = selectors.job_get(user=request.user, pk=pk)
    if found.status == "running" and jobs.jobs_reap():  # its worker may have died: say so
        found = selectors.job_get(user=request.user, pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": found})


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed or interrupted job of one's own again."""
    retried = jobs.job_retry(actor=request.user, job_id=pk)
    return redirect("core:job", pk=retried.pk)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database answers, every migration is applied, and the data
    directory and the uploads' directory take a write with room to spare.

    The body names each check and its state, never a path or an error's text.
    """
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
    checks["data_dir"] = _writable_with_room(Path(settings.DATA_DIR))
    checks["storage"] = _writable_with_room(Path(default_storage.path("")))
    ready = all(checks.get(name) == "ok" for name in ("database", "migrations", "data_dir", "storage"))
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


def _writable_with_room(directory: Path) -> str:
    """ "ok", or what is wrong: a directory that takes no write, or a disk nearly full."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".readyz-") as probe:
            probe.write(b"ready")
            probe.flush()
            os.fsync(probe.fileno())
        free = shutil.disk_usage(directory).free
    except OSError as exc:
        return "full" if is_storage_full(exc) else "not writable"
    needed = settings.READY_MIN_FREE_BYTES
    if free < needed:
        return f"low on space: {free // 2**20} MB free, {needed // 2**20} MB needed"
    return "ok"


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
    # An outage or a full disk met outside a view (in middleware reading the session, say).
    fault = fault_response(request, sys.exc_info()[1])
    if fault is not None:
        return fault
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
