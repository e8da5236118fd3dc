"""Disruption grades v1 (DOMAIN.md) and the 4P balance, as plain rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import grading
from rocu.engines.grading import MAJOR, MAJOR_MIN_WEEKS, MINOR, MINOR_MAX_WEEKS, MODERATE, PS, balance, check_grade

weeks = st.integers(min_value=0, max_value=520)


@pytest.mark.parametrize(
    ("grade", "impact_weeks", "ok"),
    [
        (MAJOR, 26, True),  # six months: a principal charged, a supply route closed
        (MAJOR, 25, False),
        (MODERATE, 5, True),  # weeks to months: a key member arrested
        (MODERATE, 0, True),
        (MINOR, 4, True),  # short-term: a warning, an account frozen
        (MINOR, 5, False),
        ("severe", 10, False),
        (MINOR, -1, False),
    ],
)
def test_it_applies_the_grade_definitions_at_their_edges(grade, impact_weeks, ok):
    assert check_grade(grade, impact_weeks).ok is ok


def test_it_explains_every_refusal():
    assert "6 months" in check_grade(MAJOR, 1).reason
    assert "more than minor" in check_grade(MINOR, 30).reason
    assert "Unknown grade" in check_grade("", 3).reason


def test_it_defines_every_grade():
    assert set(grading.DEFINITIONS) == set(grading.GRADES)


@given(weeks)
def test_it_always_lets_a_claim_be_graded_moderate(impact_weeks):
    assert check_grade(MODERATE, impact_weeks).ok


@given(weeks)
def test_it_never_lets_major_and_minor_both_fit(impact_weeks):
    assert not (check_grade(MAJOR, impact_weeks).ok and check_grade(MINOR, impact_weeks).ok)


@given(weeks)
def test_it_grades_major_exactly_from_six_months(impact_weeks):
    assert check_grade(MAJOR, impact_weeks).ok is (impact_weeks >= MAJOR_MIN_WEEKS)
    assert check_grade(MINOR, impact_weeks).ok is (impact_weeks <= MINOR_MAX_WEEKS)


@given(st.integers(max_value=-1), st.sampled_from(grading.GRADES))
def test_it_refuses_a_negative_impact_whatever_the_grade(impact_weeks, grade):
    assert not check_grade(grade, impact_weeks).ok


def test_it_shows_an_empty_balance_as_nothing_dominating():
    b = balance([])
    assert b.total == 0
    assert b.dominant is None
    assert b.evenness == 0.0
    assert not b.pursue_dominates


def test_it_flags_pursue_dominating():
    b = balance(["pursue"] * 6 + ["prevent"] * 2 + ["protect"])
    assert b.dominant == "pursue"
    assert b.pursue_dominates
    assert balance(dict.fromkeys(PS, 3)).evenness == 1.0


def test_it_ignores_what_is_not_a_p_and_negative_counts():
    b = balance({"pursue": 2, "other": 9, "prevent": -4})
    assert b.total == 2
    assert b.counts["prevent"] == 0


@given(st.lists(st.sampled_from([*PS, "not-a-p"]), max_size=200))
def test_it_keeps_shares_and_evenness_in_zero_to_one(items):
    b = balance(items)
    assert b.total == sum(1 for i in items if i in PS)
    assert sum(b.counts.values()) == b.total
    for share in b.shares.values():
        assert 0.0 <= share <= 1.0
    if b.total:
        assert sum(b.shares.values()) == pytest.approx(1.0)
        assert b.counts[b.dominant] == max(b.counts.values())
    assert 0.0 <= b.evenness <= 1.0


@given(st.dictionaries(st.sampled_from(PS), st.integers(min_value=0, max_value=10_000)))
def test_it_counts_a_mapping_as_the_same_balance_as_a_list(counts):
    as_list = [p for p, n in counts.items() for _ in range(min(n, 50))]
    capped = {p: min(n, 50) for p, n in counts.items()}
    assert balance(capped).counts == balance(as_list).counts
