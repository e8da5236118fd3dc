"""Joint review due dates, overdue state and the compliance share, as plain arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import reviews
from rocu.engines.reviews import OperationHistory, compliance, due_date, in_date_on, month_ends, review_state

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
intervals = st.integers(min_value=1, max_value=120)


def test_it_falls_due_28_days_after_going_live_by_default():
    assert reviews.DEFAULT_INTERVAL_DAYS == 28
    assert due_date(live_since=dt.date(2024, 2, 1), last_review=None) == dt.date(2024, 2, 29)


def test_it_counts_from_the_last_review_not_an_older_go_live():
    assert due_date(live_since=dt.date(2024, 1, 1), last_review=dt.date(2024, 3, 1)) == dt.date(2024, 3, 29)


def test_it_restarts_the_clock_when_an_operation_goes_live_again_after_its_last_review():
    assert due_date(live_since=dt.date(2024, 5, 1), last_review=dt.date(2024, 3, 1)) == dt.date(2024, 5, 29)


def test_it_is_not_overdue_on_the_due_day_and_overdue_the_day_after():
    live = dt.date(2024, 1, 1)
    assert not review_state(live_since=live, last_review=None, today=dt.date(2024, 1, 29)).overdue
    late = review_state(live_since=live, last_review=None, today=dt.date(2024, 1, 30))
    assert late.overdue
    assert late.days_overdue == 1


@pytest.mark.parametrize("interval", [0, -7])
def test_it_refuses_an_interval_that_is_not_positive(interval):
    with pytest.raises(ValueError, match="positive"):
        due_date(live_since=dt.date(2024, 1, 1), last_review=None, interval_days=interval)


@given(dates, st.one_of(st.none(), dates), intervals)
def test_it_always_falls_due_one_interval_after_the_later_start(live, last, interval):
    due = due_date(live_since=live, last_review=last, interval_days=interval)
    start = max(live, last) if last else live
    assert (due - start).days == interval


@given(dates, st.one_of(st.none(), dates), dates, intervals)
def test_it_is_overdue_exactly_when_today_is_past_the_due_date(live, last, today, interval):
    state = review_state(live_since=live, last_review=last, today=today, interval_days=interval)
    assert state.overdue is (today > state.due_on)
    assert state.days_overdue == max(0, (today - state.due_on).days)
    assert state.days_overdue >= 0


def test_it_measures_compliance_per_key():
    day = dt.date(2024, 6, 30)
    histories = [
        OperationHistory("Devon", [(dt.date(2024, 6, 1), None)], []),  # live 29 days, no review: overdue
        OperationHistory("Devon", [(dt.date(2024, 6, 20), None)], []),  # live 10 days: in date
        OperationHistory("Dorset", [(dt.date(2024, 1, 1), None)], [dt.date(2024, 6, 15)]),
        OperationHistory("Dorset", [(dt.date(2024, 1, 1), dt.date(2024, 3, 1))], []),  # closed: not counted
    ]
    points = {p.key: p for p in compliance(histories, [day])}
    assert (points["Devon"].live, points["Devon"].in_date) == (2, 1)
    assert points["Devon"].share == 0.5
    assert points["Dorset"].share == 1.0


def test_it_has_no_share_when_nothing_is_live():
    assert compliance([OperationHistory("x", [], [])], [dt.date(2024, 1, 1)]) == []
    assert reviews.CompliancePoint(day=dt.date(2024, 1, 1), key="x", live=0, in_date=0).share is None


def test_it_ignores_reviews_held_after_the_day_measured():
    h = OperationHistory("x", [(dt.date(2024, 1, 1), None)], [dt.date(2024, 3, 1)])
    assert not in_date_on(h, dt.date(2024, 2, 15))
    assert in_date_on(h, dt.date(2024, 3, 2))


periods = st.tuples(dates, st.integers(min_value=1, max_value=400)).map(
    lambda t: [(t[0], t[0] + dt.timedelta(days=t[1]))]
) | dates.map(lambda d: [(d, None)])
histories = st.lists(
    st.builds(
        OperationHistory,
        key=st.sampled_from(["Avon and Somerset", "Devon and Cornwall", "Dorset"]),
        live_periods=periods,
        reviews=st.lists(dates, max_size=5),
    ),
    max_size=15,
)


@given(histories, st.lists(dates, min_size=1, max_size=6, unique=True), intervals)
def test_it_keeps_the_compliance_share_between_zero_and_one(items, days, interval):
    points = compliance(items, days, interval)
    for point in points:
        assert 0 <= point.in_date <= point.live
        assert point.share is not None
        assert 0.0 <= point.share <= 1.0
    total_live = sum(p.live for p in points)
    expected = sum(1 for d in days for h in items if reviews.live_on(h, d) is not None)
    assert total_live == expected


@given(dates, st.integers(min_value=1, max_value=36))
def test_it_gives_one_month_end_per_month_ending_today(today, months):
    ends = month_ends(today, months)
    assert len(ends) == months
    assert ends[-1] == today
    assert ends == sorted(ends)
    for earlier in ends[:-1]:
        assert (earlier + dt.timedelta(days=1)).day == 1
