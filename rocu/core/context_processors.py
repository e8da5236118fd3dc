"""What every page's shell needs: navigation for the user's roles, demo banner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from rocu.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "rocu_demo": settings.DEMO,
        "rocu_nav": navigation_for(user, request.path) if user is not None else [],
        "rocu_oidc": settings.OIDC_ENABLED,
    }
