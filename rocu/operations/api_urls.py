"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.operations import api

ROUTES: list[tuple[str, Any, str]] = [
    ("operations", api.OperationViewSet, "operation"),
    ("operation-decisions", api.DecisionEntryViewSet, "operation-decision"),
    ("joint-reviews", api.JointReviewViewSet, "joint-review"),
    ("plans", api.PlanViewSet, "plan"),
]
