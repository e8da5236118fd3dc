"""The dashboards' fast paths give the same figures as the plain definitions they replace."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.core.charts import LAYOUT_DEFAULTS, chart
from rocu.engines import metrics as m
from rocu.outcomes.models import DisruptionClaim, Outcome
from rocu.performance import reports, selectors
from rocu.referrals.models import Referral

PERIOD = m.parse_period("2025-Q3")  # October to December 2025: both sides of the clocks going back
# (due date, UTC instant done): 23:00 UTC and later is the next day in London while clocks are
# on BST (until 01:00 UTC on 26 October 2025), but the same day in GMT.
CASES = [
    (dt.date(2025, 10, 20), dt.datetime(2025, 10, 20, 22, 59, tzinfo=dt.UTC)),  # on time
    (dt.date(2025, 10, 20), dt.datetime(2025, 10, 20, 23, 0, tzinfo=dt.UTC)),  # late: 00:00 BST
    (dt.date(2025, 10, 20), dt.datetime(2025, 10, 20, 23, 30, tzinfo=dt.UTC)),  # late
    (dt.date(2025, 11, 20), dt.datetime(2025, 11, 20, 23, 30, tzinfo=dt.UTC)),  # on time: GMT
    (dt.date(2025, 11, 20), dt.datetime(2025, 11, 21, 0, 0, 1, tzinfo=dt.UTC)),  # late
    (dt.date(2025, 10, 25), dt.datetime(2025, 10, 25, 23, 30, tzinfo=dt.UTC)),  # late: 00:30 BST
    (dt.date(2025, 10, 26), dt.datetime(2025, 10, 26, 0, 30, 0, 123456, tzinfo=dt.UTC)),  # on time
    (dt.date(2025, 10, 26), dt.datetime(2025, 10, 26, 23, 30, tzinfo=dt.UTC)),  # on time: GMT by then
    (dt.date(2025, 10, 19), None),  # not yet checked
]


def _region() -> Region:
    return Region.objects.filter(referrals__isnull=False).order_by("pk").first()


def _boundary_referrals(region: Region) -> None:
    """Put the region's referrals into the period with check and triage times on the day boundaries."""
    pks = list(Referral.objects.filter(region=region).order_by("pk").values_list("pk", flat=True))
    assert len(pks) >= 2 * len(CASES)
    for i, pk in enumerate(pks):
        due, done = CASES[i % len(CASES)]
        Referral.objects.filter(pk=pk).update(
            received_on=due - dt.timedelta(days=2),
            check_due=due,
            triage_due=due + dt.timedelta(days=1),
            checked_at=done,
            triaged_at=done + dt.timedelta(days=1) if done and i % 2 else None,
        )


def _expected(region: Region) -> tuple[int, int, int, int]:
    """The definition, worked out in Python: done on or before the due date, in local time."""
    rows = list(Referral.objects.filter(region=region, received_on__gte=PERIOD.start, received_on__lt=PERIOD.end))
    checked = [r for r in rows if r.checked_at is not None]
    triaged = [r for r in rows if r.triaged_at is not None]
    return (
        len(checked),
        sum(timezone.localtime(r.checked_at).date() <= r.check_due for r in checked),
        len(triaged),
        sum(timezone.localtime(r.triaged_at).date() <= r.triage_due for r in triaged),
    )


@pytest.mark.parametrize("zone", [None, "UTC", "Asia/Tokyo"])
def test_service_levels_read_the_local_date_on_the_day_boundary(db, zone):
    region = _region()
    _boundary_referrals(region)
    scope = selectors.DashboardScope(region.name, (region.pk,))
    with timezone.override(zone) if zone else timezone.override(timezone.get_default_timezone()):
        checked, checked_on_time, triaged, triaged_on_time = _expected(region)
        result = selectors.compute(["referral_service_level"], scope, PERIOD)[0]
        units = {name: (k, n) for name, k, n in selectors.national_units("referral_service_level", PERIOD)}
    assert 0 < checked_on_time < checked
    assert result.rows[0][1:3] == [checked, checked_on_time]
    assert result.rows[1][1:3] == [triaged, triaged_on_time]
    assert units[region.name] == (checked_on_time, checked)


def test_the_sqlite_fast_path_is_used_only_in_the_configured_zone(db):
    sql = str(Referral.objects.filter(selectors.done_by_due("checked_at", "check_due")).query)
    with timezone.override("UTC"):
        other = str(Referral.objects.filter(selectors.done_by_due("checked_at", "check_due")).query)
    if connection.vendor == "sqlite":
        assert "'localtime'" in sql
        assert "django_datetime_cast_date" in other
    else:
        assert "'localtime'" not in sql + other


def test_public_counts_match_the_rows(db):
    region = Region.objects.filter(outcomes__isnull=False).order_by("pk").first()
    quarters = m.trend_periods(m.current_period("quarter", timezone.localdate()).previous(), 4)
    columns, counts = selectors.public_counts(region, quarters)
    keys = [c.key for c in columns]
    for quarter, row in zip(quarters, counts, strict=True):
        got = dict(zip(keys, row, strict=True))
        referrals = Referral.objects.filter(region=region, received_on__gte=quarter.start, received_on__lt=quarter.end)
        outcomes = Outcome.objects.filter(region=region, occurred_on__gte=quarter.start, occurred_on__lt=quarter.end)
        assert got["referrals"] == referrals.count()
        assert got["actioned"] == referrals.filter(decision__in=["disseminate", "adopt"]).count()
        assert got["arrests"] == sum(o.count for o in outcomes.filter(kind="arrest"))
        assert got["safeguarded"] == sum(o.count for o in outcomes.filter(kind__startswith="safeguard_"))
        assert (
            got["disruptions"]
            == DisruptionClaim.objects.filter(
                region=region, status="validated", occurred_on__gte=quarter.start, occurred_on__lt=quarter.end
            ).count()
        )


def test_a_dashboard_reads_each_source_once(db):
    region = _region()
    scope = selectors.DashboardScope(region.name, (region.pk,))
    with CaptureQueriesContext(connection) as ctx:
        results = selectors.compute(None, scope, m.current_period("fy", timezone.localdate()))
    assert all(r.available for r in results)
    # the table list, then one query each: threats, plan actions, outcomes, claims, referrals,
    # operations, recommendations, posts
    assert len(ctx.captured_queries) == 9


def test_plain_charts_are_what_plotly_would_draw(db):
    region = _region()
    scope = selectors.DashboardScope(region.name, (region.pk,))
    results = selectors.compute(None, scope, m.current_period("fy", timezone.localdate()))
    report = reports.dashboard_report(results, scope.label, PERIOD)
    charts = [t.chart for t in report.tables if t.chart]
    assert len(charts) > 10
    for drawn in charts:
        figure = drawn["figure"]
        layout = {k: v for k, v in figure["layout"].items() if k != "template" and k not in LAYOUT_DEFAULTS}
        trace = dict(figure["data"][0])
        kind = trace.pop("type")
        fig = go.Figure(go.Bar(**trace) if kind == "bar" else go.Scatter(**trace))
        fig.update_layout(**layout)
        expected = chart(
            fig,
            chart_id=drawn["id"],
            title=drawn["title"],
            table_header=drawn["header"],
            table_rows=drawn["rows"],
            definitions=drawn["definitions"],
        )
        assert drawn == expected
