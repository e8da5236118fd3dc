"""Records review and retention (MoPI) and subject access requests (DPA 2018 s.45)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rocu.core.policy import PolicyFields


class RetentionStatus(models.TextChoices):
    ACTIVE = "active", "Held"
    DISPOSED = "disposed", "Disposed of"


class RetentionRecord(models.Model):
    """A record holding personal data, its MoPI group and when it is next reviewed.

    Points at the record by type and id (not a foreign key) so one table serves every
    app that registers a model, and the entry outlives the personal data it governed.
    """

    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=40, blank=True)
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, null=True, related_name="+")
    group = models.PositiveSmallIntegerField()
    group_set_by_reviewer = models.BooleanField(default=False)
    config_version = models.CharField(max_length=20)
    next_review = models.DateField(db_index=True)
    review_basis = models.CharField(max_length=120, blank=True)
    record_created = models.DateField()
    record_changed = models.DateField()
    last_reviewed = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=RetentionStatus.choices, default=RetentionStatus.ACTIVE)
    disposed_at = models.DateTimeField(null=True, blank=True)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["next_review", "pk"]
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id"], name="retention_once_per_record")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.reference or self.object_id}"

    @property
    def kind_label(self) -> str:
        from rocu.records.registry import retained_model

        entry = retained_model(self.object_type)
        return entry.kind_label if entry else self.object_type


class ReviewDecisionKind(models.TextChoices):
    RETAIN = "retain", "Retain"
    DISPOSE = "dispose", "Dispose"


class ReviewDecision(models.Model):
    record = models.ForeignKey(RetentionRecord, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=ReviewDecisionKind.choices)
    reason = models.CharField(max_length=1000)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    next_review = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision} on {self.record_id}"


class SubjectAccessStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISCLOSED = "disclosed", "Exported for disclosure review"
    CLOSED = "closed", "Closed"


class SubjectAccessRequest(models.Model):
    """A person's request to know what rocu holds about them (DPA 2018 s.45)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=SubjectAccessStatus.choices, default=SubjectAccessStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region", personal_data=False)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.reference
