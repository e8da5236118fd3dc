"""Outcomes of operations and plans, and graded disruption claims.

Each is tied to its P, threat, OCG and force so the 4P balance and the results the
inspection found poorly recorded can be counted from the records themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from rocu.core.policy import PolicyFields
from rocu.engines import grading
from rocu.operations.models import P


class OutcomeKind(models.TextChoices):
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    SUMMONS = "summons", "Summons"
    CONVICTION = "conviction", "Conviction"
    SAFEGUARD_ADULT = "safeguard_adult", "Victim safeguarded (adult)"
    SAFEGUARD_CHILD = "safeguard_child", "Victim safeguarded (child)"
    SEIZURE_DRUGS = "seizure_drugs", "Seizure: drugs"
    SEIZURE_FIREARMS = "seizure_firearms", "Seizure: firearms"
    SEIZURE_AMMUNITION = "seizure_ammunition", "Seizure: ammunition"
    SEIZURE_CASH = "seizure_cash", "Seizure: cash"
    ASSET_RECOVERY = "asset_recovery", "Asset recovery"
    REFERRAL_TO_PARTNER = "referral_partner", "Referral to partner"
    WARNING = "warning", "Warning"


# Kinds that name one person (a Nominal), and kinds that carry a quantity and its unit.
PERSON_KINDS = frozenset({OutcomeKind.ARREST, OutcomeKind.CHARGE, OutcomeKind.SUMMONS, OutcomeKind.CONVICTION})
COUNTED_KINDS = frozenset({OutcomeKind.SAFEGUARD_ADULT, OutcomeKind.SAFEGUARD_CHILD})
QUANTITY_UNITS: dict[str, tuple[str, ...]] = {
    OutcomeKind.SEIZURE_DRUGS: ("g", "kg", "tablets", "plants"),
    OutcomeKind.SEIZURE_FIREARMS: ("items",),
    OutcomeKind.SEIZURE_AMMUNITION: ("rounds",),
    OutcomeKind.SEIZURE_CASH: ("GBP",),
    OutcomeKind.ASSET_RECOVERY: ("GBP",),
}


class AssetRecoveryKind(models.TextChoices):
    CONFISCATION = "confiscation", "Confiscation"
    FORFEITURE = "forfeiture", "Forfeiture"
    ACCOUNT_FREEZING = "account_freezing", "Account freezing"


class Outcome(models.Model):
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    p = models.CharField(max_length=10, choices=P.choices)
    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    plan_action = models.ForeignKey(
        "operations.PlanAction", on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    threat = models.ForeignKey("threats.Threat", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ocg = models.ForeignKey(
        "threats.OrganisedCrimeGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="outcomes")
    occurred_on = models.DateField()
    nominal = models.ForeignKey(
        "intelligence.Nominal", on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    count = models.PositiveIntegerField(default=1)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    drug_type = models.CharField(max_length=60, blank=True)
    asset_kind = models.CharField(max_length=20, choices=AssetRecoveryKind.choices, blank=True)
    sentence = models.CharField(max_length=200, blank=True)
    partner = models.CharField(max_length=120, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region", force=("force",), personal_data=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["region", "kind"], name="outcome_region_kind"),
            models.Index(fields=["operation", "occurred_on"], name="outcome_operation_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Grade(models.TextChoices):
    MAJOR = grading.MAJOR, "Major"
    MODERATE = grading.MODERATE, "Moderate"
    MINOR = grading.MINOR, "Minor"


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Awaiting validation"
    VALIDATED = "validated", "Validated"
    REJECTED = "rejected", "Rejected"


class DisruptionClaim(models.Model):
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="disruption_claims")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, null=True, blank=True, related_name="disruptions"
    )
    plan = models.ForeignKey(
        "operations.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="disruptions"
    )
    threat = models.ForeignKey("threats.Threat", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ocg = models.ForeignKey(
        "threats.OrganisedCrimeGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="disruption_claims")
    p = models.CharField(max_length=10, choices=P.choices)
    grade = models.CharField(max_length=10, choices=Grade.choices)
    rule_version = models.CharField(max_length=40, default=grading.RULE_VERSION)
    impact_weeks = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    evidence = models.TextField(max_length=4000)
    occurred_on = models.DateField()
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    validator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=1000, blank=True)

    policy = PolicyFields(region="region", force=("force",))

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(validator=models.F("claimant")), name="disruption_validator_not_claimant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_grade_display()}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:disruption", args=[self.pk])
