"""MoPI review dates from a versioned configuration, in plain Python."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import retention
from rocu.engines.retention import RetentionConfigError, next_review, parse_config

CONFIG_FILE = Path(__file__).resolve().parents[2] / "rocu" / "records" / "retention.toml"
CONFIG = parse_config(tomllib.loads(CONFIG_FILE.read_text()))


def test_it_reads_the_repository_config_with_its_version():
    assert CONFIG.version == "mopi-1"
    assert sorted(CONFIG.groups) == [1, 2, 3]
    assert CONFIG.default_group == 3
    assert not CONFIG.rule(1).disposable


def test_it_reviews_group_3_six_years_after_the_record_last_changed():
    due = next_review(CONFIG, group=3, created=dt.date(2015, 3, 1), last_changed=dt.date(2019, 6, 30))
    assert due.next_review == dt.date(2025, 6, 30)
    assert "clear period" in due.why
    assert due.version == "mopi-1"


def test_it_reviews_group_2_every_ten_years_from_the_last_review():
    assert next_review(CONFIG, group=2, created=dt.date(2010, 1, 5), last_changed=dt.date(2020, 1, 1)).next_review == (
        dt.date(2020, 1, 5)
    )
    reviewed = next_review(
        CONFIG,
        group=2,
        created=dt.date(2010, 1, 5),
        last_changed=dt.date(2011, 1, 1),
        last_reviewed=dt.date(2021, 2, 2),
    )
    assert reviewed.next_review == dt.date(2031, 2, 2)


def test_it_moves_29_february_to_28_february():
    assert retention.add_years(dt.date(2024, 2, 29), 6) == dt.date(2030, 2, 28)


def test_it_refuses_to_dispose_under_legal_hold_or_in_group_1():
    assert retention.may_dispose(CONFIG, group=3, legal_hold=False) == (True, "")
    allowed, why = retention.may_dispose(CONFIG, group=3, legal_hold=True)
    assert not allowed
    assert "legal hold" in why
    allowed, why = retention.may_dispose(CONFIG, group=1, legal_hold=False)
    assert not allowed
    assert "retained" in why


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no version"),
        ({"version": "x"}, "no groups"),
        ({"version": "x", "groups": {"a": {"review_years": 3}}}, "not a number"),
        ({"version": "x", "groups": {"1": {"review_years": 0}}}, "review_years"),
        ({"version": "x", "groups": {"1": {"review_years": True}}}, "review_years"),
        ({"version": "x", "groups": {"1": {"review_years": 5, "clock": "lunar"}}}, "clock"),
        ({"version": "x", "groups": {"1": {"review_years": 5}}, "default_group": 7}, "default_group"),
    ],
)
def test_it_refuses_a_config_it_cannot_use_and_says_why(data, message):
    with pytest.raises(RetentionConfigError, match=message):
        parse_config(data)


def test_it_refuses_an_unknown_group():
    with pytest.raises(RetentionConfigError, match="no MoPI group 9"):
        next_review(CONFIG, group=9, created=dt.date(2020, 1, 1), last_changed=dt.date(2020, 1, 1))


dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2060, 12, 31))


@given(st.sampled_from([1, 2, 3]), dates, dates, st.none() | dates)
def test_it_never_sets_a_review_before_the_record_last_changed_or_was_reviewed(group, created, changed, reviewed):
    due = next_review(CONFIG, group=group, created=created, last_changed=changed, last_reviewed=reviewed)
    assert due.next_review > max(created, changed) or CONFIG.rule(group).clock == "interval"
    assert due.next_review > (reviewed or created)
    assert due.group == group
    assert due.version == CONFIG.version
