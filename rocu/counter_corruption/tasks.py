"""The anomaly scan as a background task with progress on the job page."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from rocu.core.jobs import run_job
from rocu.core.models import Job


@task()
def anomaly_scan_task(job_id: int, full: bool = False) -> None:
    from rocu.counter_corruption.scanning import anomaly_scan

    with run_job(job_id) as job:
        owner = Job.objects.select_related("created_by").get(pk=job_id).created_by
        job.progress(0, 1, "Reading the audit trail", force=True)
        result = anomaly_scan(actor=owner, full=full, progress=job.progress)
        job.finish(
            result.as_dict(),
            result_url=reverse("counter_corruption:alerts"),
            message=f"Read {result.events} events; {result.alerts_raised} new alerts, {result.alerts_updated} updated",
        )
