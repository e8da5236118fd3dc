"""Partner referrals, their subjects, the candidates a check raised, and bulk imports.

A referral moves received → checked → triaged; triage ends in a decision (no further
action, disseminated to a force, adopted by the ROCU, referred to a partner). A force
SOC lead sees only the referrals disseminated to their force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rocu.core.classification import Classification
from rocu.core.concurrency import RowVersionField
from rocu.core.policy import PolicyFields


class ReferralTemplate(models.TextChoices):
    BORDER_FORCE_PARCEL = "border_force_parcel", "Border Force parcel seizure"
    PARTNER_GENERAL = "partner_general", "Partner referral (HMRC, DWP, local authority, bank, charity)"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CHECKED = "checked", "Checked"
    TRIAGED = "triaged", "Triaged"


class TriageDecision(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    DISSEMINATE = "disseminate", "Disseminate to a force"
    ADOPT = "adopt", "Adopt by the ROCU"
    REFER_PARTNER = "refer_partner", "Refer to a partner"


class HandlingCode(models.TextChoices):
    P = "P", "P — lawful sharing permitted"
    C = "C", "C — lawful sharing permitted with conditions"


class SubjectRole(models.TextChoices):
    SENDER = "sender", "Sender"
    RECIPIENT = "recipient", "Recipient"
    SUBJECT = "subject", "Subject"


class Referral(models.Model):
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey("accounts.PartnerAgency", on_delete=models.PROTECT, related_name="referrals")
    template = models.CharField(max_length=30, choices=ReferralTemplate.choices)
    partner_reference = models.CharField(max_length=60)
    reference = models.CharField(max_length=20, unique=True)
    received_on = models.DateField()
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    # Border Force parcel fields
    seizure_date = models.DateField(null=True, blank=True)
    port = models.CharField(max_length=100, blank=True)
    commodity = models.CharField(max_length=100, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    summary = models.TextField(max_length=2000, blank=True)
    # Workflow
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    check_due = models.DateField()
    triage_due = models.DateField()
    checked_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=15, choices=TriageDecision.choices, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disseminated_to = models.ForeignKey(
        "accounts.Force", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    handling_conditions = models.CharField(max_length=500, blank=True)
    referred_to_partner = models.ForeignKey(
        "accounts.PartnerAgency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Triage and assignment are saved only from the version the person read (optimistic locking).
    row_version = RowVersionField()

    policy = PolicyFields(
        region="region", force=("disseminated_to",), classification="classification", personal_data=True
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "partner_reference"], name="referral_unique_partner_ref")
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="referral_region_status"),
            models.Index(fields=["region", "received_on"], name="referral_region_received"),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferralSubject(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="subjects")
    role = models.CharField(max_length=10, choices=SubjectRole.choices)
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.CharField(max_length=254, blank=True)
    subject_key = models.CharField(max_length=64, db_index=True)

    policy = PolicyFields(
        region="referral__region",
        force=("referral__disseminated_to",),
        classification="referral__classification",
        personal_data=True,
    )

    class Meta:
        ordering = ["referral", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.role}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}".strip() or "(no name)"


class CandidateMatch(models.Model):
    """A held person the linkage engine raised for a subject, with the evidence for it."""

    subject = models.ForeignKey(ReferralSubject, on_delete=models.CASCADE, related_name="candidates")
    holding = models.ForeignKey(
        "intelligence.HoldingRecord", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    nominal = models.ForeignKey(
        "intelligence.Nominal", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    holding_key = models.CharField(max_length=100)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=list)  # [{field, level, weight}]
    model_version = models.CharField(max_length=40)
    checked_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(
        region="subject__referral__region",
        classification="subject__referral__classification",
        personal_data=True,
    )

    class Meta:
        ordering = ["subject", "-match_probability", "pk"]
        constraints = [models.UniqueConstraint(fields=["subject", "holding_key"], name="candidate_unique_pair")]

    def __str__(self) -> str:
        return f"{self.subject_id}~{self.holding_key}"


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "All or nothing: import only if every row is valid"
    VALID_ROWS = "valid_rows", "Valid rows only: import those, report the rest"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    DONE = "done", "Imported"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class ReferralImport(models.Model):
    """One uploaded file: kept until its job has read it, then the counts and errors remain."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("accounts.PartnerAgency", on_delete=models.PROTECT, related_name="+")
    template = models.CharField(max_length=30, choices=ReferralTemplate.choices)
    mode = models.CharField(max_length=20, choices=ImportMode.choices)
    filename = models.CharField(max_length=200)
    content = models.BinaryField(blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{row, field, message}]
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename
