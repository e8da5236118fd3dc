"""Oversight deadlines: the PCC's 56-day response and reminders before any due date.

Plain Python so the arithmetic (month and year ends, leap years, catch-up after a
missed run) is tested in milliseconds. Police Act 1996 s.55 gives the PCC 56 days
from publication; rocu reminds at 28, 14, 7 and 1 days before a due date, then once
when it has passed. The rule set carries a version, so a changed schedule is visible.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

VERSION = "deadlines-v1"
RESPONSE_DAYS = 56
REMINDER_DAYS: tuple[int, ...] = (28, 14, 7, 1)
# The reminder sent once a due date has passed without the work being done.
OVERDUE = 0


def response_due(published: dt.date) -> dt.date:
    """The day the PCC's response must be published by (publication day + 56)."""
    return published + dt.timedelta(days=RESPONSE_DAYS)


def end_of_month(year: int, month: int) -> dt.date:
    """'By February 2022' in an inspection report means by the month's last day."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def reminder_dates(due: dt.date, days: Iterable[int] = REMINDER_DAYS) -> list[dt.date]:
    """When each reminder falls, earliest first."""
    return sorted(due - dt.timedelta(days=d) for d in days)


@dataclass(frozen=True)
class DeadlineState:
    due: dt.date
    days_left: int  # negative once overdue
    overdue: bool
    done: bool
    # The reminder (days before due, or OVERDUE) the state calls for today, if any.
    reminder: int | None

    @property
    def label(self) -> str:
        if self.done:
            return "done"
        if self.overdue:
            return f"overdue by {-self.days_left} day{'s' if self.days_left != -1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def reminder_to_send(
    due: dt.date, today: dt.date, already_sent: Iterable[int] = (), days: Iterable[int] = REMINDER_DAYS
) -> int | None:
    """The one reminder to send today, or None.

    The most urgent threshold crossed and not yet sent wins, so a run missed on the
    28-day mark does not send two reminders when it catches up at 13 days; a
    threshold is sent at most once however often the command runs.
    """
    sent = set(already_sent)
    left = (due - today).days
    if left < 0:
        return OVERDUE if OVERDUE not in sent else None
    crossed = [d for d in days if left <= d]
    if not crossed:
        return None
    most_urgent = min(crossed)
    return None if most_urgent in sent else most_urgent


def deadline_state(
    due: dt.date, today: dt.date, *, done: bool = False, already_sent: Iterable[int] = ()
) -> DeadlineState:
    left = (due - today).days
    return DeadlineState(
        due=due,
        days_left=left,
        overdue=not done and left < 0,
        done=done,
        reminder=None if done else reminder_to_send(due, today, already_sent),
    )
