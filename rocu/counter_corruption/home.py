"""Home page panel for counter-corruption: what needs triage."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.counter_corruption import selectors
from rocu.counter_corruption.models import AlertStatus, CaseStatus, ScanState
from rocu.counter_corruption.permissions import CC_VIEW


@register_panel
def counter_corruption(user: Any) -> Panel | None:
    if not policy.has_perm(user, CC_VIEW):
        return None
    alerts = selectors.alerts_visible(user=user)
    state = ScanState.objects.filter(pk=1).first()
    panel = Panel("Counter-corruption", order=15)
    panel.figures = [
        ("New alerts", alerts.filter(status=AlertStatus.NEW).count()),
        ("Assigned to you", alerts.filter(status=AlertStatus.ASSIGNED, assigned_to_id=user.pk).count()),
        ("Open cases", selectors.cases_visible(user=user).exclude(status=CaseStatus.CLOSED).count()),
    ]
    if state and state.last_scan_at:
        panel.body = f"The audit trail was last scanned to event #{state.last_seq}."
    panel.links = [("Alerts", reverse("counter_corruption:alerts")), ("Cases", reverse("counter_corruption:cases"))]
    return panel
