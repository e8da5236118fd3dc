"""Records review and retention (the police information management code, MoPI groups).

Plain Python: the groups and their periods come from a versioned configuration (a
region may change them), and each answer records the version that produced it, so a
review date can always be explained. rocu's defaults (config version 1):

- group 1, certain public protection matters: retained; reviewed every 10 years to
  check the record is still accurate, never disposed of on a clock;
- group 2, other sexual, violent and serious offences: reviewed every 10 years;
- group 3, all other offences: reviewed after a 6-year clear period (6 years from the
  last time the record was added to or changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class RetentionConfigError(ValueError):
    """The configuration cannot be used; the message says which part and why."""


@dataclass(frozen=True)
class GroupRule:
    group: int
    name: str
    review_years: int
    # "interval": every `review_years` after the last review (or creation);
    # "clear_period": `review_years` after the record last changed.
    clock: str
    disposable: bool


@dataclass(frozen=True)
class RetentionConfig:
    version: str
    groups: Mapping[int, GroupRule]
    default_group: int

    def rule(self, group: int) -> GroupRule:
        try:
            return self.groups[group]
        except KeyError:
            raise RetentionConfigError(f"there is no MoPI group {group} in retention config {self.version}") from None


CLOCKS = ("interval", "clear_period")


def parse_config(data: Mapping[str, Any]) -> RetentionConfig:
    """Build a config from parsed TOML/JSON; refuse anything ambiguous, naming the part."""
    version = str(data.get("version", "")).strip()
    if not version:
        raise RetentionConfigError("the retention config has no version")
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, Mapping) or not raw_groups:
        raise RetentionConfigError("the retention config lists no groups")
    groups: dict[int, GroupRule] = {}
    for key, spec in raw_groups.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            raise RetentionConfigError(f"group {key!r} is not a number") from None
        if not isinstance(spec, Mapping):
            raise RetentionConfigError(f"group {number} is not a table")
        years = spec.get("review_years")
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100:
            raise RetentionConfigError(f"group {number}: review_years must be a whole number from 1 to 100")
        clock = spec.get("clock", "interval")
        if clock not in CLOCKS:
            raise RetentionConfigError(f"group {number}: clock must be one of {', '.join(CLOCKS)}")
        groups[number] = GroupRule(
            group=number,
            name=str(spec.get("name", f"Group {number}")),
            review_years=years,
            clock=clock,
            disposable=bool(spec.get("disposable", True)),
        )
    default = data.get("default_group", max(groups))
    if default not in groups:
        raise RetentionConfigError(f"default_group {default!r} is not one of the groups")
    return RetentionConfig(version=version, groups=groups, default_group=int(default))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class ReviewDue:
    group: int
    next_review: dt.date
    version: str
    why: str


def next_review(
    config: RetentionConfig,
    *,
    group: int,
    created: dt.date,
    last_changed: dt.date,
    last_reviewed: dt.date | None = None,
) -> ReviewDue:
    """When a record of `group` is next due for review, and why."""
    rule = config.rule(group)
    if last_changed < created:
        last_changed = created
    if rule.clock == "clear_period":
        start = max(last_changed, last_reviewed or last_changed)
        due = add_years(start, rule.review_years)
        why = f"{rule.review_years}-year clear period from {start.isoformat()}"
    else:
        start = last_reviewed or created
        due = add_years(start, rule.review_years)
        label = "last review" if last_reviewed else "creation"
        why = f"every {rule.review_years} years; {label} {start.isoformat()}"
    return ReviewDue(group=group, next_review=due, version=config.version, why=why)


def may_dispose(config: RetentionConfig, *, group: int, legal_hold: bool) -> tuple[bool, str]:
    """Whether a reviewer may decide to dispose of a record, and if not, why not."""
    if legal_hold:
        return False, "The record is under legal hold: lift the hold before disposing of it."
    rule = config.rule(group)
    if not rule.disposable:
        return False, f"Records in MoPI group {group} ({rule.name}) are retained, not disposed of."
    return True, ""
