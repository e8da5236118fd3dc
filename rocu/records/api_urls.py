"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.records.api import RetentionRecordViewSet

ROUTES: list[tuple[str, Any, str]] = [("records/retention", RetentionRecordViewSet, "records-retention")]
