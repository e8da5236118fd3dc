"""Background work: reading a long PDF report page by page with progress."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from rocu.core.jobs import run_job
from rocu.governance.models import ReportUpload


@task()
def read_report(job_id: int, upload_id: int) -> None:
    with run_job(job_id) as job:
        try:
            from rocu.governance.services import report_read_pdf

            record = report_read_pdf(upload_id=upload_id, progress=job.progress)
        except Exception:
            ReportUpload.objects.filter(pk=upload_id).update(state=ReportUpload.State.FAILED)
            raise
        proposal = record.proposal
        job.finish(
            {"pages": record.pages, "findings": len(proposal.get("findings", []))},
            result_url=reverse("governance:upload", args=[upload_id]),
            message=f"Read {record.pages} pages: {len(proposal.get('findings', []))} findings proposed",
        )
