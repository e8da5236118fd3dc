"""Organisations (regions, forces, units, partners) and the people who use rocu."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from rocu.core.classification import Vetting
from rocu.core.policy import PolicyFields, Role


class Region(models.Model):
    """A ROCU and the forces it serves (or the Met, which is its own region)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)

    # Reference data: every signed-in user may read the organisations.
    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Force(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="forces")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)

    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitType(models.TextChoices):
    RIU = "riu", "Regional intelligence unit (RIU)"
    ROCT = "roct", "Regional organised crime team"
    CYBER = "cyber", "Cyber crime"
    ECONOMIC = "economic", "Economic crime"
    ASSET_RECOVERY = "asset_recovery", "Asset recovery"
    UNDERCOVER = "undercover", "Undercover"
    SURVEILLANCE = "surveillance", "Covert and technical surveillance"
    CONFIDENTIAL = "confidential", "Confidential unit"
    PRISON = "prison", "Prison intelligence"
    RDT = "rdt", "Regional disruption team (RDT)"
    GAIN = "gain", "GAIN co-ordinator"
    HQ = "hq", "Command and support"


class Unit(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    unit_type = models.CharField(max_length=20, choices=UnitType.choices)
    name = models.CharField(max_length=120)

    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class PartnerKind(models.TextChoices):
    BORDER_FORCE = "border_force", "Border Force"
    HMRC = "hmrc", "HMRC"
    DWP = "dwp", "DWP"
    NCA = "nca", "National Crime Agency"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    BANK = "bank", "Bank"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


class PartnerAgency(models.Model):
    """A partner that refers, receives or works alongside; national when region is empty."""

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="partners")

    policy = PolicyFields(region=None)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: home region and force, roles, vetting and accreditations."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="users")
    partner = models.ForeignKey(PartnerAgency, on_delete=models.SET_NULL, null=True, blank=True, related_name="users")
    job_title = models.CharField(max_length=120, blank=True)
    vetting = models.CharField(max_length=10, choices=Vetting.choices, default=Vetting.NONE)
    vetting_expires = models.DateField(null=True, blank=True)
    # Honoured only when the service runs with ROCU_DEMO; see TwoFactorRequiredMiddleware.
    demo_login = models.BooleanField(default=False)

    objects = UserManager()  # type: ignore[misc]
    policy = PolicyFields(region="region", force=("force",), owner="pk")

    class Meta:
        ordering = ["username"]

    def role_names(self) -> list[str]:
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("role_assignments")
        if prefetched is not None:
            return [r.role for r in prefetched]
        return list(self.role_assignments.values_list("role", flat=True))

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def vetting_days_left(self, today: dt.date | None = None) -> int | None:
        if self.vetting_expires is None:
            return None
        return (self.vetting_expires - (today or timezone.localdate())).days


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user")]

    def __str__(self) -> str:
        return self.get_role_display()


class AccreditationKind(models.TextChoices):
    PIP1 = "pip1", "PIP level 1"
    PIP2 = "pip2", "PIP level 2"
    PIP3 = "pip3", "PIP level 3 (SIO, serious and organised crime)"
    PIP4 = "pip4", "PIP level 4"
    FINANCIAL_INVESTIGATOR = "fi", "Accredited financial investigator"
    UNDERCOVER = "uc", "Undercover officer"
    SURVEILLANCE = "surveillance", "Surveillance"


class Accreditation(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="accreditations")
    kind = models.CharField(max_length=20, choices=AccreditationKind.choices)
    awarded = models.DateField()
    expires = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="accreditation_once_per_user")]

    def __str__(self) -> str:
        return self.get_kind_display()

    def in_date(self, today: dt.date | None = None) -> bool:
        return self.expires is None or self.expires >= (today or timezone.localdate())


class NeedToKnowGroup(models.Model):
    """A closed group: records tied to it are seen only by its members."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="need_to_know_groups")
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="group_name_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(NeedToKnowGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="need_to_know_memberships")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="member_once_per_group")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class ApiToken(models.Model):
    """A bearer token for an integration; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    policy = PolicyFields(region="user__region", owner="user")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
