"""The metric catalogue as data, and the plain maths every dashboard shares.

One definition per metric, so the head, the PCC and the national lead read the same
number under the same name; a definition's version changes whenever its formula does,
and every chart and export names the versions it used. Periods follow the police
financial year (April to March).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

CATALOGUE_VERSION = "metrics-v1"


@dataclass(frozen=True)
class MetricDefinition:
    id: str
    name: str
    definition: str
    formula: str
    unit: str
    owner: str
    source: str  # "<app label>.<Model>": the records it is computed from
    version: str
    period_field: str = ""  # the date that places a record in a period; blank: a snapshot now


CATALOGUE: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        "threats_by_level",
        "Threats and OCGs by tasking level",
        "How many threats and organised crime groups are held at each tasking level (local, regional, national), "
        "as at today.",
        "count(tasking subjects) grouped by level",
        "count",
        "ROCU head",
        "threats.TaskingSubject",
        "1",
    ),
    MetricDefinition(
        "threat_flags",
        "Threats and OCGs flagged",
        "How many threats and OCGs carry each tasking flag: regional threat held by a force, ROCU working below "
        "its level, no LRO, no 4P plan, stale assessment (older than 6 months).",
        "count(tasking subjects where flag) for each flag",
        "count",
        "ROCU head",
        "threats.TaskingSubject",
        "1",
    ),
    MetricDefinition(
        "four_p_plan_actions",
        "4P balance of plan actions",
        "Share of 4P plan actions under each P (Pursue, Prevent, Protect, Prepare), by the date the action is due.",
        "count(plan actions) grouped by P ÷ count(plan actions)",
        "percentage",
        "Lead responsible officers",
        "operations.PlanAction",
        "1",
        "due_on",
    ),
    MetricDefinition(
        "four_p_outcomes",
        "4P balance of outcomes",
        "Share of recorded outcomes under each P, by the date the outcome happened.",
        "count(outcomes) grouped by P ÷ count(outcomes)",
        "percentage",
        "ROCU head",
        "outcomes.Outcome",
        "1",
        "occurred_on",
    ),
    MetricDefinition(
        "four_p_disruptions",
        "4P balance of disruptions",
        "Share of validated disruptions under each P, by the date the disruption happened.",
        "count(validated disruption claims) grouped by P ÷ count(validated disruption claims)",
        "percentage",
        "ROCU head",
        "outcomes.DisruptionClaim",
        "1",
        "occurred_on",
    ),
    MetricDefinition(
        "disruptions_by_grade",
        "Disruptions by grade",
        "Validated disruptions graded major, moderate or minor (rocu's grades v1), by the date they happened.",
        "count(validated disruption claims) grouped by grade",
        "count",
        "ROCU head",
        "outcomes.DisruptionClaim",
        "1",
        "occurred_on",
    ),
    MetricDefinition(
        "outcomes_by_type",
        "Outcomes by type",
        "Arrests, charges, convictions, victims safeguarded, seizures, asset recovery and other outcomes, "
        "by the date they happened. Victims safeguarded count each person safeguarded.",
        "sum(outcome count) grouped by outcome type",
        "count",
        "ROCU head",
        "outcomes.Outcome",
        "1",
        "occurred_on",
    ),
    MetricDefinition(
        "referral_funnel",
        "Referral funnel",
        "Partner referrals received in the period, and how many of them have been checked, triaged, and "
        "disseminated to a force or adopted by the ROCU.",
        "count(referrals received in period) at each stage reached",
        "count",
        "Regional disruption team",
        "referrals.Referral",
        "1",
        "received_on",
    ),
    MetricDefinition(
        "referral_conversion",
        "Referral conversion rate",
        "Of the referrals received in the period and triaged, the share disseminated to a force or adopted by the "
        "ROCU.",
        "count(decision in {disseminate, adopt}) ÷ count(triaged)",
        "percentage",
        "Regional disruption team",
        "referrals.Referral",
        "1",
        "received_on",
    ),
    MetricDefinition(
        "referral_service_level",
        "Referral service-level compliance",
        "Of the referrals received in the period, the share checked by their check due date, and the share "
        "triaged by their triage due date (rocu default: check within 2 working days, triage within 5).",
        "count(checked on or before check due) ÷ count(checked); likewise for triage",
        "percentage",
        "Regional disruption team",
        "referrals.Referral",
        "1",
        "received_on",
    ),
    MetricDefinition(
        "joint_review_compliance",
        "SIO/LRO joint review compliance",
        "Of the live operations linked to a 4P plan, the share with a joint review of the SIO and LRO held in the "
        "period (the inspection asked that SIOs and LROs work together on every investigation).",
        "count(live operations with a plan and a joint review in period) ÷ count(live operations with a plan)",
        "percentage",
        "ROCU head",
        "operations.JointReview",
        "1",
        "held_on",
    ),
    MetricDefinition(
        "recommendation_progress",
        "Recommendation progress",
        "Inspection recommendations tracked by the region, by progress (awaiting review, being progressed, "
        "complete), as at today.",
        "count(recommendation trackings) grouped by progress",
        "count",
        "Accountable chief officer",
        "governance.RecommendationTracking",
        "1",
    ),
    MetricDefinition(
        "vacancy_rate",
        "Vacancy rate",
        "Vacant posts as a share of all established posts, as at today.",
        "count(posts where status = vacant) ÷ count(posts)",
        "percentage",
        "ROCU head",
        "workforce.Post",
        "1",
    ),
    MetricDefinition(
        "funding_at_risk",
        "Funding at risk",
        "Annual cost of filled and vacant posts paid from a funding line that ends within the next 12 months, "
        "as at today.",
        "sum(post annual cost where funding line end date ≤ today + 12 months)",
        "pounds",
        "ROCU head",
        "workforce.Post",
        "1",
    ),
)
BY_ID: dict[str, MetricDefinition] = {m.id: m for m in CATALOGUE}


# Periods -------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period that cannot be read; the message is safe to show."""


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end) with the token that names it in URLs."""

    token: str
    kind: str  # "fy", "quarter", "month"
    start: dt.date
    end: dt.date
    label: str

    def previous(self) -> Period:
        return parse_period(_shift(self, -1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def financial_year_of(day: dt.date) -> int:
    """The year a financial year starts in: 2025 is 2025/26 (April 2025 to March 2026)."""
    return day.year if day.month >= 4 else day.year - 1


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_period(token: str) -> Period:
    """'FY2025' (April 2025 to March 2026), '2025-Q3' (third quarter of 2025/26: Oct to Dec 2025), '2025-10'."""
    token = (token or "").strip().upper()
    if m := re.fullmatch(r"FY(\d{4})", token):
        year = int(m.group(1))
        _check_year(year)
        start = dt.date(year, 4, 1)
        return Period(token, "fy", start, dt.date(year + 1, 4, 1), f"Financial year {year}/{(year + 1) % 100:02d}")
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", token):
        year, quarter = int(m.group(1)), int(m.group(2))
        _check_year(year)
        start = _add_months(dt.date(year, 4, 1), 3 * (quarter - 1))
        end = _add_months(start, 3)
        last = _add_months(start, 2)
        return Period(
            token,
            "quarter",
            start,
            end,
            f"Q{quarter} {year}/{(year + 1) % 100:02d} ({_MONTHS[start.month - 1]} to "
            f"{_MONTHS[last.month - 1]} {last.year})",
        )
    if m := re.fullmatch(r"(\d{4})-(\d{2})", token):
        year, month = int(m.group(1)), int(m.group(2))
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(f"There is no month {month}: use a month from 01 to 12.")
        start = dt.date(year, month, 1)
        return Period(token, "month", start, _add_months(start, 1), f"{_MONTHS[month - 1]} {year}")
    raise PeriodError(
        "Enter a period as a financial year (FY2025), a quarter of a financial year (2025-Q3) or a month (2025-10)."
    )


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise PeriodError(f"{year} is outside the years rocu holds figures for (2000 to 2100).")


def _shift(period: Period, steps: int) -> str:
    if period.kind == "fy":
        return f"FY{period.start.year + steps}"
    if period.kind == "quarter":
        start = _add_months(period.start, 3 * steps)
        fy = financial_year_of(start)
        return f"{fy}-Q{(start.month - 4) % 12 // 3 + 1}"
    start = _add_months(period.start, steps)
    return f"{start.year}-{start.month:02d}"


def current_period(kind: str, today: dt.date) -> Period:
    fy = financial_year_of(today)
    if kind == "fy":
        return parse_period(f"FY{fy}")
    if kind == "month":
        return parse_period(f"{today.year}-{today.month:02d}")
    return parse_period(f"{fy}-Q{(today.month - 4) % 12 // 3 + 1}")


def trend_periods(period: Period, count: int) -> list[Period]:
    """The `count` periods ending with `period`, oldest first."""
    return [parse_period(_shift(period, -i)) for i in range(count - 1, -1, -1)]


def months_in(period: Period) -> list[Period]:
    out = []
    day = period.start
    while day < period.end:
        out.append(parse_period(f"{day.year}-{day.month:02d}"))
        day = _add_months(day, 1)
    return out


# Maths ---------------------------------------------------------------------------


def rate(numerator: int, denominator: int) -> float | None:
    """A proportion, or None where there is nothing to divide by (shown as 'no data', never 0%)."""
    if denominator <= 0:
        return None
    return numerator / denominator


def percent(value: float | None, places: int = 1) -> str:
    return "no data" if value is None else f"{value * 100:.{places}f}%"


def shares(counts: dict[str, int]) -> dict[str, float | None]:
    total = sum(counts.values())
    return {key: rate(value, total) for key, value in counts.items()}


def trend_slope(values: Sequence[float | None]) -> float | None:
    """Least-squares change per period over the points that have data; None under two points."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def trend_word(slope: float | None, tolerance: float = 1e-9) -> str:
    if slope is None:
        return "not enough data"
    if slope > tolerance:
        return "rising"
    if slope < -tolerance:
        return "falling"
    return "steady"


