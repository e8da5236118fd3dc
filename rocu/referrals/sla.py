"""Service-level clocks in working days (England and Wales bank holidays).

DOMAIN.md: check within 2 working days of receipt, triage within 5. A referral received
on a Friday before a bank holiday Monday is due on the Wednesday, not the Tuesday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

CHECK_WITHIN = 2
TRIAGE_WITHIN = 5


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    added = 0
    while added < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


@dataclass(frozen=True)
class Clock:
    label: str  # "Check", "Triage"
    due: dt.date
    state: str  # "met", "missed", "due", "overdue"
    days_left: int  # working days (negative when overdue)

    @property
    def tag(self) -> str:
        return {"met": "green", "missed": "red", "overdue": "red", "due": "blue"}[self.state]


def clock(label: str, due: dt.date, done: dt.date | None, today: dt.date) -> Clock:
    if done is not None:
        return Clock(label, due, "met" if done <= due else "missed", 0)
    left = working_days_between(today, due)
    return Clock(label, due, "overdue" if today > due else "due", left)
