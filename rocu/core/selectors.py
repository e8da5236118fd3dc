"""Reads of shared records: a user's own background jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from rocu.core.errors import NotFound
from rocu.core.models import Job


def jobs_for(*, user: Any) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=user)


def job_get(*, user: Any, pk: Any) -> Job:
    try:
        return jobs_for(user=user).get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
