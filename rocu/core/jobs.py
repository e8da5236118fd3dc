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

A worker that dies (killed, restarted, out of memory) leaves its job "running" with
nothing half-written, because each task writes its data in one transaction. Progress
reports are the job's heartbeat: `jobs_reap` marks a running job whose heartbeat is
older than JOB_STALE_AFTER_SECONDS as interrupted (every job start, the job page and
`rocu jobs reap` call it), and `job_retry` queues a failed or interrupted job again
with the arguments it was first given. Tasks must therefore be safe to run twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core.errors import Conflict
from rocu.core.models import Job, JobStatus

INTERRUPTED_ERROR = (
    "The worker running this job stopped before it finished. Nothing it was writing was kept: run it again."
)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "JOB_STALE_AFTER_SECONDS", 900))


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
        job = Job.objects.create(
            kind=kind,
            title=title[:200],
            region=region,
            created_by=actor,
            task_path=task.module_path,
            task_args=list(args),
            task_kwargs=dict(kwargs or {}),
        )
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
        fields: dict[str, Any] = {"progress_done": done, "heartbeat_at": timezone.now()}
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

    def fail(self, error: str, *, status: str = JobStatus.FAILED) -> None:
        Job.objects.filter(pk=self.job_id).update(
            status=status, finished_at=timezone.now(), error=error[:500], message=JobStatus(status).label
        )


@contextmanager
def run_job(job_id: int) -> Iterator[JobReporter]:
    """Mark the job running; if the body raises, mark it failed (and re-raise).

    A worker told to stop in the middle (SystemExit, KeyboardInterrupt) marks the job
    interrupted on its way out; one killed outright is found later by `jobs_reap`.
    """
    jobs_reap()
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, error=""
    )
    reporter = JobReporter(job_id)
    try:
        yield reporter
    except (SystemExit, KeyboardInterrupt):
        reporter.fail(INTERRUPTED_ERROR, status=JobStatus.INTERRUPTED)
        raise
    except Exception as exc:
        from rocu.core.errors import ApplicationError

        reporter.fail(exc.message if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: the job stopped")
        if not isinstance(exc, ApplicationError):
            raise
    else:
        job = Job.objects.only("status").get(pk=job_id)
        if job.status == JobStatus.RUNNING:
            reporter.finish()


def jobs_reap(*, stale_after: dt.timedelta | None = None) -> int:
    """Mark running jobs whose worker has gone silent as interrupted; returns how many."""
    now = timezone.now()
    cutoff = now - (stale_after if stale_after is not None else _stale_after())
    silent = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    return silent.update(
        status=JobStatus.INTERRUPTED, finished_at=now, error=INTERRUPTED_ERROR, message=JobStatus.INTERRUPTED.label
    )


def job_retry(*, actor: Any, job_id: int) -> Job:
    """Queue a failed or interrupted job of the actor's again, with its first arguments.

    The task sees the data as the failed run left it: its own transaction was rolled
    back, so it starts from the beginning and must skip anything already done.
    """
    from rocu.core import selectors

    jobs_reap()
    with transaction.atomic():
        job = selectors.job_get(user=actor, pk=job_id)
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not job.retryable:
            raise Conflict("Only a job that failed or was interrupted can be run again.")
        task = import_string(job.task_path)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED,
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
            progress_done=0,
            progress_total=0,
            error="",
            message="Queued again",
            result={},
            result_url="",
        )
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="core.job.retry",
            obj=job,
            detail={"kind": job.kind, "was": job.status},
        )
        args, kwargs = list(job.task_args), dict(job.task_kwargs)
        transaction.on_commit(lambda: task.enqueue(job.pk, *args, **kwargs))
    job.refresh_from_db()
    return job
