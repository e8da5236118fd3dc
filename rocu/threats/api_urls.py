"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.threats import api

ROUTES: list[tuple[str, Any, str]] = [
    ("threats", api.ThreatViewSet, "threat"),
    ("ocgs", api.OCGViewSet, "ocg"),
    ("assessments", api.AssessmentViewSet, "assessment"),
    ("tcg/meetings", api.MeetingViewSet, "tcg-meeting"),
    ("tcg/decisions", api.DecisionViewSet, "tcg-decision"),
    ("threat-counts", api.ThreatCountsViewSet, "threat-counts"),
]
