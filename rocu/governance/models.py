"""Inspections, their findings, the tracking of recommendations in each ROCU, the
56-day response, accountable officers, counter-corruption measures and good practice.

An inspection and its findings are published documents, visible to every governance
user; what each ROCU does about them (tracking, evidence, responses, registers) is
scoped to the region that does it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from rocu.accounts.models import UnitType
from rocu.core.concurrency import RowVersionField
from rocu.core.policy import PolicyFields
from rocu.engines import deadlines
from rocu.engines import report_structure as rs


class InspectingBody(models.TextChoices):
    HMICFRS = "hmicfrs", "HMICFRS"
    COLLEGE = "college", "College of Policing"
    INTERNAL = "internal", "Internal review"
    OTHER = "other", "Other"


class FindingKind(models.TextChoices):
    CAUSE_OF_CONCERN = rs.CAUSE_OF_CONCERN, "Cause of concern"
    ACCELERATED_CAUSE_OF_CONCERN = rs.ACCELERATED_CAUSE_OF_CONCERN, "Accelerated cause of concern"
    RECOMMENDATION = rs.RECOMMENDATION, "Recommendation"
    AREA_FOR_IMPROVEMENT = rs.AREA_FOR_IMPROVEMENT, "Area for improvement"
    GOOD_PRACTICE = rs.GOOD_PRACTICE, "Innovative or good practice"


class Inspection(models.Model):
    body = models.CharField(max_length=20, choices=InspectingBody.choices, default=InspectingBody.HMICFRS)
    title = models.CharField(max_length=200)
    published = models.DateField()
    scope = models.TextField(blank=True)
    # The ROCU inspected; empty for a thematic inspection of the whole network.
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Inspection reports are published: every governance user may read them.
    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def response_due(self) -> dt.date:
        return deadlines.response_due(self.published)


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    reference = models.CharField(max_length=60)
    paragraph_ref = models.CharField("paragraph reference", max_length=60, blank=True)
    text = models.TextField()
    addressed_to = models.CharField(max_length=300, blank=True, help_text="For example: Chief constables; Home Office")
    due_date = models.DateField(null=True, blank=True)
    # A cause of concern's recommendations point back to it.
    cause = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    order = models.PositiveIntegerField(default=0)

    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["inspection", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "reference"], name="finding_reference_unique_in_inspection")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_recommendation(self) -> bool:
        return self.kind == FindingKind.RECOMMENDATION


class ProgressStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    BEING_PROGRESSED = "being_progressed", "Being progressed"
    COMPLETE = "complete", "Complete"


PROGRESS_RANK = {ProgressStatus.AWAITING_REVIEW: 0, ProgressStatus.BEING_PROGRESSED: 1, ProgressStatus.COMPLETE: 2}


class Outcome(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    PARTLY = "partly", "Partly achieved"
    ACHIEVED = "achieved", "Achieved"


class RecommendationTracking(models.Model):
    """What one ROCU is doing about one recommendation: progress and outcome apart."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="trackings")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    progress = models.CharField(max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.AWAITING_REVIEW)
    progress_since = models.DateField(default=timezone.localdate)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.NOT_ASSESSED)
    outcome_since = models.DateField(default=timezone.localdate)
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Moved on by every change to the tracking row, so a progress or outcome update
    # made from a stale page is a conflict showing both versions, never an overwrite.
    row_version = RowVersionField()

    policy = PolicyFields(region="region", owner="owner")

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["finding", "region"], name="tracking_once_per_region")]
        indexes = [models.Index(fields=["region", "progress"], name="tracking_region_progress")]

    def __str__(self) -> str:
        return f"{self.finding.reference} - {self.region}"

    def deadline(self, today: dt.date | None = None) -> deadlines.DeadlineState | None:
        if self.due_date is None:
            return None
        return deadlines.deadline_state(
            self.due_date, today or timezone.localdate(), done=self.progress == ProgressStatus.COMPLETE
        )


class TrackingChange(models.Model):
    """One entry of a tracking record's history: what changed, from when, who and why."""

    class What(models.TextChoices):
        CREATED = "created", "Tracking started"
        PROGRESS = "progress", "Progress status"
        OUTCOME = "outcome", "Outcome assessment"
        OWNER = "owner", "Owner"
        APPROVER = "approver", "Approver"
        DUE_DATE = "due_date", "Due date"
        CLOSURE_REQUESTED = "closure_requested", "Closure requested"
        CLOSURE_APPROVED = "closure_approved", "Closure approved"
        CLOSURE_REJECTED = "closure_rejected", "Closure returned"
        EVIDENCE = "evidence", "Evidence added"

    tracking = models.ForeignKey(RecommendationTracking, on_delete=models.CASCADE, related_name="changes")
    what = models.CharField(max_length=20, choices=What.choices)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    effective_date = models.DateField()
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="tracking__region")

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_what_display()} {self.old_value} → {self.new_value}"


class CounterCorruptionMeasureKind(models.TextChoices):
    VETTING = "vetting", "Vetting compliance and expiry"
    IT_MONITORING = "it_monitoring", "Monitoring of IT use"
    BUSINESS_INTERESTS = "business_interests", "Declarations of business interests and associations"
    GIFTS = "gifts", "Gifts and hospitality register"
    OTHER = "other", "Other measure"


class MeasureStatus(models.TextChoices):
    NOT_IN_PLACE = "not_in_place", "Not in place"
    PLANNED = "planned", "Planned"
    PARTLY = "partly", "Partly in place"
    IN_PLACE = "in_place", "In place"


