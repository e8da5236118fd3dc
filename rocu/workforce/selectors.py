"""Every read of workforce and funding records, already filtered by the policy.

Aggregate pages (spend, vacancies, the cliff edge, scenarios) feed the funding engine
with each post's contract end date, which is personal data: those figures leave here
only as totals, never per person, so the PCC office and the national lead may see them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.engines import funding
from rocu.workforce.models import (
    Capability,
    CapabilityCode,
    FundingAllocation,
    FundingLine,
    FundingSource,
    Post,
    PostHolder,
    PostStatus,
    Scenario,
    ScenarioChange,
    WorkforceImport,
)
from rocu.workforce.permissions import (
    WORKFORCE_COMPARE,
    WORKFORCE_MANAGE,
    WORKFORCE_POSTS_VIEW,
    WORKFORCE_VIEW,
)

CLIFF_YEARS = 5


def centi(fte: Decimal | float | int) -> int:
    """FTE to the engine's whole hundredths."""
    exact = fte if isinstance(fte, Decimal) else Decimal(str(fte))
    return int((exact * 100).to_integral_value())


# --- Regions ------------------------------------------------------------------------


def regions_for(*, user: Any) -> QuerySet[Region]:
    """The regions whose workforce the user may look at: their own, or all for national roles."""
    if not policy.has_perm(user, WORKFORCE_VIEW):
        return Region.objects.none()
    scope = policy.scope_for(user)
    if scope.all_regions:
        return Region.objects.order_by("name")
    if scope.region_id is None:
        return Region.objects.none()
    return Region.objects.filter(pk=scope.region_id)


def region_choose(*, user: Any, code: str = "") -> Region:
    """The region a page shows: the one asked for if the user may see it, else their own.

    National roles without a home region start on the first region that has a workforce.
    """
    regions = regions_for(user=user)
    if code:
        found = regions.filter(code=code).first()
        if found is None:
            raise NotFound()
        return found
    own = policy.scope_for(user).region_id
    chosen = regions.filter(pk=own).first() if own else None
    chosen = chosen or regions.filter(funding_lines__isnull=False).distinct().order_by("name").first()
    chosen = chosen or regions.first()
    if chosen is None:
        raise NotFound()
    return chosen


# --- Records --------------------------------------------------------------------------


def capabilities_list(*, user: Any, region: Region) -> QuerySet[Capability]:
    qs = policy.restrict(user, Capability.objects.filter(region=region), WORKFORCE_VIEW)
    return qs.order_by("code")


def capability_get(*, user: Any, pk: Any) -> Capability:
    return policy.get_visible(user, Capability.objects.select_related("region"), WORKFORCE_MANAGE, pk=pk)


LINE_SORTS = {
    "name": "name",
    "-name": "-name",
    "source": "source",
    "-source": "-source",
    "end": "end_date",
    "-end": "-end_date",
    "posts": "post_count",
    "-posts": "-post_count",
}


def funding_lines_list(*, user: Any, region: Region, source: str = "", sort: str = "name") -> QuerySet[FundingLine]:
    qs = policy.restrict(user, FundingLine.objects.filter(region=region), WORKFORCE_VIEW)
    if source:
        qs = qs.filter(source=source)
    allocations = FundingAllocation.objects.order_by("financial_year")
    return (
        qs.annotate(post_count=Count("posts"))
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by(LINE_SORTS.get(sort, "name"), "pk")
    )


def funding_line_get(*, user: Any, pk: Any) -> FundingLine:
    return policy.get_visible(
        user,
        FundingLine.objects.select_related("region").prefetch_related("allocations"),
        WORKFORCE_VIEW,
        pk=pk,
    )


POST_SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "capability": "capability__code",
    "-capability": "-capability__code",
    "status": "status",
    "-status": "-status",
    "cost": "annual_cost_pence",
    "-cost": "-annual_cost_pence",
    "funding_end": "funding_line__end_date",
    "-funding_end": "-funding_line__end_date",
    "contract_end": "holder__contract_end",
    "-contract_end": "-holder__contract_end",
}

