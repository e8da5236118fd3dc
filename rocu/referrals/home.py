"""Home page panel: the referral queue for those who work it, the funnel for those who oversee it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.referrals import permissions as p
from rocu.referrals import selectors


@register_panel
def referral_queue(user: Any) -> Panel | None:
    if policy.has_perm(user, p.REFERRALS_VIEW):
        counts = selectors.queue_summary(user=user)
        panel = Panel("Referrals", order=20)
        panel.figures = [
            ("To check", counts["to_check"]),
            ("To triage", counts["to_triage"]),
            ("Past their triage date", counts["overdue"]),
            ("Assigned to you, open", counts["mine"]),
        ]
        panel.links = [("The referral queue", reverse("referrals:queue")), ("Funnel", reverse("referrals:funnel"))]
        return panel
    if policy.has_perm(user, p.REFERRALS_FUNNEL):
        stages = selectors.funnel_headline(user=user)
        panel = Panel("Referrals", order=40)
        panel.figures = [(s["label"], s["count"]) for s in stages[:4]]
        panel.links = [("Referral funnel", reverse("referrals:funnel"))]
        return panel
    return None
