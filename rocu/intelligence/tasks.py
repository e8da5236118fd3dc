"""Background work of intelligence: importing an uploaded holdings extract."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from rocu.core.jobs import run_job


@task()
def holdings_import_run(job_id: int, upload_id: int) -> None:
    from rocu.intelligence.models import HoldingsUpload, HoldingsUploadStatus
    from rocu.intelligence.services import holdings_upload_process

    with run_job(job_id) as job:
        upload = HoldingsUpload.objects.select_related("uploaded_by", "region").get(pk=upload_id)
        done = holdings_upload_process(upload=upload, progress=lambda d, t, m: job.progress(d, t, m, force=True))
        url = reverse("intelligence:holdings-upload", args=[done.pk])
        if done.status == HoldingsUploadStatus.REFUSED:
            job.fail(done.error)
            return
        job.finish(done.counts, result_url=url, message=f"Imported: {done.counts.get('total', 0)} people held")