RISK_CHOICES = [
    ("", "Any"),
    ("funding_before_contract", "Funding ends before the contract"),
    ("funding_ends", "Funding has an end date"),
    ("contract_ends", "Contract has an end date"),
]


def posts_list(
    *,
    user: Any,
    region: Region,
    q: str = "",
    capability: str = "",
    status: str = "",
    funding_line: int | None = None,
    risk: str = "",
    sort: str = "reference",
) -> QuerySet[Post]:
    """Posts with the people in them; for those who may see people only."""
    qs = policy.restrict(user, Post.objects.filter(region=region), WORKFORCE_POSTS_VIEW)
    if not policy.has_perm(user, policy.Perm.PERSONAL_DATA_VIEW):
        return qs.none()
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(rank_or_grade__icontains=q)
            | Q(holder__name__icontains=q)
            | Q(holder__staff_number__iexact=q)
        )
    if capability:
        qs = qs.filter(capability__code=capability)
    if status:
        qs = qs.filter(status=status)
    if funding_line:
        qs = qs.filter(funding_line_id=funding_line)
    if risk == "funding_before_contract":
        qs = qs.filter(status=PostStatus.FILLED, funding_line__end_date__isnull=False).filter(
            Q(holder__contract_end__isnull=True) | Q(holder__contract_end__gt=F("funding_line__end_date"))
        )
    elif risk == "funding_ends":
        qs = qs.filter(funding_line__end_date__isnull=False)
    elif risk == "contract_ends":
        qs = qs.filter(holder__contract_end__isnull=False)
    return qs.select_related("capability", "unit", "funding_line", "holder").order_by(
        POST_SORTS.get(sort, "reference"), "pk"
    )


def audit_posts_shown(*, user: Any, region: Region, shown: Iterable[Post], q: str) -> None:
    """A page of posts names people: a consultation of personal data, logged by post id."""
    ids = [p.pk for p in shown if hasattr(p, "holder")]
    if not ids:
        return
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="workforce.post.list",
        object_type="workforce.post",
        region_id=region.pk,
        detail={"post_ids": ids, "searched": bool(q)},
    )


def post_get(*, user: Any, pk: Any, audit: bool = True, reason: str = "") -> Post:
    if not policy.has_perm(user, policy.Perm.PERSONAL_DATA_VIEW):
        raise NotFound()
    post = policy.get_visible(
        user,
        Post.objects.select_related("region", "capability", "unit", "funding_line", "holder"),
        WORKFORCE_POSTS_VIEW,
        pk=pk,
    )
    if audit and hasattr(post, "holder"):
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="workforce.post.view",
            obj=post,
            region_id=post.region_id,
            reason=reason,
        )
    return post


def holder_of(post: Post) -> PostHolder | None:
    try:
        return post.holder
    except PostHolder.DoesNotExist:
        return None


def scenarios_list(*, user: Any, region: Region) -> QuerySet[Scenario]:
    qs = policy.restrict(user, Scenario.objects.filter(region=region), WORKFORCE_VIEW)
    changes = ScenarioChange.objects.select_related("funding_line")
    return qs.select_related("created_by").prefetch_related(Prefetch("changes", queryset=changes))


def scenario_get(*, user: Any, pk: Any) -> Scenario:
    changes = ScenarioChange.objects.select_related("funding_line")
    return policy.get_visible(
        user,
        Scenario.objects.select_related("region", "created_by").prefetch_related(Prefetch("changes", queryset=changes)),
        WORKFORCE_VIEW,
        pk=pk,
    )


def imports_list(*, user: Any, region: Region) -> QuerySet[WorkforceImport]:
    qs = policy.restrict(user, WorkforceImport.objects.filter(region=region), WORKFORCE_MANAGE)
    return qs.select_related("created_by").defer("content")


def import_get(*, user: Any, pk: Any) -> WorkforceImport:
    return policy.get_visible(user, WorkforceImport.objects.select_related("region"), WORKFORCE_MANAGE, pk=pk)


