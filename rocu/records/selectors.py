"""Reads for records management, filtered by the policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from rocu.core import policy
from rocu.records.models import RetentionRecord, RetentionStatus, SubjectAccessRequest
from rocu.records.permissions import RECORDS_REVIEW, SUBJECT_ACCESS

SORTS = {
    "next_review": ("next_review", "pk"),
    "-next_review": ("-next_review", "-pk"),
    "group": ("group", "next_review", "pk"),
    "-group": ("-group", "next_review", "pk"),
    "reference": ("reference", "pk"),
    "-reference": ("-reference", "-pk"),
}


def retention_visible(*, user: Any) -> QuerySet[RetentionRecord]:
    return policy.restrict(user, RetentionRecord.objects.all(), RECORDS_REVIEW)


def retention_queue(
    *,
    user: Any,
    due: str = "due",
    group: int | None = None,
    object_type: str = "",
    status: str = RetentionStatus.ACTIVE,
    held: str = "",
    sort: str = "next_review",
    today: dt.date | None = None,
) -> QuerySet[RetentionRecord]:
    """The review queue: by default the held records whose review date has come."""
    today = today or timezone.localdate()
    qs = retention_visible(user=user)
    if status:
        qs = qs.filter(status=status)
    if due == "due":
        qs = qs.filter(next_review__lte=today)
    elif due == "year":
        qs = qs.filter(next_review__lte=today + dt.timedelta(days=365))
    if group:
        qs = qs.filter(group=group)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if held == "yes":
        qs = qs.filter(legal_hold=True)
    elif held == "no":
        qs = qs.filter(legal_hold=False)
    return qs.order_by(*SORTS.get(sort, SORTS["next_review"]))


def retention_get(*, user: Any, pk: Any) -> RetentionRecord:
    return policy.get_visible(
        user, RetentionRecord.objects.prefetch_related("decisions__reviewer"), RECORDS_REVIEW, pk=pk
    )


def subject_access_list(*, user: Any) -> QuerySet[SubjectAccessRequest]:
    return policy.restrict(user, SubjectAccessRequest.objects.select_related("created_by"), SUBJECT_ACCESS)


def subject_access_get(*, user: Any, pk: Any) -> SubjectAccessRequest:
    return policy.get_visible(user, SubjectAccessRequest.objects.all(), SUBJECT_ACCESS, pk=pk)
