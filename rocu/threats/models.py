"""Threats, organised crime groups, their scored assessments, and the T&CG that tasks them.

A threat and an OCG are both *tasking subjects*: both are scored, given a level, held
by someone, adopted as priorities and flagged, so they share one table (multi-table
inheritance) and the assessments and decisions point at that one table.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from rocu.accounts.models import UnitType
from rocu.core.classification import Classification
from rocu.core.concurrency import RowVersionField
from rocu.core.policy import PolicyFields
from rocu.engines import tasking


class ThreatType(models.TextChoices):
    DRUGS = "drugs", "Drugs supply (incl. county lines)"
    FIREARMS = "firearms", "Firearms"
    MSHT = "msht", "Modern slavery and human trafficking"
    OIC = "oic", "Organised immigration crime"
    CSAE = "csae", "Child sexual abuse and exploitation"
    FRAUD = "fraud", "Fraud and economic crime"
    CYBER = "cyber", "Cyber crime"
    MONEY_LAUNDERING = "money_laundering", "Money laundering"
    ACQUISITIVE = "acquisitive", "Organised acquisitive crime"
    BORDERS = "borders", "Borders"
    PRISONS = "prisons", "Prisons"
    OTHER = "other", "Other"


class Level(models.TextChoices):
    LOCAL = tasking.LOCAL, "Local (force)"
    REGIONAL = tasking.REGIONAL, "Regional (ROCU)"
    NATIONAL = tasking.NATIONAL, "National (NCA)"


class HeldBy(models.TextChoices):
    FORCE = tasking.HELD_BY_FORCE, "A force"
    ROCU = tasking.HELD_BY_ROCU, "The ROCU"
    NCA = tasking.HELD_BY_NCA, "The NCA"


class SubjectKind(models.TextChoices):
    THREAT = "threat", "Threat"
    OCG = "ocg", "OCG"


class Flag(models.TextChoices):
    FORCE_HOLDS_REGIONAL = tasking.FORCE_HOLDS_REGIONAL, "Regional threat held by a force"
    ROCU_BELOW_LEVEL = tasking.ROCU_BELOW_LEVEL, "ROCU working below its level"
    NO_LRO = tasking.NO_LRO, "No LRO"
    NO_PLAN = tasking.NO_PLAN, "No 4P plan"
    STALE = tasking.STALE, "Stale assessment"


FLAG_DESCRIPTIONS: dict[str, str] = {
    Flag.FORCE_HOLDS_REGIONAL: "Assessed regional or national, but held by a single force.",
    Flag.ROCU_BELOW_LEVEL: "Held by the ROCU although its approved assessment puts it at local (force) level.",
    Flag.NO_LRO: "Adopted as a priority by the T&CG with no lead responsible officer named.",
    Flag.NO_PLAN: (
        "Adopted as a priority with no 4P plan recorded. 4P plans are not yet recorded in rocu, "
        "so every adopted priority carries this flag until they are."
    ),
    Flag.STALE: "No approved assessment in the last 6 months (or never assessed).",
}

# Stored flag columns; `stale` depends on today's date and is worked out when read.
FLAG_FIELDS: dict[str, str] = {
    Flag.FORCE_HOLDS_REGIONAL: "flag_force_holds_regional",
    Flag.ROCU_BELOW_LEVEL: "flag_rocu_below_level",
    Flag.NO_LRO: "flag_no_lro",
    Flag.NO_PLAN: "flag_no_plan",
}


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


SUBJECT_POLICY = PolicyFields(
    region="region",
    force=("forces_affected",),
    classification="classification",
    need_to_know_group="need_to_know_group",
)


class TaskingSubject(models.Model):
    """What a threat and an OCG share: scope, holder, level, priority and current score."""

    kind = models.CharField(max_length=10, choices=SubjectKind.choices, editable=False)
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="tasking_subjects")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=120, blank=True, help_text="Where: a town, county or route")
    description = models.TextField(blank=True, max_length=4000)
    forces_affected = models.ManyToManyField("accounts.Force", related_name="tasking_subjects", blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    need_to_know_group = models.ForeignKey(
        "accounts.NeedToKnowGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_by = models.CharField(max_length=10, choices=HeldBy.choices, default=HeldBy.ROCU)
    holding_force = models.ForeignKey(
        "accounts.Force", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The level the latest approved assessment gives, and the level tasking works it at.
    assessed_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    is_priority = models.BooleanField(default=False)
    adopted_on = models.DateField(null=True, blank=True)
    lro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Copied from the latest approved assessment so lists sort and chart without joins.
    harm = models.FloatField(null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    risk = models.FloatField(null=True, blank=True)
    priority_score = models.FloatField(null=True, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    scale_version = models.CharField(max_length=40, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    flag_force_holds_regional = models.BooleanField(default=False)
    flag_rocu_below_level = models.BooleanField(default=False)
    flag_no_lro = models.BooleanField(default=False)
    flag_no_plan = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Moved on by every edit of the fields people change on the edit page (and by T&CG
    # decisions that change them), so a stale edit is a conflict, never an overwrite.
    row_version = RowVersionField()

    policy = SUBJECT_POLICY

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["region", "kind", "priority_score"], name="subject_region_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def get_absolute_url(self) -> str:
        if self.kind == SubjectKind.OCG:
            return reverse("threats:ocg", args=[self.pk])
        return reverse("threats:threat", args=[self.pk])

    def flags(self, today: Any = None) -> list[str]:
        from rocu.threats.scale import current_rule

        found = [code for code, attr in FLAG_FIELDS.items() if getattr(self, attr)]
        if tasking.is_stale(self.assessed_on, today or timezone.localdate(), current_rule()):
            found.append(Flag.STALE)
        return found

    def flag_labels(self) -> list[tuple[str, str]]:
        return [(code, Flag(code).label) for code in self.flags()]


class Threat(TaskingSubject):
    """A type of SOC in a place, e.g. "county lines — Plymouth"."""

    threat_type = models.CharField(max_length=20, choices=ThreatType.choices)

    policy = SUBJECT_POLICY

    class Meta:
        ordering = ["reference"]


class OCGStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"
    DISRUPTED = "disrupted", "Disrupted"
    ARCHIVED = "archived", "Archived"


class OrganisedCrimeGroup(TaskingSubject):
    threat_types = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=OCGStatus.choices, default=OCGStatus.ACTIVE)
    linked_ocgs = models.ManyToManyField("self", blank=True, symmetrical=True)

    policy = SUBJECT_POLICY

    class Meta:
        ordering = ["reference"]
        verbose_name = "organised crime group"

    def threat_type_labels(self) -> list[str]:
        labels = dict(ThreatType.choices)
        return [str(labels.get(t, t)) for t in self.threat_types]


class MemberRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    LIEUTENANT = "lieutenant", "Lieutenant"
    MEMBER = "member", "Member"
    FACILITATOR = "facilitator", "Facilitator"
    ASSOCIATE = "associate", "Associate"


class OCGMembership(models.Model):
    """A person record's part in a group; reading it is a consultation of personal data."""

    ocg = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.CASCADE, related_name="memberships")
    nominal = models.ForeignKey("intelligence.Nominal", on_delete=models.PROTECT, related_name="ocg_memberships")
    role = models.CharField(max_length=12, choices=MemberRole.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(
        region="ocg__region",
        force=("ocg__forces_affected",),
        classification="ocg__classification",
        need_to_know_group="ocg__need_to_know_group",
        personal_data=True,
    )

    class Meta:
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["ocg", "nominal"], name="ocg_member_once")]

    def __str__(self) -> str:
        return f"{self.nominal_id} in {self.ocg_id}"


class AssessmentStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class Assessment(models.Model):
    """One version of a subject's score: inputs, results, scale version, scorer, reviewer."""

    subject = models.ForeignKey(TaskingSubject, on_delete=models.PROTECT, related_name="assessments")
    version = models.PositiveIntegerField()
    harm_inputs = models.JSONField()
    likelihood = models.PositiveSmallIntegerField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    organisational_position = models.PositiveSmallIntegerField()
    opportunity = models.PositiveSmallIntegerField()
    rationale = models.TextField(max_length=4000)
    harm = models.FloatField()
    risk = models.FloatField()
    priority_score = models.FloatField()
    proposed_level = models.CharField(max_length=10, choices=Level.choices)
    scale_version = models.CharField(max_length=40)
    rule_version = models.CharField(max_length=40)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.AWAITING_REVIEW)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, max_length=2000)

    policy = PolicyFields(
        region="subject__region",
        force=("subject__forces_affected",),
        classification="subject__classification",
        need_to_know_group="subject__need_to_know_group",
    )

    class Meta:
        ordering = ["subject", "-version"]
        constraints = [models.UniqueConstraint(fields=["subject", "version"], name="assessment_version_once")]

    def __str__(self) -> str:
        return f"{self.subject_id} v{self.version}"

    def comparable(self) -> dict[str, Any]:
        """Inputs and results by label, in display order, for side-by-side comparison."""
        from rocu.threats.scale import current_scale

        labels = {d.key: d.label for d in current_scale().dimensions}
        row: dict[str, Any] = {labels.get(k, k): v for k, v in self.harm_inputs.items()}
        row.update(
            {
                "Likelihood": self.likelihood,
                "Organisational position": self.organisational_position,
                "Opportunity": self.opportunity,
                "Harm": self.harm,
                "Risk": self.risk,
                "Priority": self.priority_score,
                "Confidence": self.get_confidence_display(),
                "Proposed level": self.get_proposed_level_display(),
                "Scale version": self.scale_version,
            }
        )
        return row


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"


class Meeting(models.Model):
    """A tasking and co-ordination group (T&CG) meeting."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="tcg_meetings")
    title = models.CharField(max_length=160)
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="tcg_meetings")
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(blank=True, max_length=20000)
    # The agenda covers changes since this date (usually the previous meeting).
    changes_since = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class DecisionKind(models.TextChoices):
    ADOPT = "adopt", "Adopt as priority"
    DECLINE = "decline", "Decline"
    MOVE_LEVEL = "move_level", "Move level"
    ALLOCATE = "allocate", "Allocate a capability"
    REQUIRE_PLAN = "require_plan", "Require a 4P plan"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    subject = models.ForeignKey(TaskingSubject, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    rationale = models.TextField(max_length=4000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    new_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    capability = models.CharField(max_length=20, choices=UnitType.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(
        region="meeting__region",
        force=("subject__forces_affected",),
        classification="subject__classification",
        need_to_know_group="subject__need_to_know_group",
    )

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class TaskingAction(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    updated_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="meeting__region")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
