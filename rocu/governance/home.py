"""Home page panels: what a person owns and must do next, and responses falling due."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.engines import deadlines
from rocu.governance import permissions as p
from rocu.governance import selectors
from rocu.governance.models import InspectionResponse, ProgressStatus


@register_panel
def my_recommendations(user: Any) -> Panel | None:
    if not policy.has_perm(user, p.GOVERNANCE_VIEW):
        return None
    today = timezone.localdate()
    open_ = selectors.trackings_visible(user=user).exclude(progress=ProgressStatus.COMPLETE)
    owned = list(open_.filter(owner=user).order_by("due_date")[:6])
    to_decide = list(open_.filter(closure_requested_at__isnull=False).filter(Q(approver=user)).exclude(owner=user)[:5])
    if not owned and not to_decide:
        return None
    panel = Panel("Your recommendations", order=20)
    soon = max(deadlines.REMINDER_DAYS)
    for t in to_decide:
        panel.rows.append(
            {
                "text": f"Decide on closure: {t.finding.reference} ({t.region})",
                "url": reverse("governance:recommendation", args=[t.pk]),
                "hint": "closure requested",
            }
        )
    for t in owned:
        state = t.deadline(today)
        hint = state.label if state else "no due date"
        if state and state.days_left <= soon:
            hint = f"reminder: {hint}"
        panel.rows.append(
            {
                "text": f"{t.finding.reference}: {t.finding.inspection}",
                "url": reverse("governance:recommendation", args=[t.pk]),
                "hint": hint,
            }
        )
    overdue = sum(1 for t in owned if t.due_date and t.due_date < today)
    panel.figures = [("Open, owned by you", len(owned)), ("Overdue", overdue)]
    panel.links = [("All your recommendations", reverse("governance:recommendations") + "?mine=on")]
    return panel


@register_panel
def responses_due(user: Any) -> Panel | None:
    if not (policy.has_perm(user, p.GOVERNANCE_PCC_RESPOND) or policy.has_perm(user, p.GOVERNANCE_CC_COMMENT)):
        return None
    today = timezone.localdate()
    drafts = selectors.responses_visible(user=user).filter(state=InspectionResponse.State.DRAFT)
    rows = []
    for r in drafts[:6]:
        state = r.deadline(today)
        rows.append(
            {
                "text": f"{r.force}: {r.inspection}",
                "url": reverse("governance:response", args=[r.pk]),
                "hint": f"56-day response {state.label} (due {r.due:%d %b %Y})",
            }
        )
    if not rows:
        return None
    return Panel(
        "Inspection responses due", order=15, rows=rows, links=[("All responses", reverse("governance:responses"))]
    )
