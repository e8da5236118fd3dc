"""Counter-corruption: the declarations register, access anomaly alerts and casework.

Declarations are private to the person declaring and to counter-corruption; alerts
and cases are never shown to the person they are about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rocu.core.concurrency import RowVersionField
from rocu.core.policy import PolicyFields


class DeclarationKind(models.TextChoices):
    BUSINESS_INTEREST = "business_interest", "Business interest"
    ASSOCIATION_PERSON = "association_person", "Association with a person"
    ASSOCIATION_ADDRESS = "association_address", "Association with an address"
    ASSOCIATION_ORGANISATION = "association_organisation", "Association with an organisation"


class Declaration(models.Model):
    declarant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=DeclarationKind.choices)
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=160, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    relationship = models.CharField(max_length=120, blank=True, help_text="For example: brother-in-law, director")
    details = models.TextField(max_length=2000, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    policy = PolicyFields(region="region", owner="declarant", personal_data=False)

    class Meta:
        ordering = ["-declared_at", "-pk"]

    def __str__(self) -> str:
        return f"Declaration #{self.pk}"

    @property
    def subject(self) -> str:
        name = f"{self.first_name} {self.surname}".strip()
        parts = [p for p in (name, self.organisation, self.address, self.postcode) if p]
        return ", ".join(parts)


class CorruptionCategory(models.TextChoices):
    """DOMAIN.md's categories of corruption intelligence."""

    INFILTRATION = "infiltration", "Infiltration"
    UNAUTHORISED_DISCLOSURE = "unauthorised_disclosure", "Unauthorised disclosure"
    PERVERTING = "perverting", "Perverting the course of justice"
    SEXUAL_PURPOSE = "sexual_purpose", "Abuse of position for a sexual purpose"
    DRUGS = "drugs", "Drugs"
    THEFT_FRAUD = "theft_fraud", "Theft and fraud"
    SYSTEMS_MISUSE = "systems_misuse", "Misuse of force systems"
    ABUSE_OF_AUTHORITY = "abuse_of_authority", "Abuse of authority"
    INAPPROPRIATE_ASSOCIATION = "inappropriate_association", "Inappropriate association"
    VULNERABILITY = "vulnerability", "Vulnerability to corruption"
    CRIME = "crime", "Committing or assisting crime"
    OTHER = "other", "Other"


class AlertStatus(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    ESCALATED = "escalated", "Escalated to a case"
    CLOSED = "closed", "Closed"


OPEN_ALERT_STATUSES = (AlertStatus.NEW, AlertStatus.ASSIGNED)


class AlertOutcome(models.TextChoices):
    """How triage closed an alert without opening a case (a case has its own outcomes)."""

    NO_FURTHER_ACTION = "no_further_action", "No further action: the access was for work"
    ADVICE = "advice", "Words of advice given"
    REFERRED = "referred", "Referred to professional standards"


class Alert(models.Model):
    """One user's unusual day, with the score and reasons the anomaly engine gave."""

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, null=True, related_name="+")
    day = models.DateField()
    score = models.PositiveIntegerField()
    reasons = models.JSONField(default=list)
    rules = models.JSONField(default=list)  # rule names, for filtering
    rules_version = models.CharField(max_length=30)
    rules_fingerprint = models.CharField(max_length=12, blank=True)
    first_seq = models.PositiveBigIntegerField()
    last_seq = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey("Case", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    triage_note = models.CharField(max_length=500, blank=True)
    # Set when triage closes the alert: DOMAIN.md's category of corruption intelligence
    # the access was judged under, and what was done.
    category = models.CharField(max_length=30, choices=CorruptionCategory.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=AlertOutcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    row_version = RowVersionField()

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-day", "-score", "-pk"]
        constraints = [models.UniqueConstraint(fields=["subject", "day"], name="cc_alert_once_per_user_day")]
        indexes = [models.Index(fields=["region", "status"], name="cc_alert_region_status")]

    def __str__(self) -> str:
        return f"Alert #{self.pk}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Under investigation"
    CLOSED = "closed", "Closed"


class CaseOutcome(models.TextChoices):
    NO_CASE = "no_case", "No case to answer"
    ADVICE = "advice", "Management advice"
    MISCONDUCT = "misconduct", "Misconduct proceedings"
    GROSS_MISCONDUCT = "gross_misconduct", "Gross misconduct proceedings"
    CRIMINAL = "criminal", "Criminal investigation"
    VETTING_REVIEW = "vetting_review", "Vetting review"


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, null=True, related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=14, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    category = models.CharField(max_length=30, choices=CorruptionCategory.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=CaseOutcome.choices, blank=True)
    closing_summary = models.TextField(max_length=4000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class CaseNote(models.Model):
    """The investigation log: what was done and found, in order."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.case_id}"


class SeniorGrant(models.Model):
    """Who holds the senior counter-corruption role: they see the team's own access.

    rocu's role list is fixed by the foundation, so seniority is a grant held inside
    this app on top of the auditor role, given and withdrawn by a ROCU head.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cc_senior_grant")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"senior: {self.user_id}"


class ScanState(models.Model):
    """How far the anomaly scan has read the audit trail (a single row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_scan_at = models.DateTimeField(null=True, blank=True)
    last_full_scan_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.CharField(max_length=30, blank=True)
    rules_fingerprint = models.CharField(max_length=12, blank=True)
    rules_full_scan_fingerprint = models.CharField(max_length=12, blank=True)

    def __str__(self) -> str:
        return f"scanned to #{self.last_seq}"


class ActorDay(models.Model):
    """One user's counts for one local day: the baseline later days are compared with."""

    actor_id = models.BigIntegerField()
    day = models.DateField()
    events = models.PositiveIntegerField(default=0)
    viewed = models.PositiveIntegerField(default=0)
    exported = models.PositiveIntegerField(default=0)
    out_of_hours = models.PositiveIntegerField(default=0)
    empty_searches = models.PositiveIntegerField(default=0)
    first_seq = models.PositiveBigIntegerField(default=0)
    last_seq = models.PositiveBigIntegerField(default=0)
    # Records needing a second look (as "type:id" strings), kept so a later batch of
    # the same day can be judged with everything the user did that day.
    unlinked = models.JSONField(default=list)
    matched = models.JSONField(default=dict)
    concerning = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor_id", "day"], name="cc_actor_day_once")]

    def __str__(self) -> str:
        return f"{self.actor_id} on {self.day}"
