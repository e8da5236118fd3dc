"""Reminders before due dates: by email from `rocu governance reminders`, which any
scheduler may run as often as it likes, since each reminder is recorded once sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rocu.accounts.models import User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core.policy import Role
from rocu.engines import deadlines
from rocu.governance.models import InspectionResponse, ProgressStatus, RecommendationTracking, ReminderSent


@dataclass
class ReminderRun:
    today: dt.date
    sent: list[str] = field(default_factory=list)  # keys, for the summary
    emails: int = 0


def _when(days: int) -> str:
    if days == deadlines.OVERDUE:
        return "is overdue"
    return f"is due in {days} day{'s' if days != 1 else ''}"


def _send(run: ReminderRun, key: str, due: dt.date, people: list[Any], subject: str, body: str) -> None:
    already = set(ReminderSent.objects.filter(key=key).values_list("days_before", flat=True))
    days = deadlines.reminder_to_send(due, run.today, already)
    if days is None:
        return
    addresses = sorted({u.email for u in people if u.email})
    try:
        with transaction.atomic():
            ReminderSent.objects.create(key=key, days_before=days, recipients=len(addresses), sent_on=run.today)
    except IntegrityError:
        return  # another run sent it a moment ago
    if addresses:
        send_mail(
            f"rocu: {subject} {_when(days)}",
            body + f"\n\nDue: {due:%d %B %Y}.",
            settings.DEFAULT_FROM_EMAIL,
            addresses,
        )
        run.emails += len(addresses)
    run.sent.append(f"{key}@{days}")


def reminders_send(*, today: dt.date | None = None, site: str = "") -> ReminderRun:
    run = ReminderRun(today=today or timezone.localdate())
    horizon = run.today + dt.timedelta(days=max(deadlines.REMINDER_DAYS))
    trackings = (
        RecommendationTracking.objects.select_related("finding__inspection", "owner", "region")
        .exclude(progress=ProgressStatus.COMPLETE)
        .filter(due_date__isnull=False, due_date__lte=horizon, owner__isnull=False, owner__is_active=True)
    )
    for t in trackings:
        assert t.owner is not None
        assert t.due_date is not None
        url = site + reverse("governance:recommendation", args=[t.pk])
        _send(
            run,
            f"tracking:{t.pk}",
            t.due_date,
            [t.owner],
            f"{t.finding.reference} ({t.region})",
            f"You own {t.finding.reference} of “{t.finding.inspection}” for {t.region}.\n{url}",
        )
    drafts = InspectionResponse.objects.select_related("inspection", "force").filter(
        state=InspectionResponse.State.DRAFT
    )
    for r in drafts:
        if r.due > horizon:
            continue
        people = list(
            User.objects.filter(is_active=True).filter(role_assignments__role=Role.PCC_OFFICE, force_id=r.force_id)
        ) + list(User.objects.filter(is_active=True, role_assignments__role=Role.ROCU_HEAD, region_id=r.region_id))
        url = site + reverse("governance:response", args=[r.pk])
        _send(
            run,
            f"response:{r.pk}",
            r.due,
            people,
            f"the {r.force} response to “{r.inspection}”",
            "The PCC must publish a response within 56 days of the report (Police Act 1996, s.55).\n" + url,
        )
    if run.sent:
        audit_record(
            actor=None,
            actor_username="rocu governance reminders",
            category=Category.COLLECTION,
            action="governance.reminders.send",
            detail={"reminders": len(run.sent), "emails": run.emails, "date": run.today.isoformat()},
        )
    return run