class CounterCorruptionMeasure(models.Model):
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=CounterCorruptionMeasureKind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.NOT_IN_PLACE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["region", "kind", "title"]
        constraints = [models.UniqueConstraint(fields=["region", "title"], name="measure_title_unique_in_region")]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A file that shows a recommendation or measure is done: checksum, checked type, size."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    tracking = models.ForeignKey(
        RecommendationTracking, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    measure = models.ForeignKey(
        CounterCorruptionMeasure, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    description = models.CharField(max_length=300)
    file = models.FileField(upload_to="governance/evidence/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Shared evidence is visible to other regions (as good practice to learn from).
    shared = models.BooleanField(default=False)
    personal_data = models.BooleanField(
        default=False, help_text="The file names or shows people: only operational roles may open it."
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tracking__isnull=False) | models.Q(measure__isnull=False),
                name="evidence_is_for_something",
            )
        ]

    def __str__(self) -> str:
        return self.filename


class InspectionResponse(models.Model):
    """The chief constable's comments and the PCC's s.55 response for one force."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="responses")
    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    chief_constable_comments = models.TextField(blank=True)
    cc_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pcc_response = models.TextField(blank=True)
    pcc_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    public_slug = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region", force=("force",))

    class Meta:
        ordering = ["-inspection__published", "force__name"]
        constraints = [models.UniqueConstraint(fields=["inspection", "force"], name="response_once_per_force")]

    def __str__(self) -> str:
        return f"{self.force} response to {self.inspection}"

    @property
    def due(self) -> dt.date:
        return self.inspection.response_due

    @property
    def published_on(self) -> dt.date | None:
        return timezone.localdate(self.published_at) if self.published_at else None

    def deadline(self, today: dt.date | None = None) -> deadlines.DeadlineState:
        if self.published_on:
            return deadlines.deadline_state(self.due, self.published_on, done=True)
        return deadlines.deadline_state(self.due, today or timezone.localdate())


class Position(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly_accepted", "Partly accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class RecommendationPosition(models.Model):
    response = models.ForeignKey(InspectionResponse, on_delete=models.CASCADE, related_name="positions")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="positions")
    position = models.CharField(max_length=20, choices=Position.choices)
    reasons = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="response__region", force=("response__force",))

    class Meta:
        ordering = ["finding__order", "finding__pk"]
        constraints = [models.UniqueConstraint(fields=["response", "finding"], name="position_once_per_response")]

    def __str__(self) -> str:
        return f"{self.finding}: {self.get_position_display()}"


class AccountableSubject(models.TextChoices):
    CHIEF_OFFICER = "chief_officer", "Accountable chief officer"
    CAPABILITY = "capability", "Capability"
    RECOMMENDATION = "recommendation", "Recommendation"


class AccountableOfficer(models.Model):
    """Who answered for what, from when to when: a new appointment ends the last."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=20, choices=AccountableSubject.choices)
    capability = models.CharField(max_length=20, choices=UnitType.choices, blank=True)
    tracking = models.ForeignKey(
        RecommendationTracking, on_delete=models.PROTECT, null=True, blank=True, related_name="accountable"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer_name = models.CharField(max_length=150, help_text="Name and rank, as the ROCU's governance papers give it")
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["region", "subject", "capability", "-starts", "-pk"]

    def __str__(self) -> str:
        return f"{self.officer_name} ({self.get_subject_display()})"

    @property
    def current(self) -> bool:
        return self.ends is None or self.ends >= timezone.localdate()


class ThreatArea(models.TextChoices):
    """DOMAIN.md's threat types, as tags for good practice."""

    DRUGS = "drugs", "Drugs supply (incl. county lines)"
    FIREARMS = "firearms", "Firearms"
    MSHT = "msht", "Modern slavery and human trafficking"
    IMMIGRATION = "immigration", "Organised immigration crime"
    CSAE = "csae", "Child sexual abuse and exploitation"
    FRAUD = "fraud", "Fraud and economic crime"
    CYBER = "cyber", "Cyber crime"
    MONEY_LAUNDERING = "money_laundering", "Money laundering"
    ACQUISITIVE = "acquisitive", "Organised acquisitive crime"
    BORDERS = "borders", "Borders"
    PRISONS = "prisons", "Prisons"
    CROSS_CUTTING = "cross_cutting", "Cross-cutting (any threat)"


class GoodPractice(models.Model):
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    threat = models.CharField(max_length=20, choices=ThreatArea.choices)
    capability = models.CharField(max_length=20, choices=UnitType.choices)
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # A library shared across the network: every governance user may read it.
    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["-created_at", "title"]

    def __str__(self) -> str:
        return self.title


class GoodPracticeAdoption(models.Model):
    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="adoptions")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["adopted_on"]
        constraints = [models.UniqueConstraint(fields=["practice", "region"], name="adoption_once_per_region")]

    def __str__(self) -> str:
        return f"{self.practice} in {self.region}"


class ReportUpload(models.Model):
    """An uploaded report and what rocu proposes from it, until a person confirms."""

    class State(models.TextChoices):
        READING = "reading", "Reading the report"
        PROPOSED = "proposed", "Ready to review"
        CONFIRMED = "confirmed", "Confirmed"
        FAILED = "failed", "Could not be read"

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to="governance/reports/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.READING)
    proposal = models.JSONField(default=dict, blank=True)
    inspection = models.ForeignKey(Inspection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region=None, owner="uploaded_by")

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class ReminderSent(models.Model):
    """One reminder sent, so `rocu governance reminders` never sends it twice."""

    key = models.CharField(max_length=80)  # "tracking:12", "response:3"
    days_before = models.IntegerField()  # deadlines.REMINDER_DAYS, or OVERDUE
    recipients = models.PositiveIntegerField(default=0)
    sent_on = models.DateField()

    policy = PolicyFields(region=None)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "days_before"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.key} at {self.days_before} days"
