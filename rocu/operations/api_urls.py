"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

ROUTES: list[tuple[str, Any, str]] = []
