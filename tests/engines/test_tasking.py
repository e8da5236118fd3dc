"""The tasking rule and flags: DOMAIN.md's thresholds, monotonic in risk and scope."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import tasking
from rocu.threats.scale import SCALES_DIR

with (SCALES_DIR / "morile_v1.toml").open("rb") as fh:
    RULE = tasking.rule_from_mapping(tomllib.load(fh))
TODAY = dt.date(2026, 6, 1)


def level(risk: float, scope: int = 0, forces: int = 1) -> str:
    return tasking.tasking_level(tasking.LevelInput(risk=risk, scope=scope, forces_affected=forces), RULE)


@pytest.mark.parametrize(
    ("risk", "scope", "forces", "expected"),
    [
        (70, 0, 1, "national"),
        (69.9, 0, 1, "regional"),
        (10, 4, 1, "national"),
        (40, 0, 1, "regional"),
        (39.9, 0, 1, "local"),
        (10, 0, 2, "regional"),
        (10, 3, 1, "regional"),
        (10, 2, 1, "local"),
    ],
)
def test_it_applies_rule_v1(risk, scope, forces, expected):
    assert level(risk, scope, forces) == expected


@given(st.floats(0, 100), st.floats(0, 100), st.integers(0, 4), st.integers(0, 5))
def test_it_never_lowers_the_level_as_risk_rises(a, b, scope, forces):
    low, high = sorted((a, b))
    assert tasking.level_rank(level(high, scope, forces)) >= tasking.level_rank(level(low, scope, forces))


@given(st.floats(0, 100), st.integers(0, 3), st.integers(0, 5))
def test_it_never_lowers_the_level_as_scope_or_forces_rise(risk, scope, forces):
    assert tasking.level_rank(level(risk, scope + 1, forces)) >= tasking.level_rank(level(risk, scope, forces))
    assert tasking.level_rank(level(risk, scope, forces + 1)) >= tasking.level_rank(level(risk, scope, forces))


def flags(**kw: object) -> tuple[str, ...]:
    base: dict[str, object] = dict(
        assessed_level="regional",
        held_by="rocu",
        is_priority=False,
        has_lro=False,
        has_plan=False,
        assessed_on=TODAY,
        today=TODAY,
    )
    base.update(kw)
    return tasking.flags_for(tasking.FlagInput(**base), RULE)  # type: ignore[arg-type]


def test_it_flags_a_regional_or_national_threat_held_by_a_force():
    assert flags(assessed_level="regional", held_by="force") == ("force_holds_regional",)
    assert flags(assessed_level="national", held_by="force") == ("force_holds_regional",)
    assert flags(assessed_level="local", held_by="force") == ()


def test_it_flags_a_rocu_working_below_its_level():
    assert flags(assessed_level="local", held_by="rocu") == ("rocu_below_level",)
    assert flags(assessed_level="regional", held_by="rocu") == ()


def test_it_flags_a_priority_without_an_lro_or_a_plan():
    assert flags(is_priority=True) == ("no_lro", "no_plan")
    assert flags(is_priority=True, has_lro=True, has_plan=True) == ()
    assert flags(is_priority=False) == ()


def test_it_flags_a_stale_or_missing_assessment():
    assert flags(assessed_on=TODAY - dt.timedelta(days=RULE.stale_after_days)) == ()
    assert flags(assessed_on=TODAY - dt.timedelta(days=RULE.stale_after_days + 1)) == ("stale",)
    assert flags(assessed_level=None, assessed_on=None) == ("stale",)


@given(
    st.sampled_from([None, "local", "regional", "national"]),
    st.sampled_from(["force", "rocu", "nca"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 400),
)
def test_it_returns_known_flags_in_a_fixed_order(assessed, held, priority, lro, plan, age):
    found = flags(
        assessed_level=assessed,
        held_by=held,
        is_priority=priority,
        has_lro=lro,
        has_plan=plan,
        assessed_on=None if assessed is None else TODAY - dt.timedelta(days=age),
    )
    assert list(found) == [f for f in tasking.FLAGS if f in found]
    assert ("force_holds_regional" in found and "rocu_below_level" in found) is False


def test_it_refuses_thresholds_that_fall_from_regional_to_national():
    with pytest.raises(ValueError):
        tasking.rule_from_mapping(
            {
                "tasking": {
                    "version": "x",
                    "national_risk": 30,
                    "regional_risk": 40,
                    "regional_scope": 3,
                    "national_scope": 4,
                    "stale_after_days": 10,
                }
            }
        )
