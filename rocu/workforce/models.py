"""Capabilities, posts, the people in them, the funding lines that pay for them, saved
scenarios, and HR and finance imports waiting for a preview to be confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rocu.accounts.models import UnitType
from rocu.core.policy import PolicyFields
from rocu.engines import funding


class CapabilityCode(models.TextChoices):
    """The specialist capabilities a ROCU holds (DOMAIN.md, Organisations)."""

    RIU = UnitType.RIU.value, "Regional intelligence unit (RIU)"
    ROCT = UnitType.ROCT.value, "Regional organised crime team"
    CYBER = UnitType.CYBER.value, "Cyber crime"
    ECONOMIC = UnitType.ECONOMIC.value, "Economic crime"
    ASSET_RECOVERY = UnitType.ASSET_RECOVERY.value, "Asset recovery"
    UNDERCOVER = UnitType.UNDERCOVER.value, "Undercover"
    SURVEILLANCE = UnitType.SURVEILLANCE.value, "Covert and technical surveillance"
    CONFIDENTIAL = UnitType.CONFIDENTIAL.value, "Confidential unit"
    PRISON = UnitType.PRISON.value, "Prison intelligence"
    RDT = UnitType.RDT.value, "Regional disruption team (RDT)"
    GAIN = UnitType.GAIN.value, "GAIN co-ordinator"
    HQ = UnitType.HQ.value, "Command and support"


class Capability(models.Model):
    """One capability of one ROCU and the fewest full-time equivalents it can run on."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="capabilities")
    code = models.CharField(max_length=20, choices=CapabilityCode.choices)
    minimum_fte = models.DecimalField(max_digits=6, decimal_places=2, default=0)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["region__name", "code"]
        verbose_name_plural = "capabilities"
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="capability_once_per_region"),
            models.CheckConstraint(condition=Q(minimum_fte__gte=0), name="capability_minimum_not_negative"),
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class FundingSource(models.TextChoices):
    HOME_OFFICE_GRANT = "home_office_grant", "Home Office ROCU grant"
    FORCE_CONTRIBUTIONS = "force_contributions", "Force contributions (by formula)"
    NCA_GRANT = "nca_grant", "NCA grant"
    OTHER_GRANT = "other_grant", "Other grant"
    ARIS = "aris", "Asset recovery incentive scheme (ARIS) receipts"


class FundingLine(models.Model):
    """One stream of money the ROCU receives, by financial year (its allocations)."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="funding_lines")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=160)
    source = models.CharField(max_length=30, choices=FundingSource.choices)
    funder = models.CharField(max_length=120, blank=True)
    start_date = models.DateField(null=True, blank=True)
    # The last day the line pays for anything; empty for recurrent money with no end set.
    end_date = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="funding_line_code_unique_in_region"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="funding_line_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundingAllocation(models.Model):
    """The amount a funding line brings in one financial year, confirmed or only indicative."""

    line = models.ForeignKey(FundingLine, on_delete=models.CASCADE, related_name="allocations")
    financial_year = models.PositiveSmallIntegerField()  # the year it starts in: 2026 is 2026/27
    amount_pence = models.BigIntegerField()
    confirmed = models.BooleanField(default=False)

    policy = PolicyFields(region="line__region")

    class Meta:
        ordering = ["line", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "financial_year"], name="allocation_once_per_year"),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.year_label}"

    @property
    def year_label(self) -> str:
        return funding.fy_label(self.financial_year)


class PostStatus(models.TextChoices):
    FILLED = funding.FILLED, "Filled"
    VACANT = funding.VACANT, "Vacant"
    SECONDED_OUT = funding.SECONDED_OUT, "Seconded out"


class Post(models.Model):
    """A position in the ROCU's establishment, whoever holds it, and what pays for it."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="posts")
    reference = models.CharField(max_length=40)
    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="posts")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts")
    title = models.CharField(max_length=120)
    rank_or_grade = models.CharField(max_length=60)
    fte = models.DecimalField(max_digits=3, decimal_places=2, default=1)
    annual_cost_pence = models.BigIntegerField()
    funding_line = models.ForeignKey(FundingLine, on_delete=models.PROTECT, related_name="posts")
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.VACANT)
    updated_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["region", "reference"], name="post_reference_unique_in_region"),
            models.CheckConstraint(condition=Q(annual_cost_pence__gte=0), name="post_cost_not_negative"),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="post_fte_between_0_and_1"),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed-term"
    SECONDMENT = "secondment", "Secondment in"
    AGENCY = "agency", "Agency or contractor"


class PostHolder(models.Model):
    """The person in a post: personal data, seen only by those who may see people."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="holder")
    name = models.CharField(max_length=160)
    staff_number = models.CharField(max_length=30, blank=True)
    contract_type = models.CharField(max_length=20, choices=ContractType.choices)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)

    policy = PolicyFields(region="post__region", personal_data=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Scenario(models.Model):
    """A saved what-if: some funding lines not renewed from some dates, assessed on a day."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="workforce_scenarios")
    name = models.CharField(max_length=120)
    assess_on = models.DateField()
    notes = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    policy = PolicyFields(region="region")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ScenarioChange(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    funding_line = models.ForeignKey(FundingLine, on_delete=models.CASCADE, related_name="+")
    not_renewed_from = models.DateField()

    class Meta:
        ordering = ["not_renewed_from", "funding_line__name"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "funding_line"], name="scenario_change_once_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.funding_line_id} not renewed from {self.not_renewed_from}"


class ImportKind(models.TextChoices):
    HR = "hr", "HR export: posts and the people in them"
    FINANCE = "finance", "Finance export: funding lines by financial year"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Waiting for confirmation"
    APPLIED = "applied", "Imported"
    DISCARDED = "discarded", "Discarded"


class WorkforceImport(models.Model):
    """An uploaded CSV held only until it is imported or discarded.

    HR exports name people, so the file's text is cleared once the import is applied or
    discarded: rocu keeps the counts, never a second copy of the rows.
    """

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    filename = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    row_count = models.PositiveIntegerField(default=0)
    error_row_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    policy = PolicyFields(region="region", personal_data=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
