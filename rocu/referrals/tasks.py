"""Background work of referrals: a bulk import and the checks that follow it."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from rocu.core.jobs import run_job


@task()
def referral_import_run(job_id: int, upload_id: int) -> None:
    from rocu.referrals.models import ReferralImport
    from rocu.referrals.services import referral_import_process

    with run_job(job_id) as job:
        upload = ReferralImport.objects.select_related("uploaded_by", "partner", "region").get(pk=upload_id)
        done = referral_import_process(upload=upload, progress=lambda d, t, m: job.progress(d, t, m))
        job.finish(
            {
                "status": done.status,
                "imported": done.rows_imported,
                "duplicates": done.rows_duplicate,
                "invalid": done.rows_invalid,
            },
            result_url=reverse("referrals:import", args=[done.pk]),
            message=f"{done.get_status_display()}: {done.rows_imported} referrals imported",
        )