@dataclass(frozen=True)
class FunnelPoint:
    unit: str
    numerator: int
    denominator: int
    proportion: float | None
    lower95: float | None
    upper95: float | None
    lower998: float | None
    upper998: float | None
    outlier: str  # "", "above", "below" (outside the 99.8% limits); "warning-…" outside 95% only


def funnel_limits(target: float, denominator: int, z: float) -> tuple[float, float]:
    """Control limits around a target proportion for a unit of this size (normal approximation)."""
    if denominator <= 0:
        return (0.0, 1.0)
    spread = z * math.sqrt(max(target * (1 - target), 0.0) / denominator)
    return (max(0.0, target - spread), min(1.0, target + spread))


Z95 = 1.959964
Z998 = 3.090232


def funnel(units: Sequence[tuple[str, int, int]]) -> tuple[float | None, list[FunnelPoint]]:
    """Funnel plot of proportions: the pooled target and each unit against its limits.

    A unit outside the 99.8% limits is an outlier; outside 95% only, a warning. Units
    with no denominator are kept with no limits, so a region missing data still shows.
    """
    total_n = sum(n for _, _, n in units if n > 0)
    target = rate(sum(k for _, k, n in units if n > 0), total_n)
    points = []
    for unit, k, n in units:
        p = rate(k, n)
        if target is None or p is None:
            points.append(FunnelPoint(unit, k, n, p, None, None, None, None, ""))
            continue
        lo95, hi95 = funnel_limits(target, n, Z95)
        lo998, hi998 = funnel_limits(target, n, Z998)
        flag = ""
        if p > hi998:
            flag = "above"
        elif p < lo998:
            flag = "below"
        elif p > hi95:
            flag = "warning-above"
        elif p < lo95:
            flag = "warning-below"
        points.append(FunnelPoint(unit, k, n, p, lo95, hi95, lo998, hi998, flag))
    return target, points
