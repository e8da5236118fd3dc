"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.outcomes import api

ROUTES: list[tuple[str, Any, str]] = [
    ("outcomes", api.OutcomeViewSet, "outcome"),
    ("disruptions", api.DisruptionViewSet, "disruption"),
]
