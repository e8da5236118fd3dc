"""The funding engine: financial-year arithmetic, funding against contract end dates,
capabilities below minimum, the cliff edge and scenarios, as plain Python."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import funding as f

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
maybe_days = st.one_of(st.none(), days)


@st.composite
def networks(draw):
    n_lines = draw(st.integers(min_value=1, max_value=6))
    lines = [
        f.FundingLine(id=i, region_id=draw(st.sampled_from([1, 2])), source="grant", end=draw(maybe_days))
        for i in range(1, n_lines + 1)
    ]
    posts = [
        f.Post(
            id=i,
            region_id=draw(st.sampled_from([1, 2])),
            capability=draw(st.sampled_from(["cyber", "economic", "riu"])),
            fte=draw(st.integers(min_value=10, max_value=100)),
            annual_cost_pence=draw(st.integers(min_value=0, max_value=10_000_000)),
            status=draw(st.sampled_from(f.POST_STATUSES)),
            funding_line_id=draw(st.integers(min_value=1, max_value=n_lines)),
            contract_end=draw(maybe_days),
        )
        for i in range(1, draw(st.integers(min_value=0, max_value=30)) + 1)
    ]
    caps = [
        f.Capability(region_id=r, code=c, minimum_fte=draw(st.integers(min_value=0, max_value=500)))
        for r in (1, 2)
        for c in ("cyber", "economic", "riu")
    ]
    changes = [
        f.NotRenewed(funding_line_id=draw(st.integers(min_value=1, max_value=n_lines)), from_date=draw(days))
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    return lines, posts, caps, changes


# --- Financial years ---------------------------------------------------------------


@given(days)
def test_it_puts_every_day_inside_its_financial_year(day):
    year = f.financial_year(day)
    assert f.fy_start(year) <= day <= f.fy_end(year)


@given(st.integers(min_value=1900, max_value=2200))
def test_it_makes_financial_years_follow_each_other_without_gaps(year):
    assert f.fy_end(year) + dt.timedelta(days=1) == f.fy_start(year + 1)
    assert f.financial_year(f.fy_start(year)) == year == f.financial_year(f.fy_end(year))
    assert f.parse_fy(f.fy_label(year)) == year


def test_it_starts_the_financial_year_on_the_first_of_april():
    assert f.financial_year(dt.date(2027, 3, 31)) == 2026
    assert f.financial_year(dt.date(2027, 4, 1)) == 2027
    assert f.fy_label(2026) == "2026/27"
    assert f.fy_label(1999) == "1999/00"


@pytest.mark.parametrize("text", ["2026/28", "26/27", "twenty", "", "2026/2", "2026-2028"])
def test_it_refuses_what_is_not_a_financial_year(text):
    with pytest.raises(ValueError):
        f.parse_fy(text)


@pytest.mark.parametrize(("text", "year"), [("2026/27", 2026), ("2026-27", 2026), ("2026/2027", 2026), ("2026", 2026)])
def test_it_reads_the_usual_ways_of_writing_a_financial_year(text, year):
    assert f.parse_fy(text) == year


# --- Funding against contracts ---------------------------------------------------------


def _post(pid=1, line=1, status=f.FILLED, contract_end=None, fte=100, cost=5_000_000, cap="cyber", region=1):
    return f.Post(pid, region, cap, fte, cost, status, line, contract_end)


def test_it_flags_a_post_whose_funding_ends_a_day_before_its_contract():
    ends = {1: dt.date(2028, 3, 31)}
    gaps = f.funding_before_contract([_post(contract_end=dt.date(2028, 4, 1))], ends)
    assert [(g.post_id, g.days_unfunded) for g in gaps] == [(1, 1)]


def test_it_does_not_flag_a_contract_ending_on_the_last_funded_day():
    ends = {1: dt.date(2028, 3, 31)}
    assert f.funding_before_contract([_post(contract_end=dt.date(2028, 3, 31))], ends) == []


def test_it_flags_a_permanent_contract_on_fixed_term_money_but_not_a_vacancy():
    ends = {1: dt.date(2028, 3, 31)}
    gaps = f.funding_before_contract([_post(pid=1), _post(pid=2, status=f.VACANT)], ends)
    assert [(g.post_id, g.contract_end, g.days_unfunded) for g in gaps] == [(1, None, None)]


def test_it_ignores_posts_on_recurrent_funding():
    assert f.funding_before_contract([_post(contract_end=dt.date(2030, 1, 1))], {1: None}) == []


@given(st.lists(st.tuples(maybe_days, maybe_days, st.sampled_from(f.POST_STATUSES)), max_size=20))
def test_it_flags_exactly_the_filled_posts_funded_for_less_than_their_contract(items):
    posts = [_post(pid=i, line=i, status=s, contract_end=c) for i, (_, c, s) in enumerate(items)]
    ends = {i: e for i, (e, _, _) in enumerate(items)}
    flagged = {g.post_id for g in f.funding_before_contract(posts, ends)}
    expected = {i for i, (e, c, s) in enumerate(items) if s == f.FILLED and e is not None and (c is None or e < c)}
    assert flagged == expected


# --- Scenario changes to funding ends ----------------------------------------------------


def test_it_makes_the_day_before_not_renewed_the_last_funded_day():
    lines = [f.FundingLine(1, 1, "grant", dt.date(2030, 3, 31))]
    ends = f.effective_ends(lines, [f.NotRenewed(1, dt.date(2027, 4, 1))])
    assert ends[1] == dt.date(2027, 3, 31)


def test_it_never_extends_funding_when_the_change_falls_after_the_end():
    lines = [f.FundingLine(1, 1, "grant", dt.date(2027, 3, 31))]
    assert f.effective_ends(lines, [f.NotRenewed(1, dt.date(2029, 4, 1))])[1] == dt.date(2027, 3, 31)


def test_it_takes_the_earliest_of_several_changes_to_one_line_and_ignores_unknown_lines():
    lines = [f.FundingLine(1, 1, "grant", None)]
    changes = [
        f.NotRenewed(1, dt.date(2029, 4, 1)),
        f.NotRenewed(1, dt.date(2028, 4, 1)),
        f.NotRenewed(9, dt.date(2028, 1, 1)),
    ]
    assert f.effective_ends(lines, changes) == {1: dt.date(2028, 3, 31)}


@given(networks())
def test_it_only_ever_shortens_funding_under_a_scenario(network):
    lines, _posts, _caps, changes = network
    before, after = f.effective_ends(lines), f.effective_ends(lines, changes)
    for line_id, end in after.items():
        assert before[line_id] is None or (end is not None and end <= before[line_id])


# --- Capabilities on a day --------------------------------------------------------------


def test_it_counts_a_capability_below_minimum_once_its_grant_ends():
    caps = [f.Capability(1, "cyber", 200)]
    posts = [_post(pid=i, line=1) for i in range(3)]
    ends = {1: dt.date(2028, 3, 31)}
    on_last_day = f.capability_positions(posts, caps, ends, dt.date(2028, 3, 31))[(1, "cyber")]
    next_day = f.capability_positions(posts, caps, ends, dt.date(2028, 4, 1))[(1, "cyber")]
    assert (on_last_day.staffed_fte, on_last_day.below_minimum) == (300, False)
    assert (next_day.staffed_fte, next_day.funded_fte, next_day.below_minimum) == (0, 0, True)


def test_it_counts_a_funded_post_whose_holder_has_left_as_vacant():
    caps = [f.Capability(1, "cyber", 0)]
    posts = [_post(pid=1, contract_end=dt.date(2027, 6, 30)), _post(pid=2, status=f.VACANT), _post(pid=3)]
    pos = f.capability_positions(posts, caps, {1: None}, dt.date(2027, 7, 1))[(1, "cyber")]
    assert (pos.funded_fte, pos.staffed_fte, pos.vacant_fte) == (300, 100, 200)
    assert pos.vacancy_rate == pytest.approx(2 / 3)


def test_it_does_not_count_seconded_out_posts_as_staffed_or_vacant():
    pos = f.capability_positions([_post(status=f.SECONDED_OUT)], [], {1: None}, dt.date(2027, 1, 1))[(1, "cyber")]
    assert (pos.funded_fte, pos.staffed_fte, pos.vacant_fte, pos.seconded_out_fte) == (100, 0, 0, 100)
    assert pos.vacancy_rate == 0


@given(networks(), days)
def test_it_adds_up_each_capability_from_its_staffed_vacant_and_seconded_parts(network, on):
    lines, posts, caps, changes = network
    ends = f.effective_ends(lines, changes)
    for pos in f.capability_positions(posts, caps, ends, on).values():
        assert pos.funded_fte == pos.staffed_fte + pos.vacant_fte + pos.seconded_out_fte
    staffed = sum(p.fte for p in posts if f.is_staffed(p, ends, on))
    assert staffed == f.position(posts, caps, ends, on).staffed_fte


# --- The cliff edge ------------------------------------------------------------------------


def test_it_puts_posts_lost_on_31_march_in_the_year_ending_then():
    posts = [_post(pid=1, line=1, cost=100), _post(pid=2, line=2, cost=10, cap="economic")]
    ends = {1: dt.date(2028, 3, 31), 2: dt.date(2028, 4, 1)}
    years = f.cliff_edge(posts, ends, 2026, 4)
    assert [(y.label, y.posts_lost, y.cost_lost_pence) for y in years] == [
        ("2026/27", 0, 0),
        ("2027/28", 1, 100),
        ("2028/29", 1, 10),
        ("2029/30", 0, 0),
    ]
    assert years[1].by_capability == {"cyber": [1, 100, 100]}


def test_it_counts_contracts_ending_only_while_their_post_is_still_funded():
    posts = [_post(pid=1, contract_end=dt.date(2027, 6, 1)), _post(pid=2, line=2, contract_end=dt.date(2027, 6, 1))]
    years = f.cliff_edge(posts, {1: None, 2: dt.date(2027, 5, 1)}, 2027, 1)
    assert years[0].contracts_ending == 1


@given(networks(), st.integers(min_value=2000, max_value=2100))
def test_it_loses_each_post_in_at_most_one_year_of_the_cliff_edge(network, first_year):
    lines, posts, _caps, changes = network
    ends = f.effective_ends(lines, changes)
    years = f.cliff_edge(posts, ends, first_year, 10)
    in_window = [
        p
        for p in posts
        if ends[p.funding_line_id] is not None
        and first_year <= f.financial_year(ends[p.funding_line_id]) < first_year + 10
    ]
    assert sum(y.posts_lost for y in years) == len(in_window)
    assert sum(y.cost_lost_pence for y in years) == sum(p.annual_cost_pence for p in in_window)


# --- Scenarios -------------------------------------------------------------------------------


def test_it_shows_what_a_grant_not_renewed_costs_the_capability():
    lines = [f.FundingLine(1, 1, "home_office_grant", dt.date(2030, 3, 31)), f.FundingLine(2, 1, "force", None)]
    caps = [f.Capability(1, "cyber", 250), f.Capability(1, "riu", 100)]
    posts = [_post(pid=i, line=1, cost=6_000_000) for i in range(1, 4)] + [_post(pid=9, line=2, cap="riu")]
    result = f.run_scenario(
        posts=posts,
        lines=lines,
        capabilities=caps,
        changes=[f.NotRenewed(1, dt.date(2028, 4, 1))],
        today=dt.date(2026, 11, 24),
        on=dt.date(2028, 4, 1),
    )
    assert result.posts_lost == [1, 2, 3]
    assert (result.fte_lost, result.cost_lost_pence) == (300, 18_000_000)
    assert result.capabilities_affected == [(1, "cyber")]
    assert result.newly_below_minimum == [(1, "cyber")]
    assert result.as_funded.staffed_fte == 400
    assert result.with_changes.staffed_fte == 100
    assert result.today.funded_posts == 4


def test_it_loses_nothing_when_the_change_comes_after_the_assessment_day():
    lines = [f.FundingLine(1, 1, "grant", None)]
    result = f.run_scenario(
        posts=[_post()],
        lines=lines,
        capabilities=[],
        changes=[f.NotRenewed(1, dt.date(2029, 4, 1))],
        today=dt.date(2026, 1, 1),
        on=dt.date(2028, 4, 1),
    )
    assert result.posts_lost == []
    assert result.capabilities_affected == []


@given(networks(), days, days)
def test_it_loses_exactly_the_posts_funded_as_recorded_and_unfunded_under_the_scenario(network, today, on):
    lines, posts, caps, changes = network
    result = f.run_scenario(posts=posts, lines=lines, capabilities=caps, changes=changes, today=today, on=on)
    recorded, changed = f.effective_ends(lines), f.effective_ends(lines, changes)
    expected = sorted(p.id for p in posts if f.is_funded(p, recorded, on) and not f.is_funded(p, changed, on))
    assert result.posts_lost == expected
    assert result.with_changes.funded_posts == result.as_funded.funded_posts - len(expected)
    assert result.as_funded.annual_cost_pence - result.with_changes.annual_cost_pence == result.cost_lost_pence
    assert result.with_changes.staffed_fte <= result.as_funded.staffed_fte
    assert set(result.newly_below_minimum) <= {(c.region_id, c.code) for c in result.with_changes.below_minimum}


@given(networks(), days)
def test_it_changes_nothing_with_an_empty_scenario(network, on):
    lines, posts, caps, _changes = network
    result = f.run_scenario(posts=posts, lines=lines, capabilities=caps, changes=[], today=on, on=on)
    assert result.posts_lost == []
    assert result.capabilities_affected == []
    assert result.newly_below_minimum == []
    assert result.as_funded.staffed_fte == result.with_changes.staffed_fte == result.today.staffed_fte


def test_it_totals_posts_fte_and_cost_by_an_attribute():
    totals = f.totals_by(
        [_post(pid=1, cost=5), _post(pid=2, cost=7, fte=50), _post(pid=3, cap="riu", cost=1)], "capability"
    )
    assert totals == {"cyber": [2, 150, 12], "riu": [1, 100, 1]}
