"""The metric catalogue, periods and the maths the dashboards share."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import metrics as m


def test_it_defines_every_metric_fully_and_once():
    ids = [d.id for d in m.CATALOGUE]
    assert len(ids) == len(set(ids))
    for d in m.CATALOGUE:
        assert all([d.name, d.definition, d.formula, d.unit, d.owner, d.source, d.version])


def test_it_reads_financial_years_quarters_and_months():
    assert (m.parse_period("FY2025").start, m.parse_period("FY2025").end) == (dt.date(2025, 4, 1), dt.date(2026, 4, 1))
    q3 = m.parse_period("2025-Q3")
    assert (q3.start, q3.end) == (dt.date(2025, 10, 1), dt.date(2026, 1, 1))
    q4 = m.parse_period("2025-q4")
    assert (q4.start, q4.end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert m.parse_period("2025-10").end == dt.date(2025, 11, 1)


@pytest.mark.parametrize("bad", ["", "2025", "2025-Q5", "2025-13", "FY1850", "drop table", "2025-00"])
def test_it_refuses_a_period_it_cannot_read_with_a_message(bad):
    with pytest.raises(m.PeriodError) as exc:
        m.parse_period(bad)
    assert str(exc.value)


@given(st.sampled_from(["fy", "quarter", "month"]), st.dates(dt.date(2005, 1, 1), dt.date(2095, 1, 1)))
def test_it_tiles_time_with_periods_that_follow_each_other(kind, day):
    period = m.current_period(kind, day)
    assert period.contains(day)
    assert period.previous().end == period.start
    trend = m.trend_periods(period, 4)
    assert [p.end for p in trend[:-1]] == [p.start for p in trend[1:]]
    assert trend[-1] == period


def test_it_answers_no_data_rather_than_zero_percent():
    assert m.rate(1, 0) is None
    assert m.percent(None) == "no data"
    assert m.rate(1, 4) == 0.25


def test_it_reads_a_trend():
    assert m.trend_word(m.trend_slope([1, 2, 3])) == "rising"
    assert m.trend_word(m.trend_slope([3, 2, None, 1])) == "falling"
    assert m.trend_word(m.trend_slope([None, 1])) == "not enough data"


@given(st.floats(0.01, 0.99), st.integers(1, 10_000))
def test_it_widens_funnel_limits_for_smaller_units(target, n):
    narrow = m.funnel_limits(target, n * 4, m.Z998)
    wide = m.funnel_limits(target, n, m.Z998)
    assert wide[0] <= narrow[0] <= target <= narrow[1] <= wide[1]


def test_it_marks_outliers_and_keeps_units_without_data():
    target, points = m.funnel([("A", 50, 100), ("B", 500, 1000), ("C", 900, 1000), ("D", 0, 0)])
    by = {p.unit: p for p in points}
    assert by["C"].outlier == "above"
    assert by["D"].proportion is None
    assert by["D"].outlier == ""
    assert target == pytest.approx(1450 / 2100)
