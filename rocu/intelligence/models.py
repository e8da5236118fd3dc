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
