"""The scoring engine: DOMAIN.md's arithmetic, in range, monotonic and deterministic."""

from __future__ import annotations

import time
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocu.engines import scoring
from rocu.threats.scale import SCALES_DIR

with (SCALES_DIR / "morile_v1.toml").open("rb") as fh:
    DATA = tomllib.load(fh)
SCALE = scoring.scale_from_mapping(DATA)
KEYS = SCALE.dimension_keys

harm = st.fixed_dictionaries({k: st.integers(0, 4) for k in KEYS})
inputs = st.builds(
    scoring.ScoreInput,
    harm=harm,
    likelihood=st.integers(1, 5),
    confidence=st.sampled_from(SCALE.confidence_levels),
    organisational_position=st.integers(1, 5),
    opportunity=st.integers(1, 5),
)


def _with(inp: scoring.ScoreInput, **changes: object) -> scoring.ScoreInput:
    return scoring.ScoreInput(
        harm=dict(changes.pop("harm", inp.harm)),  # type: ignore[arg-type]
        likelihood=changes.pop("likelihood", inp.likelihood),  # type: ignore[arg-type]
        confidence=inp.confidence,
        organisational_position=changes.pop("organisational_position", inp.organisational_position),  # type: ignore[arg-type]
        opportunity=changes.pop("opportunity", inp.opportunity),  # type: ignore[arg-type]
    )


def test_it_scores_the_worked_example_exactly():
    result = scoring.score(scoring.ScoreInput(harm=dict.fromkeys(KEYS, 2), likelihood=5, confidence="high"), SCALE)
    assert (result.harm, result.risk) == (50.0, 50.0)
    assert result.priority == 40.0  # risk x (0.6 + 0.1 + 0.1) at position 3, opportunity 3
    assert result.confidence == "high"
    assert result.scale_version == "morile-v1"


def test_it_gives_zero_and_one_hundred_at_the_ends():
    low = scoring.score(scoring.ScoreInput(harm=dict.fromkeys(KEYS, 0), likelihood=1, confidence="low"), SCALE)
    high = scoring.score(
        scoring.ScoreInput(
            harm=dict.fromkeys(KEYS, 4), likelihood=5, confidence="low", organisational_position=5, opportunity=5
        ),
        SCALE,
    )
    assert (low.harm, low.risk, low.priority) == (0.0, 0.0, 0.0)
    assert (high.harm, high.risk, high.priority) == (100.0, 100.0, 100.0)


@given(inputs)
def test_it_keeps_every_result_in_range(inp):
    r = scoring.score(inp, SCALE)
    assert 0 <= r.harm <= 100
    assert 0 <= r.risk <= 100
    assert 0 <= r.priority <= r.risk + 0.05


@given(inputs, st.sampled_from(KEYS))
def test_it_never_lowers_risk_when_a_harm_dimension_rises(inp, key):
    if inp.harm[key] == 4:
        return
    raised = _with(inp, harm={**inp.harm, key: inp.harm[key] + 1})
    assert scoring.score(raised, SCALE).risk >= scoring.score(inp, SCALE).risk


@given(inputs)
def test_it_never_lowers_risk_when_likelihood_rises(inp):
    if inp.likelihood == 5:
        return
    assert scoring.score(_with(inp, likelihood=inp.likelihood + 1), SCALE).risk >= scoring.score(inp, SCALE).risk


@given(inputs, st.sampled_from(["organisational_position", "opportunity"]))
def test_it_moves_priority_but_never_risk_with_position_and_opportunity(inp, name):
    if getattr(inp, name) == 5:
        return
    before = scoring.score(inp, SCALE)
    after = scoring.score(_with(inp, **{name: getattr(inp, name) + 1}), SCALE)
    assert after.risk == before.risk
    assert after.priority >= before.priority


@given(inputs, st.sampled_from(["low", "medium", "high"]))
def test_it_never_folds_confidence_into_the_score(inp, confidence):
    other = scoring.ScoreInput(inp.harm, inp.likelihood, confidence, inp.organisational_position, inp.opportunity)
    a, b = scoring.score(inp, SCALE), scoring.score(other, SCALE)
    assert (a.harm, a.risk, a.priority) == (b.harm, b.risk, b.priority)


@given(inputs)
def test_it_gives_the_same_result_for_the_same_inputs_and_version(inp):
    assert scoring.score(inp, SCALE) == scoring.score(inp, scoring.scale_from_mapping(DATA))
    assert scoring.score_many([inp, inp], SCALE) == [scoring.score(inp, SCALE)] * 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"harm": {**dict.fromkeys(KEYS, 1), "physical": 5}}, "physical"),
        ({"harm": {**dict.fromkeys(KEYS, 1), "physical": -1}}, "physical"),
        ({"harm": {k: 1 for k in KEYS if k != "scope"}}, "scope"),
        ({"harm": {**dict.fromkeys(KEYS, 1), "colour": 1}}, "colour"),
        ({"likelihood": 0}, "likelihood"),
        ({"likelihood": 6}, "likelihood"),
        ({"likelihood": True}, "likelihood"),
        ({"organisational_position": 9}, "organisational_position"),
        ({"opportunity": 0}, "opportunity"),
    ],
)
def test_it_refuses_out_of_range_input_naming_the_field(change, field):
    base = scoring.ScoreInput(harm=dict.fromkeys(KEYS, 1), likelihood=3, confidence="low")
    with pytest.raises(scoring.ScaleError) as err:
        scoring.score(_with(base, **change), SCALE)
    assert err.value.field == field


def test_it_refuses_an_unknown_confidence():
    with pytest.raises(scoring.ScaleError) as err:
        scoring.score(scoring.ScoreInput(harm=dict.fromkeys(KEYS, 1), likelihood=3, confidence="certain"), SCALE)
    assert err.value.field == "confidence"


def test_it_refuses_a_scale_whose_priority_weights_could_exceed_risk():
    bad = {**DATA, "priority": {"base": 0.8, "position_weight": 0.2, "opportunity_weight": 0.2}}
    with pytest.raises(scoring.ScaleError):
        scoring.scale_from_mapping(bad)


def test_it_refuses_a_scale_without_a_version_or_dimensions():
    with pytest.raises(scoring.ScaleError):
        scoring.scale_from_mapping({**DATA, "version": ""})
    with pytest.raises(scoring.ScaleError):
        scoring.scale_from_mapping({**DATA, "harm": {**DATA["harm"], "dimensions": []}})


def test_it_lists_only_what_changed_between_versions():
    before = {"Physical harm": 2, "Risk": 40.0, "Confidence": "Low"}
    after = {"Physical harm": 3, "Risk": 40.0, "Confidence": "High"}
    assert [(c.field, c.before, c.after) for c in scoring.changes(before, after)] == [
        ("Physical harm", 2, 3),
        ("Confidence", "Low", "High"),
    ]
    assert len(scoring.changes(None, after)) == 3


def test_it_scores_a_hundred_thousand_threats_in_about_a_second():
    batch = [
        scoring.ScoreInput(harm={k: (i + j) % 5 for j, k in enumerate(KEYS)}, likelihood=1 + i % 5, confidence="low")
        for i in range(100_000)
    ]
    began = time.perf_counter()
    results = scoring.score_many(batch, SCALE)
    assert len(results) == 100_000
    assert time.perf_counter() - began < 5  # generous for slow CI; the benchmark reports the figure
