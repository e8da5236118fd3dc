"""Tasking levels and mismatch flags (DOMAIN.md "Tasking level").

The inspection found ROCUs working on threats below their level and forces holding
regional threats; these rules make that visible. They are data-driven (thresholds come
from the versioned scale file) and plain Python, so they can be recomputed on every
change and property-tested.

Level rule v1: risk >= national_risk or national scope -> national; risk >=
regional_risk or cross-force (two or more forces affected, or regional scope) ->
regional; else local.

Flags:
- `force_holds_regional` — assessed regional or national, held by a single force;
- `rocu_below_level` — held by the ROCU though assessed local;
- `no_lro` — an adopted priority with no lead responsible officer;
- `no_plan` — an adopted priority with no 4P plan;
- `stale` — no approved assessment within `stale_after_days` (or none at all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LOCAL, REGIONAL, NATIONAL = "local", "regional", "national"
LEVELS = (LOCAL, REGIONAL, NATIONAL)
HELD_BY_FORCE, HELD_BY_ROCU, HELD_BY_NCA = "force", "rocu", "nca"

FORCE_HOLDS_REGIONAL = "force_holds_regional"
ROCU_BELOW_LEVEL = "rocu_below_level"
NO_LRO = "no_lro"
NO_PLAN = "no_plan"
STALE = "stale"
FLAGS = (FORCE_HOLDS_REGIONAL, ROCU_BELOW_LEVEL, NO_LRO, NO_PLAN, STALE)


@dataclass(frozen=True)
class LevelRule:
    version: str
    national_risk: float
    regional_risk: float
    regional_scope: int
    national_scope: int
    stale_after_days: int


@dataclass(frozen=True)
class LevelInput:
    risk: float
    scope: int  # the "scope" harm dimension, 0-4
    forces_affected: int


@dataclass(frozen=True)
class FlagInput:
    assessed_level: str | None  # None: never assessed
    held_by: str
    is_priority: bool
    has_lro: bool
    has_plan: bool
    assessed_on: dt.date | None
    today: dt.date


def rule_from_mapping(data: Mapping[str, Any]) -> LevelRule:
    """Read the [tasking] table of a scale file."""
    t = data["tasking"]
    rule = LevelRule(
        version=str(t["version"]),
        national_risk=float(t["national_risk"]),
        regional_risk=float(t["regional_risk"]),
        regional_scope=int(t["regional_scope"]),
        national_scope=int(t["national_scope"]),
        stale_after_days=int(t["stale_after_days"]),
    )
    if not 0 <= rule.regional_risk <= rule.national_risk <= 100 or rule.regional_scope > rule.national_scope:
        raise ValueError("Tasking thresholds must rise from regional to national.")
    return rule


def tasking_level(inp: LevelInput, rule: LevelRule) -> str:
    if inp.risk >= rule.national_risk or inp.scope >= rule.national_scope:
        return NATIONAL
    if inp.risk >= rule.regional_risk or inp.forces_affected >= 2 or inp.scope >= rule.regional_scope:
        return REGIONAL
    return LOCAL


def is_stale(assessed_on: dt.date | None, today: dt.date, rule: LevelRule) -> bool:
    return assessed_on is None or (today - assessed_on).days > rule.stale_after_days


def flags_for(inp: FlagInput, rule: LevelRule) -> tuple[str, ...]:
    """Every flag that applies, in the fixed order of FLAGS."""
    found = []
    if inp.assessed_level in (REGIONAL, NATIONAL) and inp.held_by == HELD_BY_FORCE:
        found.append(FORCE_HOLDS_REGIONAL)
    if inp.assessed_level == LOCAL and inp.held_by == HELD_BY_ROCU:
        found.append(ROCU_BELOW_LEVEL)
    if inp.is_priority and not inp.has_lro:
        found.append(NO_LRO)
    if inp.is_priority and not inp.has_plan:
        found.append(NO_PLAN)
    if is_stale(inp.assessed_on, inp.today, rule):
        found.append(STALE)
    return tuple(found)


def level_rank(level: str | None) -> int:
    """Local 0, regional 1, national 2; unassessed -1 (sorts first)."""
    return LEVELS.index(level) if level in LEVELS else -1
