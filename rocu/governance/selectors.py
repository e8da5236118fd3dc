"""Every read of governance records, already filtered by what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from rocu.accounts.models import Force, Region, User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.policy import Perm
from rocu.governance import permissions as p
from rocu.governance.models import (
    PROGRESS_RANK,
    AccountableOfficer,
    CounterCorruptionMeasure,
    Evidence,
    Finding,
    FindingKind,
    GoodPractice,
    GoodPracticeAdoption,
    Inspection,
    InspectionResponse,
    ProgressStatus,
    RecommendationPosition,
    RecommendationTracking,
    ReportUpload,
)

INSPECTION_SORTS = {
    "published": ("published", "title"),
    "-published": ("-published", "title"),
    "title": ("title",),
    "-title": ("-title",),
}
TRACKING_SORTS = {
    "due": ("due_date", "pk"),
    "-due": ("-due_date", "pk"),
    "region": ("region__name", "finding__order"),
    "-region": ("-region__name", "finding__order"),
    "progress": ("progress", "due_date"),
    "-progress": ("-progress", "due_date"),
    "reference": ("finding__inspection__published", "finding__order"),
    "-reference": ("-finding__inspection__published", "-finding__order"),
}


def inspections_list(*, user: Any, q: str = "", body: str = "", sort: str = "-published") -> QuerySet[Inspection]:
    qs = policy.restrict(user, Inspection.objects.select_related("region"), p.GOVERNANCE_VIEW)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(scope__icontains=q))
    if body:
        qs = qs.filter(body=body)
    qs = qs.annotate(
        finding_count=Count("findings", distinct=True),
        recommendation_count=Count("findings", filter=Q(findings__kind=FindingKind.RECOMMENDATION), distinct=True),
    )
    return qs.order_by(*INSPECTION_SORTS.get(sort, INSPECTION_SORTS["-published"]), "pk")


def inspection_get(*, user: Any, pk: Any) -> Inspection:
    return policy.get_visible(user, Inspection.objects.select_related("region", "created_by"), p.GOVERNANCE_VIEW, pk=pk)


def findings_of(*, user: Any, inspection: Inspection) -> QuerySet[Finding]:
    return policy.restrict(user, inspection.findings.select_related("cause"), p.GOVERNANCE_VIEW)


def finding_get(*, user: Any, pk: Any) -> Finding:
    return policy.get_visible(user, Finding.objects.select_related("inspection"), p.GOVERNANCE_VIEW, pk=pk)


def trackings_visible(*, user: Any) -> QuerySet[RecommendationTracking]:
    return policy.restrict(
        user,
        RecommendationTracking.objects.select_related("finding__inspection", "region", "owner", "approver"),
        p.GOVERNANCE_VIEW,
    )


def trackings_list(
    *,
    user: Any,
    q: str = "",
    region: int | None = None,
    progress: str = "",
    mine: bool = False,
    overdue: bool = False,
    sort: str = "due",
) -> QuerySet[RecommendationTracking]:
    qs = trackings_visible(user=user)
    if q:
        qs = qs.filter(
            Q(finding__text__icontains=q)
            | Q(finding__reference__icontains=q)
            | Q(finding__inspection__title__icontains=q)
        )
    if region:
        qs = qs.filter(region_id=region)
    if progress:
        qs = qs.filter(progress=progress)
    if mine:
        qs = qs.filter(Q(owner=user) | Q(approver=user))
    if overdue:
        qs = qs.filter(due_date__lt=timezone.localdate()).exclude(progress=ProgressStatus.COMPLETE)
    return qs.order_by(*TRACKING_SORTS.get(sort, TRACKING_SORTS["due"]))


def tracking_get(*, user: Any, pk: Any) -> RecommendationTracking:
    return policy.get_visible(user, trackings_visible(user=user), p.GOVERNANCE_VIEW, pk=pk)


def evidence_visible(*, user: Any) -> QuerySet[Evidence]:
    """A region's own evidence, and other regions' only where shared; files marked as
    holding personal data only for those who may see personal data."""
    if not policy.has_perm(user, p.GOVERNANCE_VIEW):
        return Evidence.objects.none()
    scope = policy.scope_for(user)
    qs = Evidence.objects.select_related("uploaded_by", "region")
    own = Q(region_id=scope.region_id) if scope.region_id else Q(pk__in=[])
    qs = qs.filter(own | Q(shared=True))
    if not policy.has_perm(user, Perm.PERSONAL_DATA_VIEW):
        qs = qs.filter(personal_data=False)
    return qs


def evidence_get(*, user: Any, pk: Any) -> Evidence:
    try:
        return evidence_visible(user=user).get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        from rocu.core.errors import NotFound

        raise NotFound() from None


def evidence_opened(*, user: Any, evidence: Evidence) -> None:
    """Opening a file is worth knowing about; when it may name people it is a consultation."""
    audit_record(
        actor=user,
        category=Category.CONSULTATION if evidence.personal_data else Category.DISCLOSURE,
        action="governance.evidence.download",
        obj=evidence,
        region_id=evidence.region_id,
        recipient="" if evidence.personal_data else user.get_username(),
        detail={"sha256": evidence.sha256},
    )


def responses_visible(*, user: Any) -> QuerySet[InspectionResponse]:
    return policy.restrict(
        user, InspectionResponse.objects.select_related("inspection", "force", "region"), p.GOVERNANCE_VIEW
    )


def response_get(*, user: Any, pk: Any) -> InspectionResponse:
    return policy.get_visible(user, responses_visible(user=user), p.GOVERNANCE_VIEW, pk=pk)


def response_public(*, slug: str) -> InspectionResponse:
    """A published response, for anyone: the public page needs no sign-in."""
    from rocu.core.errors import NotFound

    found = (
        InspectionResponse.objects.select_related("inspection", "force")
        .filter(public_slug=slug, state=InspectionResponse.State.PUBLISHED)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def positions_of(response: InspectionResponse) -> list[RecommendationPosition]:
    return list(response.positions.select_related("finding"))


def response_forces(*, user: Any) -> QuerySet[Force]:
    """Forces the user may write a response for."""
    scope = policy.scope_for(user)
    qs = Force.objects.select_related("region")
    if scope.all_regions:
        return qs
    if scope.force_bound:
        return qs.filter(pk=scope.force_id or 0)
    return qs.filter(region_id=scope.region_id or 0)


def people_of_region(*, user: Any, region_id: int) -> QuerySet[User]:
    """Candidates for owner, approver or accountable officer: active people of a region.

    Naming an owner is work on governance, not a look at personal data: only names.
    """
    if not policy.has_perm(user, p.GOVERNANCE_MANAGE) and not policy.has_perm(user, p.GOVERNANCE_MEASURES_MANAGE):
        return User.objects.none()
    return User.objects.filter(region_id=region_id, is_active=True).order_by("last_name", "first_name")


def regions_in_scope(*, user: Any) -> QuerySet[Region]:
    scope = policy.scope_for(user)
    if scope.all_regions:
        return Region.objects.all()
    return Region.objects.filter(pk=scope.region_id or 0)


@dataclass
class OversightRow:
    region: Region
    tracking: RecommendationTracking | None
    overdue: bool
    rank: tuple[int, int, dt.date]


def network_recommendations(*, user: Any) -> QuerySet[Finding]:
    """Recommendations tracked in more than one region: made to every ROCU."""
    visible = trackings_visible(user=user)
    return (
        Finding.objects.filter(pk__in=visible.values("finding_id"), kind=FindingKind.RECOMMENDATION)
        .select_related("inspection")
        .annotate(regions=Count("trackings", distinct=True))
        .filter(regions__gt=1)
        .order_by("-inspection__published", "order")
    )


def oversight_rows(*, user: Any, finding: Finding, today: dt.date | None = None) -> list[OversightRow]:
    """Each region's tracking of one recommendation, the laggards first: not started
    before started before complete, then overdue before not, then earliest due."""
    today = today or timezone.localdate()
    trackings = {t.region_id: t for t in trackings_visible(user=user).filter(finding=finding)}
    regions = regions_in_scope(user=user)
    rows = []
    for region in regions:
        t = trackings.get(region.pk)
        if t is None:
            rows.append(OversightRow(region, None, False, (-1, 0, dt.date.min)))
            continue
        overdue = bool(t.due_date and t.due_date < today and t.progress != ProgressStatus.COMPLETE)
        rank = (PROGRESS_RANK[ProgressStatus(t.progress)], 0 if overdue else 1, t.due_date or dt.date.max)
        rows.append(OversightRow(region, t, overdue, rank))
    return sorted(rows, key=lambda r: (r.rank, r.region.name))


def accountable_list(*, user: Any, region: int | None = None) -> QuerySet[AccountableOfficer]:
    qs = policy.restrict(
        user, AccountableOfficer.objects.select_related("region", "tracking__finding", "officer"), p.GOVERNANCE_VIEW
    )
    if region:
        qs = qs.filter(region_id=region)
    return qs


def measures_list(*, user: Any, region: int | None = None) -> QuerySet[CounterCorruptionMeasure]:
    qs = policy.restrict(
        user, CounterCorruptionMeasure.objects.select_related("region", "owner"), p.GOVERNANCE_VIEW
    ).annotate(evidence_count=Count("evidence"))
    if region:
        qs = qs.filter(region_id=region)
    return qs


def measure_get(*, user: Any, pk: Any) -> CounterCorruptionMeasure:
    return policy.get_visible(
        user, CounterCorruptionMeasure.objects.select_related("region", "owner"), p.GOVERNANCE_VIEW, pk=pk
    )


def vetting_compliance(*, region_id: int, today: dt.date | None = None) -> dict[str, int]:
    """Counts from the people records (never names): the vetting measure's evidence."""
    today = today or timezone.localdate()
    people = User.objects.filter(region_id=region_id, is_active=True)
    return {
        "people": people.count(),
        "expired": people.filter(vetting_expires__lt=today).count(),
        "expiring_90": people.filter(
            vetting_expires__gte=today, vetting_expires__lte=today + dt.timedelta(days=90)
        ).count(),
        "none": people.filter(vetting_expires__isnull=True).count(),
    }


def practices_list(*, user: Any, q: str = "", threat: str = "", capability: str = "") -> QuerySet[GoodPractice]:
    qs = policy.restrict(user, GoodPractice.objects.select_related("region"), p.GOVERNANCE_VIEW)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    if threat:
        qs = qs.filter(threat=threat)
    if capability:
        qs = qs.filter(capability=capability)
    return qs.prefetch_related(
        Prefetch("adoptions", queryset=GoodPracticeAdoption.objects.select_related("region"))
    ).order_by("-created_at", "pk")


def practice_get(*, user: Any, pk: Any) -> GoodPractice:
    return policy.get_visible(
        user, GoodPractice.objects.select_related("region", "created_by"), p.GOVERNANCE_VIEW, pk=pk
    )


def upload_get(*, user: Any, pk: Any) -> ReportUpload:
    """Only the person who uploaded a report reviews what rocu proposes from it."""
    from rocu.core.errors import NotFound

    if not policy.has_perm(user, p.GOVERNANCE_MANAGE):
        raise NotFound()
    try:
        return ReportUpload.objects.select_related("job").get(pk=pk, uploaded_by=user)
    except (ReportUpload.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
