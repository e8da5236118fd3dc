"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.performance import api

ROUTES: list[tuple[str, Any, str]] = [
    ("metrics", api.MetricViewSet, "metric"),
]
