"""The auditor's home panel: what happened in the trail today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from rocu.audit import selectors
from rocu.audit.models import Category
from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.core.policy import Perm


@register_panel
def audit_today(user: Any) -> Panel | None:
    if not policy.has_perm(user, Perm.AUDIT_VIEW):
        return None
    since = timezone.now() - dt.timedelta(hours=24)
    events = selectors.events_visible(user=user).filter(occurred_at__gte=since)
    panel = Panel("Audit trail, last 24 hours", order=20)
    panel.figures = [
        ("Events", events.count()),
        ("Looks at personal data", events.filter(category=Category.CONSULTATION).count()),
        ("Exports and disclosures", events.filter(category=Category.DISCLOSURE).count()),
        ("Failed sign-ins", events.filter(action="accounts.sign_in_failed").count()),
    ]
    panel.links = [("Search the audit trail", reverse("audit:events"))]
    return panel
