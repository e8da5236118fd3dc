"""When an SIO and LRO joint review falls due, and how many live operations are in date.

The 2021 inspection asked SIOs and LROs to work together on every investigation; the
compliance share computed here is the measure of that recommendation. Pure Python so
the date arithmetic can be property-tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RULE_VERSION = "joint-review-v1"
DEFAULT_INTERVAL_DAYS = 28


@dataclass(frozen=True)
class ReviewState:
    due_on: dt.date
    overdue: bool
    days_overdue: int


def due_date(
    *, live_since: dt.date, last_review: dt.date | None, interval_days: int = DEFAULT_INTERVAL_DAYS
) -> dt.date:
    """A review is due `interval_days` after the last one, or after the operation went live."""
    if interval_days <= 0:
        raise ValueError("interval_days must be positive")
    start = max(live_since, last_review) if last_review else live_since
    return start + dt.timedelta(days=interval_days)


def review_state(
    *, live_since: dt.date, last_review: dt.date | None, today: dt.date, interval_days: int = DEFAULT_INTERVAL_DAYS
) -> ReviewState:
    due = due_date(live_since=live_since, last_review=last_review, interval_days=interval_days)
    late = (today - due).days
    return ReviewState(due_on=due, overdue=late > 0, days_overdue=max(0, late))


@dataclass(frozen=True)
class OperationHistory:
    """One operation as the compliance figure needs it: when it was live and reviewed."""

    key: str  # a grouping key: region or force
    live_periods: Sequence[tuple[dt.date, dt.date | None]]  # [start, end) with None = still live
    reviews: Sequence[dt.date]


def live_on(history: OperationHistory, day: dt.date) -> dt.date | None:
    """The start of the live period covering `day`, or None when not live that day."""
    for start, end in history.live_periods:
        if start <= day and (end is None or day < end):
            return start
    return None


def in_date_on(history: OperationHistory, day: dt.date, interval_days: int = DEFAULT_INTERVAL_DAYS) -> bool:
    start = live_on(history, day)
    if start is None:
        return False
    last = max((r for r in history.reviews if r <= day), default=None)
    return not review_state(live_since=start, last_review=last, today=day, interval_days=interval_days).overdue


@dataclass(frozen=True)
class CompliancePoint:
    day: dt.date
    key: str
    live: int
    in_date: int

    @property
    def share(self) -> float | None:
        return self.in_date / self.live if self.live else None


def compliance(
    histories: Iterable[OperationHistory], days: Sequence[dt.date], interval_days: int = DEFAULT_INTERVAL_DAYS
) -> list[CompliancePoint]:
    """For each day and key, the live operations and how many had an in-date joint review."""
    tallies: dict[tuple[dt.date, str], list[int]] = {}
    items = list(histories)
    for day in days:
        for h in items:
            if live_on(h, day) is None:
                continue
            t = tallies.setdefault((day, h.key), [0, 0])
            t[0] += 1
            if in_date_on(h, day, interval_days):
                t[1] += 1
    return [CompliancePoint(day=d, key=k, live=v[0], in_date=v[1]) for (d, k), v in sorted(tallies.items())]


def month_ends(today: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the `months` months up to today (today for the current month)."""
    out: list[dt.date] = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        last = first - dt.timedelta(days=1)
        out.append(last)
        first = last.replace(day=1)
    return sorted(out)
