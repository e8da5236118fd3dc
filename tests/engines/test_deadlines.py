"""The 56-day response and reminder schedule, as plain arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import deadlines
from rocu.engines.deadlines import OVERDUE, REMINDER_DAYS, deadline_state, end_of_month, reminder_to_send, response_due

dates = st.dates(min_value=dt.date(1996, 1, 1), max_value=dt.date(2100, 12, 31))


def test_it_gives_the_seed_report_its_response_date():
    assert response_due(dt.date(2021, 2, 10)) == dt.date(2021, 4, 7)


@pytest.mark.parametrize(
    ("published", "due"),
    [
        (dt.date(2021, 1, 31), dt.date(2021, 3, 28)),  # month end, February in between
        (dt.date(2023, 12, 31), dt.date(2024, 2, 25)),  # year end
        (dt.date(2023, 11, 30), dt.date(2024, 1, 25)),  # across the year end
        (dt.date(2024, 1, 5), dt.date(2024, 3, 1)),  # leap year: 29 February counts
        (dt.date(2023, 1, 5), dt.date(2023, 3, 2)),  # no leap day
        (dt.date(2024, 2, 29), dt.date(2024, 4, 25)),  # published on a leap day
    ],
)
def test_it_counts_56_days_across_month_and_year_ends(published, due):
    assert response_due(published) == due


@given(dates)
def test_it_always_gives_exactly_56_days(published):
    due = response_due(published)
    assert (due - published).days == 56
    assert due.weekday() == published.weekday()


def test_it_takes_by_month_year_to_mean_the_last_day():
    assert end_of_month(2022, 2) == dt.date(2022, 2, 28)
    assert end_of_month(2024, 2) == dt.date(2024, 2, 29)
    assert end_of_month(2021, 12) == dt.date(2021, 12, 31)
    with pytest.raises(ValueError):
        end_of_month(2021, 13)


@given(st.integers(1990, 2100), st.integers(1, 12))
def test_it_ends_every_month_the_day_before_the_next_begins(year, month):
    last = end_of_month(year, month)
    assert (last + dt.timedelta(days=1)).day == 1
    assert last.month == month


def test_it_reminds_at_28_14_7_and_1_days_then_once_overdue():
    due = dt.date(2021, 4, 7)
    sent: set[int] = set()
    fired = []
    day = dt.date(2021, 2, 10)
    while day <= due + dt.timedelta(days=10):
        r = reminder_to_send(due, day, sent)
        if r is not None:
            sent.add(r)
            fired.append((day, r))
        day += dt.timedelta(days=1)
    assert fired == [
        (dt.date(2021, 3, 10), 28),
        (dt.date(2021, 3, 24), 14),
        (dt.date(2021, 3, 31), 7),
        (dt.date(2021, 4, 6), 1),
        (dt.date(2021, 4, 8), OVERDUE),
    ]


def test_it_sends_only_the_most_urgent_reminder_after_a_missed_run():
    due = dt.date(2021, 4, 7)
    assert reminder_to_send(due, dt.date(2021, 4, 2), set()) == 7
    assert reminder_to_send(due, dt.date(2021, 4, 2), {7}) is None
    # Sending the 7-day reminder does not let the older 28- and 14-day ones fire later.
    assert reminder_to_send(due, dt.date(2021, 4, 4), {7}) is None
    assert reminder_to_send(due, dt.date(2021, 4, 6), {7}) == 1


@given(dates, st.integers(-60, 90), st.sets(st.sampled_from([*REMINDER_DAYS, OVERDUE])))
def test_it_never_repeats_a_reminder_and_runs_twice_in_a_day_safely(due, offset, sent):
    today = due - dt.timedelta(days=offset)
    first = reminder_to_send(due, today, sent)
    if first is not None:
        assert first not in sent
        assert reminder_to_send(due, today, sent | {first}) is None
        if offset >= 0:
            assert first <= max(REMINDER_DAYS)
            assert offset <= first
        else:
            assert first == OVERDUE


@given(dates, st.integers(-400, 400), st.booleans())
def test_it_flags_overdue_only_when_not_done_and_past(due, offset, done):
    state = deadline_state(due, due + dt.timedelta(days=offset), done=done)
    assert state.overdue == (not done and offset > 0)
    assert state.days_left == -offset
    assert state.label


def test_it_carries_a_version():
    assert deadlines.VERSION.startswith("deadlines-")
