"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.workforce import api

ROUTES: list[tuple[str, Any, str]] = [
    ("workforce/capabilities", api.CapabilityViewSet, "workforce-capability"),
    ("workforce/funding-lines", api.FundingLineViewSet, "workforce-funding-line"),
    ("workforce/posts", api.PostViewSet, "workforce-post"),
    ("workforce/scenarios", api.ScenarioViewSet, "workforce-scenario"),
    ("workforce/regions", api.RegionComparisonViewSet, "workforce-region"),
]
