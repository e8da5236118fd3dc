"""Shared models: background jobs with progress that a page can show."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rocu.core.policy import PolicyFields


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"
    # Its worker stopped (killed, restarted) before the job ended; see rocu.core.jobs.jobs_reap.
    INTERRUPTED = "interrupted", "Interrupted"


class Job(models.Model):
    """One piece of long work (an import, a linkage run, a report) and how far it has got.

    The task updates progress outside its own data transaction, so the page can show
    a moving bar while the work itself still commits or rolls back as a whole.
    """

    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched whenever a running job reports progress: a running job whose heartbeat is
    # old lost its worker, and is marked interrupted so its owner can retry it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # What to run again on a retry: the task's import path and its arguments (ids only).
    task_path = models.CharField(max_length=200, blank=True)
    task_args = models.JSONField(default=list, blank=True)
    task_kwargs = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # A summary for the page (counts, file names, links): never personal data.
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # Where the user goes when the job has finished (a result page), if anywhere.
    result_url = models.CharField(max_length=300, blank=True)

    # Pages fetch jobs by owner (selectors.jobs_for); the region scope is for oversight.
    policy = PolicyFields(region="region", owner="created_by")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.INTERRUPTED)

    @property
    def retryable(self) -> bool:
        return self.status in (JobStatus.FAILED, JobStatus.INTERRUPTED) and bool(self.task_path)
