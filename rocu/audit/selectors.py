"""Reading the audit trail: for auditors of the region, never for the people in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from rocu.audit.models import AuditEvent
from rocu.core import policy
from rocu.core.policy import Perm

SORTS = {
    "seq": "seq",
    "-seq": "-seq",
    "occurred_at": "seq",
    "-occurred_at": "-seq",
    "actor": "actor_username",
    "-actor": "-actor_username",
    "action": "action",
    "-action": "-action",
}


def events_visible(*, user: Any) -> QuerySet[AuditEvent]:
    """The region's events and the region-less ones (unknown usernames, the CLI)."""
    if not policy.has_perm(user, Perm.AUDIT_VIEW):
        return AuditEvent.objects.none()
    scope = policy.scope_for(user)
    if scope.all_regions:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(Q(region_id=scope.region_id) | Q(region_id__isnull=True))


def events_list(
    *,
    user: Any,
    actor: str = "",
    category: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: str = "-seq",
) -> QuerySet[AuditEvent]:
    qs = events_visible(user=user)
    if actor:
        qs = qs.filter(actor_username__iexact=actor)
    if category:
        qs = qs.filter(category=category)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by(SORTS.get(sort, "-seq"))
