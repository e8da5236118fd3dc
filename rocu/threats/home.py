"""Home page panels: the analyst's review queue, the head's flags and next T&CG, and
counts for PCC and national roles."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.threats import permissions as P
from rocu.threats import selectors


@register_panel
def threat_picture(user: Any) -> Panel | None:
    if not policy.has_perm(user, P.THREATS_VIEW):
        return None
    subjects = selectors.subjects_visible(user=user)
    panel = Panel("Threats and tasking", order=20)
    panel.figures = [
        ("Threats", subjects.filter(kind="threat").count()),
        ("Adopted priorities", subjects.filter(is_priority=True).count()),
        ("Flagged", subjects.filter(selectors.any_flag_q()).count()),
    ]
    if policy.has_perm(user, P.THREATS_REVIEW):
        waiting = selectors.awaiting_review(user=user)
        panel.figures.append(("Scores awaiting your review", waiting.count()))
        panel.rows = [
            {
                "text": f"{a.subject.reference} {a.subject.name} — version {a.version}",
                "url": reverse("threats:assessment", args=[a.pk]),
                "hint": f"scored by {a.scored_by.display_name}",
            }
            for a in waiting[:5]
        ]
    nxt = selectors.meetings_list(user=user).filter(held_on__gte=timezone.localdate()).order_by("held_on").first()
    if nxt is not None:
        panel.rows.append(
            {
                "text": f"Next T&CG: {nxt.title}",
                "url": reverse("threats:meeting", args=[nxt.pk]),
                "hint": f"{nxt.held_on:%d %b %Y}",
            }
        )
    panel.links = [("Threat picture", reverse("threats:picture")), ("Mismatches", reverse("threats:mismatches"))]
    return panel


@register_panel
def threat_counts(user: Any) -> Panel | None:
    if policy.has_perm(user, P.THREATS_VIEW) or not policy.has_perm(user, P.THREATS_AGGREGATE):
        return None
    agg = selectors.aggregates(user=user)
    panel = Panel("Threats (counts only)", order=20)
    panel.figures = [("Threats", agg.total), ("Adopted priorities", agg.priorities), ("OCGs", agg.ocgs)]
    panel.links = [("Counts by type, level and flag", reverse("threats:aggregates"))]
    return panel
