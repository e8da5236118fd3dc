"""Every figure the performance pages show, computed in the database from the other apps.

Figures are aggregates over a dashboard scope (a region, a force, or every region),
never rows: a count of referrals reveals no person, so the aggregate-only roles may
read them even where the records themselves are personal data. Which scopes a user
may ask for is decided here from their roles (`scope_for`); a metric whose source app
has no table yet answers "unavailable" instead of a made-up zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rocu.accounts.models import Force, Region
from rocu.core import policy
from rocu.core.errors import ValidationFailed
from rocu.core.policy import Role
from rocu.engines import disclosure
from rocu.engines import metrics as m
from rocu.performance.permissions import PERFORMANCE_NATIONAL, PERFORMANCE_VIEW

# Where each source keeps its region and force: (model label, region path, force path).
SOURCES: dict[str, tuple[str, str | None]] = {
    "threats.TaskingSubject": ("region", "forces_affected"),
    "operations.PlanAction": ("plan__region", "plan__subject__forces_affected"),
    "operations.JointReview": ("operation__region", "operation__force"),
    "operations.Operation": ("region", "force"),
    "outcomes.Outcome": ("region", "force"),
    "outcomes.DisruptionClaim": ("region", "force"),
    "referrals.Referral": ("region", "disseminated_to"),
    "governance.RecommendationTracking": ("region", None),
    "workforce.Post": ("region", None),
}
UNAVAILABLE = "unavailable — source not yet in rocu"
TREND_LENGTH = 4
READ_DB = "default"


def read_db() -> str:
    """The replica when one is configured: management information tolerates a little lag."""
    return "replica" if "replica" in connections.databases else READ_DB


# Availability ---------------------------------------------------------------------


def _tables() -> set[str]:
    with connections[read_db()].cursor() as cursor:
        return set(connections[read_db()].introspection.table_names(cursor))


def source_model(label: str, tables: set[str]) -> Any | None:
    """The model behind a source, or None until its app is installed and migrated."""
    app_label, model_name = label.split(".")
    if not apps.is_installed(f"rocu.{app_label}"):
        return None
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model if model._meta.db_table in tables else None


def availability() -> dict[str, bool]:
    """For each metric id: can rocu compute it now?"""
    tables = _tables()
    found = {label: source_model(label, tables) is not None for label in SOURCES}
    out = {}
    for metric in m.CATALOGUE:
        needed = [metric.source] + (["operations.Operation"] if metric.id == "joint_review_compliance" else [])
        out[metric.id] = all(found.get(label, False) for label in needed)
    return out


# Scope ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardScope:
    """The organisations a dashboard covers; region_ids None means every region."""

    label: str
    region_ids: tuple[int, ...] | None
    force_id: int | None = None
    key: str = ""  # how the scope is written in the URL

    def filter(self, qs: QuerySet[Any], label: str) -> QuerySet[Any]:
        region_path, force_path = SOURCES[label]
        if self.region_ids is not None and region_path:
            qs = qs.filter(**{f"{region_path}__in": self.region_ids})
        if self.force_id is not None:
            if force_path is None:
                return qs  # region-wide figures: the page says so
            qs = qs.filter(**{force_path: self.force_id})
        return qs

    @property
    def force_scoped(self) -> bool:
        return self.force_id is not None


def scope_choices(user: Any) -> list[DashboardScope]:
    """Every scope this user may ask for, the default first."""
    roles = policy.roles_of(user)
    if not policy.has_perm(user, PERFORMANCE_VIEW):
        return []
    out: list[DashboardScope] = []
    if Role.NATIONAL_LEAD in roles:
        out.append(DashboardScope("All regions", None, None, "all"))
        for region in Region.objects.order_by("name"):
            out.append(DashboardScope(region.name, (region.pk,), None, f"region-{region.pk}"))
        return out
    own_region = Region.objects.filter(pk=user.region_id).first()
    force = Force.objects.filter(pk=user.force_id).first()
    if own_region is None:
        return []
    region = own_region
    if Role.ROCU_HEAD in roles:
        out.append(DashboardScope(region.name, (region.pk,), None, f"region-{region.pk}"))
        for f in Force.objects.filter(region=region).order_by("name"):
            out.append(DashboardScope(f.name, (region.pk,), f.pk, f"force-{f.pk}"))
        return out
    if Role.PCC_OFFICE in roles and force is not None:
        return [
            DashboardScope(force.name, (region.pk,), force.pk, f"force-{force.pk}"),
            DashboardScope(region.name, (region.pk,), None, f"region-{region.pk}"),
        ]
    if force is not None:  # force SOC lead: their force's share only
        return [DashboardScope(force.name, (region.pk,), force.pk, f"force-{force.pk}")]
    return []


def scope_for(user: Any, key: str | None) -> DashboardScope:
    choices = scope_choices(user)
    if not choices:
        raise ValidationFailed("Your account is not attached to a region or force, so there are no figures to show.")
    if not key:
        return choices[0]
    for choice in choices:
        if choice.key == key:
            return choice
    raise ValidationFailed(
        "You cannot see figures for that organisation: choose one from the list.",
        field="scope",
    )


def disclosure_controlled(user: Any) -> bool:
    """Aggregate-only roles get counts of people with small numbers suppressed."""
    roles = policy.roles_of(user)
    return bool(roles) and roles <= policy.AGGREGATE_ONLY_ROLES


def regions_for_national(user: Any) -> list[Region]:
    policy.require(user, PERFORMANCE_NATIONAL)
    return list(Region.objects.order_by("name"))


# Results --------------------------------------------------------------------------


@dataclass
class MetricResult:
    metric: m.MetricDefinition
    available: bool
    header: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    headline: str = ""
    note: str = ""
    trend: list[tuple[str, float | None]] = field(default_factory=list)
    trend_word: str = ""
    chart_kind: str = "bar"  # bar of categories, or funnel stages
    suppressed: bool = False


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "not recorded"


def _breakdown(
    qs: QuerySet[Any], field_name: str, choices: Any, *, total_field: str | None = None
) -> list[tuple[str, int]]:
    agg = Sum(total_field) if total_field else Count("pk", distinct=True)
    found = {row[field_name]: row["n"] or 0 for row in qs.values(field_name).annotate(n=agg).order_by()}
    keys = list(choices.values) if choices is not None else sorted(found)
    return [(_label(choices, k) if choices is not None else str(k), int(found.get(k, 0))) for k in keys]


def _period_filter(date_field: str, period: m.Period) -> Q:
    return Q(**{f"{date_field}__gte": period.start, f"{date_field}__lt": period.end})


def _trend(qs: QuerySet[Any], date_field: str, periods: list[m.Period], *, total_field: str | None = None) -> list[int]:
    """Totals per period from one query: a filtered aggregate per period, plain SQL comparisons
    (no per-row date functions, which SQLite runs in Python)."""
    aggs: dict[str, Any] = {}
    for i, period in enumerate(periods):
        within = _period_filter(date_field, period)
        aggs[f"t{i}"] = Sum(total_field, filter=within) if total_field else Count("pk", filter=within, distinct=True)
    row = qs.filter(**{f"{date_field}__gte": periods[0].start, f"{date_field}__lt": periods[-1].end}).aggregate(**aggs)
    return [int(row[f"t{i}"] or 0) for i in range(len(periods))]


def _in_period(qs: QuerySet[Any], date_field: str, period: m.Period) -> QuerySet[Any]:
    return qs.filter(**{f"{date_field}__gte": period.start, f"{date_field}__lt": period.end})


def _share_rows(pairs: list[tuple[str, int]]) -> list[list[Any]]:
    total = sum(v for _, v in pairs)
    return [[label, value, m.percent(m.rate(value, total))] for label, value in pairs]


Computer = Callable[[MetricResult, DashboardScope, m.Period, list[m.Period], dict[str, Any]], None]
_COMPUTERS: dict[str, Computer] = {}


def _computer(metric_id: str) -> Callable[[Computer], Computer]:
    def decorator(fn: Computer) -> Computer:
        _COMPUTERS[metric_id] = fn
        return fn

    return decorator


def _qs(label: str, scope: DashboardScope) -> QuerySet[Any]:
    app_label, model_name = label.split(".")
    model = apps.get_model(app_label, model_name)
    return scope.filter(model._default_manager.using(read_db()).all(), label)


def _by_p(result: MetricResult, qs: QuerySet[Any], date_field: str, period: m.Period, trend: list[m.Period]) -> None:
    from rocu.operations.models import P

    pairs = _breakdown(_in_period(qs, date_field, period), "p", P)
    result.header = ["P", "Count", "Share"]
    result.rows = _share_rows(pairs)
    pursue = pairs[0][1]
    total = sum(v for _, v in pairs)
    result.headline = f"Pursue {m.percent(m.rate(pursue, total))} of {total}"
    totals = _trend(qs, date_field, trend)
    result.trend = [(p.token, float(t)) for p, t in zip(trend, totals, strict=True)]


@_computer("threats_by_level")
def _threats_by_level(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.threats.models import Level

    qs = _qs("threats.TaskingSubject", scope)
    pairs = _breakdown(qs, "level", Level)
    unassessed = qs.filter(level="").count()
    pairs.append(("Not yet assessed", unassessed))
    result.header = ["Level", "Threats and OCGs", "Share"]
    result.rows = _share_rows(pairs)
    result.headline = f"{sum(v for _, v in pairs)} threats and OCGs"
    result.note = "As at today."


@_computer("threat_flags")
def _threat_flags(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    qs = _qs("threats.TaskingSubject", scope)
    stale_before = timezone.localdate() - dt.timedelta(days=183)
    agg = qs.aggregate(
        force_holds_regional=Count("pk", filter=Q(flag_force_holds_regional=True), distinct=True),
        rocu_below_level=Count("pk", filter=Q(flag_rocu_below_level=True), distinct=True),
        no_lro=Count("pk", filter=Q(flag_no_lro=True), distinct=True),
        no_plan=Count("pk", filter=Q(flag_no_plan=True), distinct=True),
        stale=Count("pk", filter=Q(assessed_on__lt=stale_before), distinct=True),
    )
    labels = {
        "force_holds_regional": "Regional threat held by a force",
        "rocu_below_level": "ROCU working below its level",
        "no_lro": "No LRO",
        "no_plan": "No 4P plan",
        "stale": "Stale assessment",
    }
    result.header = ["Flag", "Threats and OCGs"]
    result.rows = [[labels[k], int(agg[k] or 0)] for k in labels]
    result.headline = f"{sum(int(v or 0) for v in agg.values())} flags raised"
    result.note = "As at today. One threat may carry several flags."


@_computer("four_p_plan_actions")
def _four_p_actions(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    _by_p(result, _qs("operations.PlanAction", scope), "due_on", period, trend)


@_computer("four_p_outcomes")
def _four_p_outcomes(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    _by_p(result, _qs("outcomes.Outcome", scope), "occurred_on", period, trend)


def _validated_claims(scope: DashboardScope) -> QuerySet[Any]:
    from rocu.outcomes.models import ClaimStatus

    return _qs("outcomes.DisruptionClaim", scope).filter(status=ClaimStatus.VALIDATED)


@_computer("four_p_disruptions")
def _four_p_disruptions(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    _by_p(result, _validated_claims(scope), "occurred_on", period, trend)


@_computer("disruptions_by_grade")
def _disruptions_by_grade(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.outcomes.models import Grade

    qs = _validated_claims(scope)
    pairs = _breakdown(_in_period(qs, "occurred_on", period), "grade", Grade)
    result.header = ["Grade", "Disruptions", "Share"]
    result.rows = _share_rows(pairs)
    result.headline = f"{sum(v for _, v in pairs)} disruptions"
    totals = _trend(qs, "occurred_on", trend)
    result.trend = [(p.token, float(t)) for p, t in zip(trend, totals, strict=True)]


@_computer("outcomes_by_type")
def _outcomes_by_type(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.outcomes.models import OutcomeKind

    qs = _qs("outcomes.Outcome", scope)
    pairs = _breakdown(_in_period(qs, "occurred_on", period), "kind", OutcomeKind, total_field="count")
    result.header = ["Outcome", "Count"]
    if ctx.get("disclosure_control"):
        shown, total = disclosure.protect_counts([v for _, v in pairs])
        result.rows = [[label, value] for (label, _), value in zip(pairs, shown, strict=True)]
        result.headline = f"{total} outcomes"
        result.suppressed = any(v in disclosure.MARKS for v in shown)
        result.note = (
            "Counts under 10 are shown as <10; others are hidden where they would let a small one be worked out."
        )
    else:
        result.rows = [[label, value] for label, value in pairs]
        result.headline = f"{sum(v for _, v in pairs)} outcomes"
        totals = _trend(qs, "occurred_on", trend, total_field="count")
        result.trend = [(p.token, float(t)) for p, t in zip(trend, totals, strict=True)]


def _referrals(scope: DashboardScope) -> QuerySet[Any]:
    return _qs("referrals.Referral", scope)


ACTIONED = Q(decision__in=["disseminate", "adopt"])


@_computer("referral_funnel")
def _referral_funnel(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    qs = _referrals(scope)
    agg = _in_period(qs, "received_on", period).aggregate(
        received=Count("pk", distinct=True),
        checked=Count("pk", filter=Q(checked_at__isnull=False), distinct=True),
        triaged=Count("pk", filter=Q(triaged_at__isnull=False), distinct=True),
        actioned=Count("pk", filter=ACTIONED, distinct=True),
    )
    labels = [
        ("received", "Received"),
        ("checked", "Checked"),
        ("triaged", "Triaged"),
        ("actioned", "Disseminated or adopted"),
    ]
    result.header = ["Stage", "Referrals", "Share of received"]
    received = int(agg["received"] or 0)
    result.rows = [[label, int(agg[k] or 0), m.percent(m.rate(int(agg[k] or 0), received))] for k, label in labels]
    result.headline = f"{received} referrals received"
    result.chart_kind = "funnel"
    totals = _trend(qs, "received_on", trend)
    result.trend = [(p.token, float(t)) for p, t in zip(trend, totals, strict=True)]
    if scope.force_scoped:
        result.note = "Only referrals disseminated to this force are counted."


def _rate_trend(qs: QuerySet[Any], date_field: str, periods: list[m.Period], num: Q, den: Q) -> list[float | None]:
    """Rates per period from one query grouped by a period bucket (plain comparisons), so a
    numerator with a per-row function is worked out once a row, not once a period."""
    from django.db.models import Case, IntegerField, Value, When

    bucket = Case(
        *(When(_period_filter(date_field, p), then=Value(i)) for i, p in enumerate(periods)),
        output_field=IntegerField(),
    )
    rows = (
        qs.filter(**{f"{date_field}__gte": periods[0].start, f"{date_field}__lt": periods[-1].end})
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(k=Count("pk", filter=num, distinct=True), n=Count("pk", filter=den, distinct=True))
        .order_by()
    )
    ks, ns = [0] * len(periods), [0] * len(periods)
    for row in rows:
        if row["bucket"] is not None:
            ks[row["bucket"]] += int(row["k"] or 0)
            ns[row["bucket"]] += int(row["n"] or 0)
    return [m.rate(k, n) for k, n in zip(ks, ns, strict=True)]


CONVERSION = (ACTIONED, Q(triaged_at__isnull=False))


def referral_conversion_counts(qs: QuerySet[Any]) -> tuple[int, int]:
    agg = qs.aggregate(
        k=Count("pk", filter=CONVERSION[0], distinct=True), n=Count("pk", filter=CONVERSION[1], distinct=True)
    )
    return int(agg["k"] or 0), int(agg["n"] or 0)


@_computer("referral_conversion")
def _referral_conversion(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    qs = _referrals(scope)
    k, n = referral_conversion_counts(_in_period(qs, "received_on", period))
    result.header = ["Measure", "Referrals"]
    result.rows = [["Triaged", n], ["Disseminated or adopted", k], ["Conversion rate", m.percent(m.rate(k, n))]]
    result.headline = m.percent(m.rate(k, n))
    result.trend = list(zip([p.token for p in trend], _rate_trend(qs, "received_on", trend, *CONVERSION), strict=True))


def _service_level_counts(qs: QuerySet[Any]) -> dict[str, int]:
    from django.db.models import F

    agg = qs.aggregate(
        checked=Count("pk", filter=Q(checked_at__isnull=False), distinct=True),
        checked_on_time=Count(
            "pk", filter=Q(checked_at__isnull=False, checked_at__date__lte=F("check_due")), distinct=True
        ),
        triaged=Count("pk", filter=Q(triaged_at__isnull=False), distinct=True),
        triaged_on_time=Count(
            "pk", filter=Q(triaged_at__isnull=False, triaged_at__date__lte=F("triage_due")), distinct=True
        ),
    )
    return {k: int(v or 0) for k, v in agg.items()}


def service_level_check_counts(qs: QuerySet[Any]) -> tuple[int, int]:
    c = _service_level_counts(qs)
    return c["checked_on_time"], c["checked"]


@_computer("referral_service_level")
def _referral_service_level(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from django.db.models import F

    qs = _referrals(scope)
    c = _service_level_counts(_in_period(qs, "received_on", period))
    check = m.rate(c["checked_on_time"], c["checked"])
    triage = m.rate(c["triaged_on_time"], c["triaged"])
    result.header = ["Stage", "Done", "Within service level", "Compliance"]
    result.rows = [
        ["Check (2 working days)", c["checked"], c["checked_on_time"], m.percent(check)],
        ["Triage (5 working days)", c["triaged"], c["triaged_on_time"], m.percent(triage)],
    ]
    result.headline = f"checks {m.percent(check)}, triage {m.percent(triage)}"
    num = Q(checked_at__isnull=False, checked_at__date__lte=F("check_due"))
    result.trend = list(
        zip(
            [p.token for p in trend],
            _rate_trend(qs, "received_on", trend, num, Q(checked_at__isnull=False)),
            strict=True,
        )
    )


def joint_review_counts(scope: DashboardScope, period: m.Period) -> tuple[int, int]:
    from rocu.operations.models import OperationStatus

    ops = _qs("operations.Operation", scope).filter(status=OperationStatus.LIVE, plan__isnull=False)
    agg = ops.aggregate(
        n=Count("pk", distinct=True),
        k=Count(
            "pk",
            filter=Q(joint_reviews__held_on__gte=period.start, joint_reviews__held_on__lt=period.end),
            distinct=True,
        ),
    )
    return int(agg["k"] or 0), int(agg["n"] or 0)


@_computer("joint_review_compliance")
def _joint_reviews(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    k, n = joint_review_counts(scope, period)
    result.header = ["Measure", "Operations"]
    result.rows = [
        ["Live operations with a 4P plan", n],
        ["With a joint review in the period", k],
        ["Compliance", m.percent(m.rate(k, n))],
    ]
    result.headline = m.percent(m.rate(k, n))
    result.note = "Operations as they stand today; reviews held in the period."


@_computer("recommendation_progress")
def _recommendations(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.governance.models import ProgressStatus

    pairs = _breakdown(_qs("governance.RecommendationTracking", scope), "progress", ProgressStatus)
    result.header = ["Progress", "Recommendations", "Share"]
    result.rows = _share_rows(pairs)
    total = sum(v for _, v in pairs)
    result.headline = f"{pairs[-1][1]} of {total} complete"
    result.note = "As at today; recommendations are tracked for the whole region."


def vacancy_counts(scope: DashboardScope) -> tuple[int, int]:
    agg = _qs("workforce.Post", scope).aggregate(n=Count("pk"), k=Count("pk", filter=Q(status="vacant")))
    return int(agg["k"] or 0), int(agg["n"] or 0)


@_computer("vacancy_rate")
def _vacancy_rate(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    k, n = vacancy_counts(scope)
    result.header = ["Measure", "Posts"]
    result.rows = [["Established posts", n], ["Vacant", k], ["Vacancy rate", m.percent(m.rate(k, n))]]
    result.headline = m.percent(m.rate(k, n))
    result.note = "As at today; posts are held by the region, not by one force."


@_computer("funding_at_risk")
def _funding_at_risk(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=365)
    qs = _qs("workforce.Post", scope)
    agg = qs.aggregate(
        at_risk=Sum(
            "annual_cost_pence", filter=Q(funding_line__end_date__isnull=False, funding_line__end_date__lte=horizon)
        ),
        posts=Count("pk", filter=Q(funding_line__end_date__isnull=False, funding_line__end_date__lte=horizon)),
        total=Sum("annual_cost_pence"),
    )
    at_risk = int(agg["at_risk"] or 0)
    total = int(agg["total"] or 0)
    result.header = ["Measure", "Value"]
    result.rows = [
        ["Posts whose funding ends within 12 months", int(agg["posts"] or 0)],
        ["Annual cost of those posts", f"£{at_risk / 100:,.0f}"],
        ["Share of the annual cost of all posts", m.percent(m.rate(at_risk, total))],
    ]
    result.headline = f"£{at_risk / 100:,.0f} a year"
    result.note = "As at today; posts are held by the region, not by one force."


def compute(
    metric_ids: list[str] | None, scope: DashboardScope, period: m.Period, *, disclosure_control: bool = False
) -> list[MetricResult]:
    """The results of the named metrics (all when None) for one scope and period."""
    if metric_ids:
        unknown = [i for i in metric_ids if i not in m.BY_ID]
        if unknown:
            raise ValidationFailed(
                f"There is no metric called {unknown[0]!r}: choose one from the catalogue.", field="metric"
            )
    chosen = [m.BY_ID[i] for i in metric_ids] if metric_ids else list(m.CATALOGUE)
    live = availability()
    trend = m.trend_periods(period, TREND_LENGTH)
    ctx = {"disclosure_control": disclosure_control}
    out = []
    for metric in chosen:
        result = MetricResult(metric=metric, available=live[metric.id])
        if result.available:
            _COMPUTERS[metric.id](result, scope, period, trend, ctx)
            if result.trend:
                result.trend_word = m.trend_word(m.trend_slope([v for _, v in result.trend]))
        else:
            result.note = UNAVAILABLE
        out.append(result)
    return out


def data_range() -> tuple[dt.date, dt.date]:
    """The periods a dashboard may ask for: from the 2021 inspection to a year ahead."""
    today = timezone.localdate()
    return dt.date(2020, 4, 1), dt.date(today.year + 1, today.month, 1)


def check_period(period: m.Period) -> None:
    first, last = data_range()
    if period.end <= first or period.start >= last:
        raise ValidationFailed(
            f"rocu holds no figures for {period.label}: choose a period between April {first.year} and "
            f"{last.strftime('%B %Y')}.",
            field="period",
        )


# National consistency -------------------------------------------------------------

NATIONAL_METRICS = ("referral_conversion", "referral_service_level", "joint_review_compliance", "vacancy_rate")


def national_units(metric_id: str, period: m.Period) -> list[tuple[str, int, int]]:
    """(region name, numerator, denominator) for every region, from one grouped query."""
    from django.db.models import F

    if metric_id not in NATIONAL_METRICS:
        raise ValidationFailed(
            "The national view compares rates: choose referral conversion, referral service level, "
            "joint review compliance or vacancy rate.",
            field="metric",
        )
    if not availability()[metric_id]:
        raise ValidationFailed(f"{m.BY_ID[metric_id].name} is {UNAVAILABLE}.", field="metric")
    everyone = DashboardScope("All regions", None)
    if metric_id == "referral_conversion":
        qs = _in_period(_referrals(everyone), "received_on", period)
        rows = qs.values("region").annotate(k=Count("pk", filter=CONVERSION[0]), n=Count("pk", filter=CONVERSION[1]))
    elif metric_id == "referral_service_level":
        qs = _in_period(_referrals(everyone), "received_on", period)
        rows = qs.values("region").annotate(
            k=Count("pk", filter=Q(checked_at__isnull=False, checked_at__date__lte=F("check_due"))),
            n=Count("pk", filter=Q(checked_at__isnull=False)),
        )
    elif metric_id == "joint_review_compliance":
        from rocu.operations.models import OperationStatus

        qs = _qs("operations.Operation", everyone).filter(status=OperationStatus.LIVE, plan__isnull=False)
        rows = qs.values("region").annotate(
            n=Count("pk", distinct=True),
            k=Count(
                "pk",
                filter=Q(joint_reviews__held_on__gte=period.start, joint_reviews__held_on__lt=period.end),
                distinct=True,
            ),
        )
    else:
        rows = (
            _qs("workforce.Post", everyone)
            .values("region")
            .annotate(k=Count("pk", filter=Q(status="vacant")), n=Count("pk"))
        )
    found = {row["region"]: (int(row["k"] or 0), int(row["n"] or 0)) for row in rows.order_by()}
    return [(r.name, *found.get(r.pk, (0, 0))) for r in Region.objects.using(read_db()).order_by("name")]


# Public results -------------------------------------------------------------------


@dataclass
class PublicColumn:
    key: str
    label: str  # plain words, as the sentence uses them
    source: str


PUBLIC_COLUMNS = (
    PublicColumn("referrals", "partner referrals received", "referrals.Referral"),
    PublicColumn("actioned", "referrals passed to a force or taken on by the ROCU", "referrals.Referral"),
    PublicColumn("arrests", "arrests", "outcomes.Outcome"),
    PublicColumn("charges", "people charged", "outcomes.Outcome"),
    PublicColumn("convictions", "convictions", "outcomes.Outcome"),
    PublicColumn("safeguarded", "victims safeguarded", "outcomes.Outcome"),
    PublicColumn("disruptions", "disruptions of organised crime", "outcomes.DisruptionClaim"),
)


def public_counts(region: Region, quarters: list[m.Period]) -> tuple[list[PublicColumn], list[list[int]]]:
    """Raw counts (rows = quarters, columns = measures) before disclosure control."""
    tables = _tables()
    columns = [c for c in PUBLIC_COLUMNS if source_model(c.source, tables) is not None]
    scope = DashboardScope(region.name, (region.pk,))
    start, end = quarters[0].start, quarters[-1].end
    grid = {q.token: {c.key: 0 for c in columns} for q in quarters}

    def place(day: Any, key: str, n: int) -> None:
        day = day.date() if isinstance(day, dt.datetime) else day
        for q in quarters:
            if q.contains(day):
                grid[q.token][key] += n

    keys = {c.key for c in columns}
    if "referrals" in keys:
        for row in (
            _referrals(scope)
            .filter(received_on__gte=start, received_on__lt=end)
            .annotate(month=TruncMonth("received_on"))
            .values("month")
            .annotate(n=Count("pk"), k=Count("pk", filter=ACTIONED))
            .order_by()
        ):
            place(row["month"], "referrals", row["n"])
            place(row["month"], "actioned", row["k"])
    if "arrests" in keys:
        kinds = {
            "arrest": "arrests",
            "charge": "charges",
            "conviction": "convictions",
            "safeguard_adult": "safeguarded",
            "safeguard_child": "safeguarded",
        }
        for row in (
            _qs("outcomes.Outcome", scope)
            .filter(occurred_on__gte=start, occurred_on__lt=end, kind__in=list(kinds))
            .annotate(month=TruncMonth("occurred_on"))
            .values("month", "kind")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            place(row["month"], kinds[row["kind"]], int(row["n"] or 0))
    if "disruptions" in keys:
        for row in (
            _validated_claims(scope)
            .filter(occurred_on__gte=start, occurred_on__lt=end)
            .annotate(month=TruncMonth("occurred_on"))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            place(row["month"], "disruptions", row["n"])
    return columns, [[grid[q.token][c.key] for c in columns] for q in quarters]


def public_results(region: Region, quarters: list[m.Period]) -> dict[str, Any]:
    """The public table after disclosure control, with a sentence a reader can follow."""
    columns, counts = public_counts(region, quarters)
    if not columns:
        return {"columns": [], "rows": [], "sentences": [], "totals": [], "grand_total": None}
    protected = disclosure.protect(counts)

    def words(v: Any) -> str:
        if v == disclosure.SUPPRESSED:
            return "fewer than 10"
        return "a number not published" if v == disclosure.SECONDARY else f"{v:,}"

    sentences = []
    for q, row in zip(quarters, protected.rows, strict=True):
        parts = [f"{words(v)} {c.label}" for c, v in zip(columns, row, strict=True)]
        sentences.append(f"In {q.label}, {region.name}: " + "; ".join(parts) + ".")
    return {
        "columns": columns,
        "rows": [(q, row, total) for q, row, total in zip(quarters, protected.rows, protected.row_totals, strict=True)],
        "totals": protected.column_totals,
        "grand_total": protected.grand_total,
        "sentences": sentences,
        "suppressed": bool(protected.hidden),
        "version": protected.version,
    }
