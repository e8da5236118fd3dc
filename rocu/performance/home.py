"""The home page panel that points each role at its performance figures."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.performance.permissions import PERFORMANCE_NATIONAL, PERFORMANCE_VIEW


@register_panel
def performance_panel(user: Any) -> Panel | None:
    if not policy.has_perm(user, PERFORMANCE_VIEW):
        return None
    panel = Panel(
        "Performance", order=40, links=[("Dashboard for your organisation", reverse("performance:dashboard"))]
    )
    if policy.has_perm(user, PERFORMANCE_NATIONAL):
        panel.links.append(("National consistency", reverse("performance:national")))
    panel.links.append(("Metric definitions", reverse("performance:catalogue")))
    return panel
