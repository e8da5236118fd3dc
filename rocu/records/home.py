"""Home page panel for records management: reviews that are due."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.records import selectors
from rocu.records.models import SubjectAccessStatus
from rocu.records.permissions import RECORDS_REVIEW, SUBJECT_ACCESS


@register_panel
def records_due(user: Any) -> Panel | None:
    if not policy.has_perm(user, RECORDS_REVIEW):
        return None
    panel = Panel("Records review", order=40)
    panel.figures = [("Reviews due", selectors.retention_queue(user=user).count())]
    if policy.has_perm(user, SUBJECT_ACCESS):
        panel.figures.append(
            (
                "Open subject access requests",
                selectors.subject_access_list(user=user).filter(status=SubjectAccessStatus.OPEN).count(),
            )
        )
    panel.links = [("Review queue", reverse("records:queue"))]
    return panel
