"""Person records (nominals): the people intelligence is about.

Every field but the reference is personal data; every read is audited (DPA 2018
s.62) and each record says which category of data subject it is (s.38).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rocu.core.classification import Classification
from rocu.core.policy import PolicyFields


class DataSubjectCategory(models.TextChoices):
    SUSPECT = "suspect", "Suspect"
    CONVICTED = "convicted", "Convicted"
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class Nominal(models.Model):
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="nominals")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    need_to_know_group = models.ForeignKey(
        "accounts.NeedToKnowGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="nominals"
    )
    subject_category = models.CharField(max_length=12, choices=DataSubjectCategory.choices)
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    aliases = models.CharField(max_length=300, blank=True, help_text="Other names, separated by commas")
    address = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(
        region="region", classification="classification", need_to_know_group="need_to_know_group", personal_data=True
    )

    class Meta:
        ordering = ["surname", "first_name", "pk"]
        indexes = [models.Index(fields=["region", "surname"], name="nominal_region_surname")]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}".strip()


class HoldingsSource(models.Model):
    """One force system's extract (e.g. "Devon and Cornwall Niche"), replaced or updated per import."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="holdings_sources")
    name = models.CharField(max_length=80)
    record_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="holdings_source_unique_name")]

    def __str__(self) -> str:
        return self.name


class HoldingsUploadStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused"


class HoldingsUpload(models.Model):
    """An extract uploaded on the holdings page: kept until its job has read it, then the outcome remains."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    source_name = models.CharField(max_length=80)
    replace = models.BooleanField(default=False)
    filename = models.CharField(max_length=200)
    content = models.BinaryField(blank=True)
    status = models.CharField(max_length=10, choices=HoldingsUploadStatus.choices, default=HoldingsUploadStatus.QUEUED)
    counts = models.JSONField(default=dict, blank=True)  # added, updated, removed, total
    error = models.CharField(max_length=500, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class HoldingRecord(models.Model):
    """A person as a force system holds them; `person_id` is that system's own key."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(HoldingsSource, on_delete=models.CASCADE, related_name="records")
    person_id = models.CharField(max_length=64)
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.CharField(max_length=254, blank=True)

    policy = PolicyFields(region="region", personal_data=True)

    class Meta:
        ordering = ["surname", "first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["source", "person_id"], name="holding_unique_person")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.person_id}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}".strip()


class MatchVerdict(models.TextChoices):
    SAME_AS = "same_as", "Same as"
    NOT_SAME_AS = "not_same_as", "Not same as"


class MatchDecision(models.Model):
    """An analyst's verdict on a subject and a held person, reused by every later check.

    `subject_key` is a digest of the subject's normalised details, so the same person
    on a later referral meets the same verdict; `holding_key` names the held record.
    """

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    subject_key = models.CharField(max_length=64)
    holding_key = models.CharField(max_length=100)
    verdict = models.CharField(max_length=12, choices=MatchVerdict.choices)
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region", personal_data=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "subject_key", "holding_key"], name="match_decision_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.holding_key}"
