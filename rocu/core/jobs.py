"""Starting long work as a task and reporting its progress to the page.

Usage in an app:

    @task()
    def import_referrals(job_id: int, upload_id: int) -> None:
        with run_job(job_id) as job:
            job.progress(0, total, "Checking rows")
            ...
            job.finish({"imported": n}, result_url=...)

    job = job_enqueue(actor=user, kind="referrals.import", title="Import of parcels.csv",
                      region=user.region, task=import_referrals, args=[upload.pk])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core.models import Job, JobStatus


def job_enqueue(
    *,
    actor: Any,
    kind: str,
    title: str,
    region: Any,
    task: Any,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
) -> Job:
    """Record the job and queue its task once the surrounding transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, title=title[:200], region=region, created_by=actor)
        audit_record(
            actor=actor, category=Category.COLLECTION, action="core.job.enqueue", obj=job, detail={"kind": kind}
        )
        job_id = job.pk
        transaction.on_commit(lambda: task.enqueue(job_id, *args, **(kwargs or {})))
    return job


class JobReporter:
    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last_saved = 0.0

    def progress(self, done: int, total: int | None = None, message: str | None = None, *, force: bool = False) -> None:
        """Save progress at most a few times a second (every call when `force`)."""
        now = timezone.now().timestamp()
        if not force and now - self._last_saved < 0.25 and (total is None or done < total):
            return
        self._last_saved = now
        fields: dict[str, Any] = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        if message is not None:
            fields["message"] = message[:300]
        Job.objects.filter(pk=self.job_id).update(**fields)

    def finish(self, result: dict[str, Any] | None = None, *, result_url: str = "", message: str = "Finished") -> None:
        Job.objects.filter(pk=self.job_id).update(
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
            result=result or {},
            result_url=result_url,
            message=message[:300],
        )

    def fail(self, error: str) -> None:
        Job.objects.filter(pk=self.job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=error[:500], message="Failed"
        )


@contextmanager
def run_job(job_id: int) -> Iterator[JobReporter]:
    """Mark the job running; if the body raises, mark it failed (and re-raise)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now(), error="")
    reporter = JobReporter(job_id)
    try:
        yield reporter
    except Exception as exc:
        from rocu.core.errors import ApplicationError

        reporter.fail(exc.message if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: the job stopped")
        if not isinstance(exc, ApplicationError):
            raise
    else:
        job = Job.objects.only("status").get(pk=job_id)
        if job.status == JobStatus.RUNNING:
            reporter.finish()
