"""Home page panels for people and organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from rocu.accounts import selectors
from rocu.core import policy
from rocu.core.home import Panel, register_panel
from rocu.core.policy import Perm, Role


@register_panel
def your_account(user: Any) -> Panel:
    panel = Panel("Your account", order=90, links=[("Your account and what you can see", reverse("accounts:me"))])
    days = user.vetting_days_left()
    if days is None:
        panel.body = "You have no vetting recorded, so you cannot see classified records."
    elif days < 0:
        panel.body = "Your vetting has expired: you cannot see classified records or personal data until it is renewed."
    else:
        panel.figures.append(("Vetting", f"{user.get_vetting_display()}, {days} days left"))
    return panel


@register_panel
def region_people(user: Any) -> Panel | None:
    if not policy.has_perm(user, Perm.PEOPLE_MANAGE):
        return None
    today = timezone.localdate()
    people = selectors.people_list(user=user, active="yes")
    soon = people.filter(vetting_expires__gte=today, vetting_expires__lte=today + dt.timedelta(days=90))
    expired = people.filter(vetting_expires__lt=today).count()
    panel = Panel("People in your region", order=50)
    panel.figures = [
        ("Active people", people.count()),
        ("Vetting expired", expired),
        ("Vetting expiring in 90 days", soon.count()),
    ]
    panel.rows = [
        {
            "text": p.display_name,
            "url": reverse("accounts:person", args=[p.pk]),
            "hint": f"expires {p.vetting_expires:%d %b %Y}",
        }
        for p in soon.order_by("vetting_expires")[:5]
    ]
    panel.links = [("All people", reverse("accounts:people"))]
    return panel


@register_panel
def network_overview(user: Any) -> Panel | None:
    roles = policy.roles_of(user)
    if not roles & {Role.PCC_OFFICE, Role.NATIONAL_LEAD}:
        return None
    regions = selectors.regions_list(user=user)
    forces = selectors.forces_list(user=user)
    if Role.NATIONAL_LEAD not in roles and user.region_id:
        forces = forces.filter(region_id=user.region_id)
    panel = Panel("The ROCU network" if Role.NATIONAL_LEAD in roles else "Your region", order=10)
    panel.body = "You see aggregate figures only: rocu never shows you personal data."
    panel.figures = [("Regions", regions.count()), ("Forces", forces.count())]
    panel.rows = [{"text": r.name, "hint": f"{r.force_count} forces"} for r in regions[:12]]  # type: ignore[attr-defined]
    return panel
