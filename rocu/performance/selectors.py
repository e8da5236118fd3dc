"""Every figure the performance pages show, computed in the database from the other apps.

Figures are aggregates over a dashboard scope (a region, a force, or every region),
never rows: a count of referrals reveals no person, so the aggregate-only roles may
read them even where the records themselves are personal data. Which scopes a user
may ask for is decided here from their roles (`scope_for`); a metric whose source app
has no table yet answers "unavailable" instead of a made-up zero.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, Case, Count, Expression, F, IntegerField, Q, QuerySet, Sum, Value, When
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


def _pairs(found: dict[Any, int], choices: Any) -> list[tuple[str, int]]:
    """Counts in the order of `choices`, a zero for any choice with no rows."""
    return [(_label(choices, k), int(found.get(k, 0))) for k in choices.values]


def _period_filter(date_field: str, period: m.Period) -> Q:
    return Q(**{f"{date_field}__gte": period.start, f"{date_field}__lt": period.end})


def _share_rows(pairs: list[tuple[str, int]]) -> list[list[Any]]:
    total = sum(v for _, v in pairs)
    return [[label, value, m.percent(m.rate(value, total))] for label, value in pairs]


# Sources whose force path crosses a many-to-many relation, so a force filter can repeat rows.
MANY_FORCES = frozenset({"threats.TaskingSubject", "operations.PlanAction"})


def _count(label: str, scope: DashboardScope, condition: Q | None = None) -> Count:
    """COUNT of rows, DISTINCT only where the scope's force filter joins a many-valued relation
    (a threat affects several forces), because COUNT(DISTINCT) makes the database sort."""
    return Count("pk", filter=condition, distinct=scope.force_scoped and label in MANY_FORCES)


class _LocalDateOnOrBefore(Expression):
    """`done` (a datetime) fell on or before `due` (a date), reading `done` in local time.

    SQLite only: Django's `__date` lookup there calls a Python function once a row; this is
    SQLite's own date() with the 'localtime' modifier (the process time zone, which Django
    sets from settings.TIME_ZONE), so the comparison stays in C. Used only when that zone is
    also the active one (see `done_by_due`)."""

    conditional = True

    def __init__(self, done: str, due: str) -> None:
        super().__init__(output_field=BooleanField())
        self.done: Any = F(done)
        self.due: Any = F(due)

    def get_source_expressions(self) -> list[Any]:
        return [self.done, self.due]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.done, self.due = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        done_sql, done_params = compiler.compile(self.done)
        due_sql, due_params = compiler.compile(self.due)
        sql = f"({done_sql} IS NOT NULL AND date({done_sql}, 'localtime') <= {due_sql})"
        return sql, (*done_params, *done_params, *due_params)


def done_by_due(done: str, due: str) -> Q:
    """Rows whose `done` datetime fell, in local time, on or before their `due` date."""
    zone = timezone.get_current_timezone_name()
    if connections[read_db()].vendor == "sqlite" and zone == settings.TIME_ZONE == os.environ.get("TZ"):
        return Q(_LocalDateOnOrBefore(done, due))
    return Q(**{f"{done}__isnull": False, f"{done}__date__lte": F(due)})


def _bucketed(
    qs: QuerySet[Any], date_field: str, periods: list[m.Period], group: tuple[str, ...], **aggs: Any
) -> list[dict[str, Any]]:
    """One grouped query: `aggs` for each trend period (column `bucket`, the period's index, the
    last being the dashboard's own period) and each value of `group`. Periods are placed with
    plain date comparisons, never a per-row date function."""
    bucket = Case(
        *(When(_period_filter(date_field, p), then=Value(i)) for i, p in enumerate(periods)),
        output_field=IntegerField(),
    )
    window = Q(**{f"{date_field}__gte": periods[0].start, f"{date_field}__lt": periods[-1].end})
    rows = qs.filter(window).annotate(bucket=bucket).values("bucket", *group).annotate(**aggs).order_by()
    return [row for row in rows if row["bucket"] is not None]


def _fold(rows: list[dict[str, Any]], key: str, name: str, *, bucket: int | None = None) -> dict[Any, int]:
    """Total `name` by `key` over the grouped rows (of one bucket when given)."""
    out: dict[Any, int] = {}
    for row in rows:
        if bucket is None or row["bucket"] == bucket:
            out[row[key]] = out.get(row[key], 0) + int(row[name] or 0)
    return out


def _memo(ctx: dict[str, Any], key: str, build: Callable[[], Any]) -> Any:
    """Figures several metrics share, read once a dashboard (ctx lives for one `compute`)."""
    if key not in ctx:
        ctx[key] = build()
    return ctx[key]


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


def _trend_of(trend: list[m.Period], totals: dict[Any, int]) -> list[tuple[str, float | None]]:
    return [(p.token, float(totals.get(i, 0))) for i, p in enumerate(trend)]


def _by_p(result: MetricResult, rows: list[dict[str, Any]], trend: list[m.Period], name: str = "n") -> None:
    from rocu.operations.models import P

    pairs = _pairs(_fold(rows, "p", name, bucket=len(trend) - 1), P)
    result.header = ["P", "Count", "Share"]
    result.rows = _share_rows(pairs)
    pursue = pairs[0][1]
    total = sum(v for _, v in pairs)
    result.headline = f"Pursue {m.percent(m.rate(pursue, total))} of {total}"
    result.trend = _trend_of(trend, _fold(rows, "bucket", name))


# Threats: both metrics from one query grouped by level.

FLAGS = {
    "force_holds_regional": ("Regional threat held by a force", Q(flag_force_holds_regional=True)),
    "rocu_below_level": ("ROCU working below its level", Q(flag_rocu_below_level=True)),
    "no_lro": ("No LRO", Q(flag_no_lro=True)),
    "no_plan": ("No 4P plan", Q(flag_no_plan=True)),
}


def _threat_figures(scope: DashboardScope) -> dict[str, dict[str, int]]:
    label = "threats.TaskingSubject"
    stale_before = timezone.localdate() - dt.timedelta(days=183)
    aggs = {key: _count(label, scope, cond) for key, (_, cond) in FLAGS.items()}
    aggs["stale"] = _count(label, scope, Q(assessed_on__lt=stale_before))
    rows = list(_qs(label, scope).values("level").annotate(n=_count(label, scope), **aggs).order_by())
    return {name: _fold(rows, "level", name) for name in ("n", *aggs)}


@_computer("threats_by_level")
def _threats_by_level(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.threats.models import Level

    by_level = _memo(ctx, "threats", lambda: _threat_figures(scope))["n"]
    pairs = _pairs(by_level, Level)
    pairs.append(("Not yet assessed", by_level.get("", 0)))
    result.header = ["Level", "Threats and OCGs", "Share"]
    result.rows = _share_rows(pairs)
    result.headline = f"{sum(v for _, v in pairs)} threats and OCGs"
    result.note = "As at today."


@_computer("threat_flags")
def _threat_flags(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    figures = _memo(ctx, "threats", lambda: _threat_figures(scope))
    labels = {key: text for key, (text, _) in FLAGS.items()} | {"stale": "Stale assessment"}
    counts = {key: sum(figures[key].values()) for key in labels}
    result.header = ["Flag", "Threats and OCGs"]
    result.rows = [[labels[k], counts[k]] for k in labels]
    result.headline = f"{sum(counts.values())} flags raised"
    result.note = "As at today. One threat may carry several flags."


@_computer("four_p_plan_actions")
def _four_p_actions(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    label = "operations.PlanAction"
    rows = _bucketed(_qs(label, scope), "due_on", trend, ("p",), n=_count(label, scope))
    _by_p(result, rows, trend)


# Outcomes: 4P balance and outcomes by type from one query grouped by P and kind.


def _outcome_rows(scope: DashboardScope, trend: list[m.Period]) -> list[dict[str, Any]]:
    label = "outcomes.Outcome"
    return _bucketed(_qs(label, scope), "occurred_on", trend, ("p", "kind"), n=_count(label, scope), total=Sum("count"))


@_computer("four_p_outcomes")
def _four_p_outcomes(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    _by_p(result, _memo(ctx, "outcomes", lambda: _outcome_rows(scope, trend)), trend)


@_computer("outcomes_by_type")
def _outcomes_by_type(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.outcomes.models import OutcomeKind

    rows = _memo(ctx, "outcomes", lambda: _outcome_rows(scope, trend))
    pairs = _pairs(_fold(rows, "kind", "total", bucket=len(trend) - 1), OutcomeKind)
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
        result.trend = _trend_of(trend, _fold(rows, "bucket", "total"))


# Disruptions: 4P balance and grades from one query over validated claims.


def _validated_claims(scope: DashboardScope) -> QuerySet[Any]:
    from rocu.outcomes.models import ClaimStatus

    return _qs("outcomes.DisruptionClaim", scope).filter(status=ClaimStatus.VALIDATED)


def _claim_rows(scope: DashboardScope, trend: list[m.Period]) -> list[dict[str, Any]]:
    n = _count("outcomes.DisruptionClaim", scope)
    return _bucketed(_validated_claims(scope), "occurred_on", trend, ("p", "grade"), n=n)


@_computer("four_p_disruptions")
def _four_p_disruptions(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    _by_p(result, _memo(ctx, "claims", lambda: _claim_rows(scope, trend)), trend)


@_computer("disruptions_by_grade")
def _disruptions_by_grade(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    from rocu.outcomes.models import Grade

    rows = _memo(ctx, "claims", lambda: _claim_rows(scope, trend))
    pairs = _pairs(_fold(rows, "grade", "n", bucket=len(trend) - 1), Grade)
    result.header = ["Grade", "Disruptions", "Share"]
    result.rows = _share_rows(pairs)
    result.headline = f"{sum(v for _, v in pairs)} disruptions"
    result.trend = _trend_of(trend, _fold(rows, "bucket", "n"))


# Referrals: the funnel, conversion and service levels from one query grouped by period.


def _referrals(scope: DashboardScope) -> QuerySet[Any]:
    return _qs("referrals.Referral", scope)


ACTIONED = Q(decision__in=["disseminate", "adopt"])
CHECKED = Q(checked_at__isnull=False)
TRIAGED = Q(triaged_at__isnull=False)


def referral_counts() -> dict[str, Any]:
    """Every referral count the dashboards use, as COUNT aggregates of plain conditions."""
    return {
        "received": Count("pk"),
        "checked": Count("pk", filter=CHECKED),
        "checked_on_time": Count("pk", filter=done_by_due("checked_at", "check_due")),
        "triaged": Count("pk", filter=TRIAGED),
        "triaged_on_time": Count("pk", filter=done_by_due("triaged_at", "triage_due")),
        "actioned": Count("pk", filter=ACTIONED),
    }


def _referral_figures(scope: DashboardScope, trend: list[m.Period]) -> list[dict[str, int]]:
    """The counts of `referral_counts` for each trend period, oldest first."""
    aggs = referral_counts()
    out = [dict.fromkeys(aggs, 0) for _ in trend]
    for row in _bucketed(_referrals(scope), "received_on", trend, (), **aggs):
        out[row["bucket"]] = {k: int(row[k] or 0) for k in aggs}
    return out


def _referral_memo(ctx: dict[str, Any], scope: DashboardScope, trend: list[m.Period]) -> list[dict[str, int]]:
    figures: list[dict[str, int]] = _memo(ctx, "referrals", lambda: _referral_figures(scope, trend))
    return figures


@_computer("referral_funnel")
def _referral_funnel(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    figures = _referral_memo(ctx, scope, trend)
    c = figures[-1]
    labels = [
        ("received", "Received"),
        ("checked", "Checked"),
        ("triaged", "Triaged"),
        ("actioned", "Disseminated or adopted"),
    ]
    result.header = ["Stage", "Referrals", "Share of received"]
    received = c["received"]
    result.rows = [[label, c[k], m.percent(m.rate(c[k], received))] for k, label in labels]
    result.headline = f"{received} referrals received"
    result.chart_kind = "funnel"
    result.trend = [(p.token, float(f["received"])) for p, f in zip(trend, figures, strict=True)]
    if scope.force_scoped:
        result.note = "Only referrals disseminated to this force are counted."


@_computer("referral_conversion")
def _referral_conversion(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    figures = _referral_memo(ctx, scope, trend)
    k, n = figures[-1]["actioned"], figures[-1]["triaged"]
    result.header = ["Measure", "Referrals"]
    result.rows = [["Triaged", n], ["Disseminated or adopted", k], ["Conversion rate", m.percent(m.rate(k, n))]]
    result.headline = m.percent(m.rate(k, n))
    result.trend = [(p.token, m.rate(f["actioned"], f["triaged"])) for p, f in zip(trend, figures, strict=True)]


@_computer("referral_service_level")
def _referral_service_level(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    figures = _referral_memo(ctx, scope, trend)
    c = figures[-1]
    check = m.rate(c["checked_on_time"], c["checked"])
    triage = m.rate(c["triaged_on_time"], c["triaged"])
    result.header = ["Stage", "Done", "Within service level", "Compliance"]
    result.rows = [
        ["Check (2 working days)", c["checked"], c["checked_on_time"], m.percent(check)],
        ["Triage (5 working days)", c["triaged"], c["triaged_on_time"], m.percent(triage)],
    ]
    result.headline = f"checks {m.percent(check)}, triage {m.percent(triage)}"
    result.trend = [(p.token, m.rate(f["checked_on_time"], f["checked"])) for p, f in zip(trend, figures, strict=True)]


def _joint_review_aggs(period: m.Period) -> dict[str, Count]:
    held = Q(joint_reviews__held_on__gte=period.start, joint_reviews__held_on__lt=period.end)
    return {"n": Count("pk", distinct=True), "k": Count("pk", filter=held, distinct=True)}


def _live_planned_operations(scope: DashboardScope) -> QuerySet[Any]:
    from rocu.operations.models import OperationStatus

    return _qs("operations.Operation", scope).filter(status=OperationStatus.LIVE, plan__isnull=False)


def joint_review_counts(scope: DashboardScope, period: m.Period) -> tuple[int, int]:
    agg = _live_planned_operations(scope).aggregate(**_joint_review_aggs(period))
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

    qs = _qs("governance.RecommendationTracking", scope)
    found = {row["progress"]: row["n"] for row in qs.values("progress").annotate(n=Count("pk")).order_by()}
    pairs = _pairs(found, ProgressStatus)
    result.header = ["Progress", "Recommendations", "Share"]
    result.rows = _share_rows(pairs)
    total = sum(v for _, v in pairs)
    result.headline = f"{pairs[-1][1]} of {total} complete"
    result.note = "As at today; recommendations are tracked for the whole region."


# Workforce: vacancies and funding at risk from one query over posts.

VACANT = Q(status="vacant")


def _post_figures(scope: DashboardScope) -> dict[str, int]:
    horizon = timezone.localdate() + dt.timedelta(days=365)
    ending = Q(funding_line__end_date__isnull=False, funding_line__end_date__lte=horizon)
    agg = _qs("workforce.Post", scope).aggregate(
        n=Count("pk"),
        k=Count("pk", filter=VACANT),
        at_risk=Sum("annual_cost_pence", filter=ending),
        posts=Count("pk", filter=ending),
        total=Sum("annual_cost_pence"),
    )
    return {key: int(value or 0) for key, value in agg.items()}


def vacancy_counts(scope: DashboardScope) -> tuple[int, int]:
    agg = _post_figures(scope)
    return agg["k"], agg["n"]


@_computer("vacancy_rate")
def _vacancy_rate(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    agg = _memo(ctx, "posts", lambda: _post_figures(scope))
    k, n = agg["k"], agg["n"]
    result.header = ["Measure", "Posts"]
    result.rows = [["Established posts", n], ["Vacant", k], ["Vacancy rate", m.percent(m.rate(k, n))]]
    result.headline = m.percent(m.rate(k, n))
    result.note = "As at today; posts are held by the region, not by one force."


@_computer("funding_at_risk")
def _funding_at_risk(
    result: MetricResult, scope: DashboardScope, period: m.Period, trend: list[m.Period], ctx: dict[str, Any]
) -> None:
    agg = _memo(ctx, "posts", lambda: _post_figures(scope))
    at_risk, total = agg["at_risk"], agg["total"]
    result.header = ["Measure", "Value"]
    result.rows = [
        ["Posts whose funding ends within 12 months", agg["posts"]],
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
    if metric_id not in NATIONAL_METRICS:
        raise ValidationFailed(
            "The national view compares rates: choose referral conversion, referral service level, "
            "joint review compliance or vacancy rate.",
            field="metric",
        )
    if not availability()[metric_id]:
        raise ValidationFailed(f"{m.BY_ID[metric_id].name} is {UNAVAILABLE}.", field="metric")
    everyone = DashboardScope("All regions", None)
    if metric_id in ("referral_conversion", "referral_service_level"):
        counts = referral_counts()
        k, n = ("actioned", "triaged") if metric_id == "referral_conversion" else ("checked_on_time", "checked")
        qs = _referrals(everyone).filter(_period_filter("received_on", period))
        rows = qs.values("region").annotate(k=counts[k], n=counts[n])
    elif metric_id == "joint_review_compliance":
        rows = _live_planned_operations(everyone).values("region").annotate(**_joint_review_aggs(period))
    else:
        rows = _qs("workforce.Post", everyone).values("region").annotate(k=Count("pk", filter=VACANT), n=Count("pk"))
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
    grid = [dict.fromkeys((c.key for c in columns), 0) for _ in quarters]

    def place(rows: list[dict[str, Any]], key: str, name: str) -> None:
        for row in rows:
            grid[row["bucket"]][key] += int(row[name] or 0)

    keys = {c.key for c in columns}
    if "referrals" in keys:
        rows = _bucketed(_referrals(scope), "received_on", quarters, (), n=Count("pk"), k=Count("pk", filter=ACTIONED))
        place(rows, "referrals", "n")
        place(rows, "actioned", "k")
    if "arrests" in keys:
        kinds = {
            "arrest": "arrests",
            "charge": "charges",
            "conviction": "convictions",
            "safeguard_adult": "safeguarded",
            "safeguard_child": "safeguarded",
        }
        outcomes = _qs("outcomes.Outcome", scope).filter(kind__in=list(kinds))
        for row in _bucketed(outcomes, "occurred_on", quarters, ("kind",), n=Sum("count")):
            grid[row["bucket"]][kinds[row["kind"]]] += int(row["n"] or 0)
    if "disruptions" in keys:
        place(_bucketed(_validated_claims(scope), "occurred_on", quarters, (), n=Count("pk")), "disruptions", "n")
    return columns, [[cells[c.key] for c in columns] for cells in grid]


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