# --- Engine inputs ------------------------------------------------------------------------


@dataclass
class Holdings:
    """A region's (or the network's) posts, lines and capabilities as the engine takes them."""

    posts: list[funding.Post]
    lines: list[funding.FundingLine]
    capabilities: list[funding.Capability]


def load_holdings(region_ids: Iterable[int]) -> Holdings:
    """Plain values, one query per table, so a network-wide scenario stays fast.

    Internal: callers have checked the user may see aggregates of these regions.
    """
    ids = list(region_ids)
    posts = [
        funding.Post(pid, rid, code, centi(fte), cost, status, line_id, contract_end)
        for pid, rid, code, fte, cost, status, line_id, contract_end in Post.objects.filter(
            region_id__in=ids
        ).values_list(
            "pk",
            "region_id",
            "capability__code",
            "fte",
            "annual_cost_pence",
            "status",
            "funding_line_id",
            "holder__contract_end",
        )
    ]
    lines = [
        funding.FundingLine(pk, rid, source, end)
        for pk, rid, source, end in FundingLine.objects.filter(region_id__in=ids).values_list(
            "pk", "region_id", "source", "end_date"
        )
    ]
    caps = [
        funding.Capability(rid, code, centi(minimum))
        for rid, code, minimum in Capability.objects.filter(region_id__in=ids).values_list(
            "region_id", "code", "minimum_fte"
        )
    ]
    return Holdings(posts, lines, caps)


def holdings_for(*, user: Any, region: Region) -> Holdings:
    if not regions_for(user=user).filter(pk=region.pk).exists():
        raise NotFound()
    return load_holdings([region.pk])


# --- Aggregates -------------------------------------------------------------------------------


CAPABILITY_LABELS = dict(CapabilityCode.choices)
SOURCE_LABELS = dict(FundingSource.choices)


def capability_label(code: str) -> str:
    return CAPABILITY_LABELS.get(code, code)


@dataclass
class RegionPicture:
    """Everything the overview page shows for one region, as totals only."""

    region: Region
    today: dt.date
    this_year: int
    holdings: Holdings
    now: funding.Position
    year_end: funding.Position  # on the first day of next financial year, as funded
    cliff: list[funding.CliffYear]
    gaps: list[funding.FundingGap]
    allocations: dict[int, dict[str, list[int]]]  # year: source: [confirmed, indicative]
    spend: dict[str, dict[str, int]]  # source: capability: annual cost of funded posts
    at_risk_cost_pence: int  # annual cost of posts whose funding ends by next year's end
    at_risk_posts: int
    indicative_next_year_pence: int

    @property
    def vacancy_rate(self) -> float | None:
        return self.now.vacant_fte / self.now.funded_fte if self.now.funded_fte else None


def region_picture(*, user: Any, region: Region, today: dt.date | None = None) -> RegionPicture:
    today = today or timezone.localdate()
    holdings = holdings_for(user=user, region=region)
    ends = funding.effective_ends(holdings.lines)
    year = funding.financial_year(today)
    horizon = funding.fy_end(year + 1)
    lines_by_id = {line.id: line for line in holdings.lines}
    spend: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    at_risk_cost = at_risk_posts = 0
    for post in holdings.posts:
        if not funding.is_funded(post, ends, today):
            continue
        spend[lines_by_id[post.funding_line_id].source][post.capability] += post.annual_cost_pence
        end = ends[post.funding_line_id]
        if end is not None and end <= horizon:
            at_risk_cost += post.annual_cost_pence
            at_risk_posts += 1
    allocations: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for fy, source, amount, confirmed in FundingAllocation.objects.filter(
        line__region=region, financial_year__gte=year - 1, financial_year__lte=year + 3
    ).values_list("financial_year", "line__source", "amount_pence", "confirmed"):
        allocations[fy][source][0 if confirmed else 1] += amount
    indicative_next = sum(v[1] for v in allocations.get(year + 1, {}).values())
    return RegionPicture(
        region=region,
        today=today,
        this_year=year,
        holdings=holdings,
        now=funding.position(holdings.posts, holdings.capabilities, ends, today),
        year_end=funding.position(holdings.posts, holdings.capabilities, ends, funding.fy_start(year + 1)),
        cliff=funding.cliff_edge(holdings.posts, ends, year, CLIFF_YEARS),
        gaps=funding.funding_before_contract(holdings.posts, ends),
        allocations={y: dict(v) for y, v in allocations.items()},
        spend={s: dict(c) for s, c in spend.items()},
        at_risk_cost_pence=at_risk_cost,
        at_risk_posts=at_risk_posts,
        indicative_next_year_pence=indicative_next,
    )


