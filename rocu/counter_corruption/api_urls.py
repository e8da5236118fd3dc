"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.counter_corruption.api import AlertViewSet, CaseViewSet, DeclarationViewSet

ROUTES: list[tuple[str, Any, str]] = [
    ("counter-corruption/alerts", AlertViewSet, "cc-alert"),
    ("counter-corruption/cases", CaseViewSet, "cc-case"),
    ("counter-corruption/declarations", DeclarationViewSet, "cc-declaration"),
]
