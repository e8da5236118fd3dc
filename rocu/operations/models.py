"""Operations (SIO-led investigations), their decision log, and LRO-led 4P plans.

The decision log is append-only: a wrong entry is corrected by a later entry that
points back to it, so the record of who decided what and why is never rewritten.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from rocu.core.classification import Classification
from rocu.core.concurrency import RowVersionField
from rocu.core.policy import PolicyFields
from rocu.engines import grading


class P(models.TextChoices):
    PURSUE = grading.PURSUE, "Pursue"
    PREVENT = grading.PREVENT, "Prevent"
    PROTECT = grading.PROTECT, "Protect"
    PREPARE = grading.PREPARE, "Prepare"


class OperationStatus(models.TextChoices):
    SCOPING = "scoping", "Scoping"
    LIVE = "live", "Live"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Plan(models.Model):
    """An LRO's 4P plan against one priority threat or OCG."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="plans")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    subject = models.ForeignKey("threats.TaskingSubject", on_delete=models.PROTECT, related_name="plans")
    lro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans_led")
    partners = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    template = models.CharField(max_length=30, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The LRO and the ROCU head edit a plan together: a stale save is a conflict, not an overwrite.
    row_version = RowVersionField()

    policy = PolicyFields(region="region", force=("subject__forces_affected",))

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("operations:plan", args=[self.pk])


class PlanObjective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    p = models.CharField(max_length=10, choices=P.choices)
    text = models.CharField(max_length=500)
    row_version = RowVersionField()

    class Meta:
        ordering = ["p", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanAction(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        PlanObjective, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    p = models.CharField(max_length=10, choices=P.choices)
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=120, blank=True, help_text="Person or partner responsible")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    row_version = RowVersionField()

    class Meta:
        ordering = ["p", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class Operation(models.Model):
    """An investigation led by a PIP3-accredited SIO; its team is its need-to-know group."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="operations")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    code_name = models.CharField(max_length=80)
    summary = models.TextField(max_length=4000, blank=True)
    sio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="operations_led")
    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="operations")
    threat = models.ForeignKey(
        "threats.Threat", on_delete=models.PROTECT, null=True, blank=True, related_name="operations"
    )
    ocg = models.ForeignKey(
        "threats.OrganisedCrimeGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="operations"
    )
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="operations")
    status = models.CharField(max_length=10, choices=OperationStatus.choices, default=OperationStatus.SCOPING)
    live_since = models.DateField(null=True, blank=True)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    need_to_know_group = models.OneToOneField(
        "accounts.NeedToKnowGroup", on_delete=models.PROTECT, related_name="operation"
    )
    referrals = models.ManyToManyField("referrals.Referral", blank=True, related_name="operations")
    nominals = models.ManyToManyField("intelligence.Nominal", blank=True, related_name="operations")
    opened_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Team membership is layered on in the selectors (the ROCU head sees the region
    # without joining every team), so the group is not a policy field here.
    policy = PolicyFields(region="region", force=("force",), classification="classification")

    class Meta:
        ordering = ["-opened_on", "reference"]
        constraints = [models.UniqueConstraint(fields=["region", "code_name"], name="operation_code_name_unique")]
        indexes = [models.Index(fields=["region", "status"], name="operation_region_status")]

    def __str__(self) -> str:
        return self.code_name

    def get_absolute_url(self) -> str:
        return reverse("operations:operation", args=[self.pk])

    @property
    def lro(self) -> Any:
        if self.plan_id and self.plan:
            return self.plan.lro
        for subject in (self.threat, self.ocg):
            if subject is not None and subject.lro_id:
                return subject.lro
        return None


class TeamMember(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="operation_teams")
    role = models.CharField(max_length=80, default="Investigator")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["operation", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.operation_id}"


class StatusChange(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=OperationStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OperationStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_on = models.DateField(default=timezone.localdate)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status} on {self.changed_on}"


class ImmutableEntryError(Exception):
    """Raised when code tries to rewrite or remove a decision log entry."""


class DecisionEntry(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField()
    decision = models.TextField(max_length=4000)
    rationale = models.TextField(max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["operation", "number"], name="decision_number_once")]

    def __str__(self) -> str:
        return f"Decision {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise ImmutableEntryError("Decision log entries are never edited; record a correction instead.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableEntryError("Decision log entries are never deleted; record a correction instead.")


class OperationAction(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class JointReview(models.Model):
    """An SIO and LRO meeting on one live operation: what was agreed for each P."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="joint_reviews")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="joint_reviews")
    held_on = models.DateField()
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    agreed_pursue = models.TextField(max_length=2000, blank=True)
    agreed_prevent = models.TextField(max_length=2000, blank=True)
    agreed_protect = models.TextField(max_length=2000, blank=True)
    agreed_prepare = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Joint review {self.held_on}"