@dataclass
class RegionRow:
    region: Region
    posts: int
    funded_fte: int
    vacancy_rate: float | None
    annual_cost_pence: int
    at_risk_cost_pence: int
    below_minimum_now: int
    below_minimum_next_year: int
    funding_this_year_pence: int
    confirmed_share: float | None


def regions_compared(*, user: Any, today: dt.date | None = None) -> list[RegionRow]:
    """Headline figures of every region side by side.

    Totals only, so PCC offices may compare their ROCU with the rest of the network
    (DESIGN.md: PCC and national roles see aggregates) even though their other pages
    show their own region alone.
    """
    policy.require(user, WORKFORCE_COMPARE)
    today = today or timezone.localdate()
    year = funding.financial_year(today)
    regions = list(Region.objects.order_by("name"))
    holdings = load_holdings(r.pk for r in regions)
    ends = funding.effective_ends(holdings.lines)
    horizon = funding.fy_end(year + 1)
    now = funding.capability_positions(holdings.posts, holdings.capabilities, ends, today)
    later = funding.capability_positions(holdings.posts, holdings.capabilities, ends, funding.fy_start(year + 1))
    money: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # all regions: [total, confirmed]
    for rid, amount, confirmed in FundingAllocation.objects.filter(financial_year=year).values_list(
        "line__region_id", "amount_pence", "confirmed"
    ):
        money[rid][0] += amount
        money[rid][1] += amount if confirmed else 0
    risk: dict[int, int] = defaultdict(int)
    for post in holdings.posts:
        end = ends.get(post.funding_line_id)
        if end is not None and today <= end <= horizon:
            risk[post.region_id] += post.annual_cost_pence
    rows = []
    for region in regions:
        caps_now = [c for (rid, _), c in now.items() if rid == region.pk]
        caps_later = [c for (rid, _), c in later.items() if rid == region.pk]
        if not caps_now:
            continue
        funded = sum(c.funded_fte for c in caps_now)
        vacant = sum(c.vacant_fte for c in caps_now)
        total, confirmed_pence = money[region.pk]
        rows.append(
            RegionRow(
                region=region,
                posts=sum(c.funded_posts for c in caps_now),
                funded_fte=funded,
                vacancy_rate=vacant / funded if funded else None,
                annual_cost_pence=sum(c.annual_cost_pence for c in caps_now),
                at_risk_cost_pence=risk[region.pk],
                below_minimum_now=sum(1 for c in caps_now if c.below_minimum and c.minimum_fte),
                below_minimum_next_year=sum(1 for c in caps_later if c.below_minimum and c.minimum_fte),
                funding_this_year_pence=total,
                confirmed_share=confirmed_pence / total if total else None,
            )
        )
    return rows


def scenario_changes(scenario: Scenario) -> list[funding.NotRenewed]:
    return [funding.NotRenewed(c.funding_line_id, c.not_renewed_from) for c in scenario.changes.all()]


def scenario_result(
    *, user: Any, scenario: Scenario, holdings: Holdings | None = None, today: dt.date | None = None
) -> funding.ScenarioResult:
    holdings = holdings or holdings_for(user=user, region=scenario.region)
    return funding.run_scenario(
        posts=holdings.posts,
        lines=holdings.lines,
        capabilities=holdings.capabilities,
        changes=scenario_changes(scenario),
        today=today or timezone.localdate(),
        on=scenario.assess_on,
    )
