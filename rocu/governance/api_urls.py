"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.governance import api

ROUTES: list[tuple[str, Any, str]] = [
    ("governance/inspections", api.InspectionViewSet, "governance-inspection"),
    ("governance/recommendations", api.TrackingViewSet, "governance-recommendation"),
    ("governance/responses", api.ResponseViewSet, "governance-response"),
]
