"""The linkage engine without a database: normalisation, dates, and linking invented people."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocu.engines import linkage
from rocu.engines.linkage_synthetic import build_scenario, iter_rows

MODEL = linkage.load_model()


def test_it_reads_both_date_formats_and_refuses_impossible_dates():
    assert linkage.parse_date("1990-02-14") == linkage.parse_date("14/02/1990") == "1990-02-14"
    assert linkage.parse_date("") is None
    for bad in ("31/02/1990", "1990-13-01", "14.02.1990", "1850-01-01"):
        with pytest.raises(ValueError):
            linkage.parse_date(bad)


def test_it_folds_nicknames_accents_and_transliterations():
    assert linkage.canonical_first("Bob") == linkage.canonical_first("ROBERT") == "robert"
    assert linkage.canonical_first("Zoë") == linkage.canonical_first("Zoe")
    assert linkage.canonical_surname("O'Brien") == linkage.canonical_surname("OBrien")
    assert linkage.phonetic("mohamed") == linkage.phonetic("muhammad")
    assert linkage.canonical_postcode("pl48aa") == "PL4 8AA"
    assert linkage.canonical_phone("+44 7700 900123") == linkage.canonical_phone("07700 900123")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.fixed_dictionaries({c: st.text(max_size=30) for c in linkage.PERSON_COLUMNS if c != "dob"}), max_size=8)
)
def test_it_prepares_any_text_without_failing(rows):
    frame = linkage.prepare([{**r, "id": str(i)} for i, r in enumerate(rows)], id_column="id")
    assert len(frame) == len(rows)
    assert set(frame.columns) >= {"unique_id", "full_name", "postcode_district", "surname_ph"}


@settings(max_examples=4, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_it_gives_probabilities_between_zero_and_one_and_finds_exact_copies(seed):
    scenario = build_scenario(holdings=300, referrals=20, seed=seed)
    holdings = pd.DataFrame(list(iter_rows(scenario.holdings)))
    copies = holdings.head(5).rename(columns={"person_id": "referral_id"})
    found = linkage.link_rows(subjects=copies, holdings=holdings, model=MODEL, threshold=0.01)
    assert all(0 <= c.match_probability <= 1 for c in found)
    best = {c.subject_id: c for c in linkage.best_first(found)[::-1]}
    for rid in copies["referral_id"]:
        assert best[rid].holding_id == rid or best[rid].match_probability >= 0.5


def test_it_explains_each_candidate_field_by_field():
    holdings = [{"person_id": "P1", "first_name": "Jim", "surname": "Rowe", "dob": "1980-01-02", "postcode": "PL1 1AA"}]
    subjects = [{"referral_id": "R1", "first_name": "James", "surname": "Rowe", "postcode": "PL1 1AA"}]
    (candidate,) = linkage.link_rows(subjects=subjects, holdings=holdings, model=MODEL, threshold=0.0001)
    rows = linkage.explain(candidate)
    assert [r["field"] for r in rows] == ["Name", "Date of birth", "Address", "Postcode", "Phone", "Email"]
    assert "name" in candidate.agreed_fields
    assert "postcode" in candidate.agreed_fields
    assert next(r for r in rows if r["field"] == "Date of birth")["weight"] == 0  # unknown on one side


def test_it_links_invented_uk_referrals_well():
    """A small sample (the full 0.92 target is measured by `make bench` at 100,000 holdings)."""
    scenario = build_scenario(holdings=5000, referrals=400, seed=77)
    found = linkage.link_rows(
        subjects=pd.DataFrame(list(iter_rows(scenario.referrals, "referral_id"))),
        holdings=pd.DataFrame(list(iter_rows(scenario.holdings))),
        model=MODEL,
        threshold=0.5,
    )
    predicted = {(c.subject_id, c.holding_id) for c in found}
    tp = len(predicted & scenario.true_pairs)
    precision, recall = tp / max(len(predicted), 1), tp / len(scenario.true_pairs)
    assert 2 * precision * recall / (precision + recall) >= 0.8


def test_a_warm_check_raises_the_same_pairs_as_a_cold_run_over_all_holdings():
    """Pre-blocking and precounted term frequencies change the cost of a warm check, not its answer."""
    scenario = build_scenario(holdings=3000, referrals=60, seed=11)
    holdings = linkage.prepare(pd.DataFrame(list(iter_rows(scenario.holdings))), id_column="person_id")
    subjects = linkage.prepare(
        pd.DataFrame(list(iter_rows(scenario.referrals, "referral_id"))), id_column="referral_id"
    )
    model = linkage.load_model()
    warm_holdings = linkage.WarmHoldings(holdings, model)
    raised = 0
    for i in range(0, 60, 20):  # batches, as referrals arrive, all on one warm connection
        batch = subjects.iloc[i : i + 20]
        cold = {
            (c.subject_id, c.holding_id): c.match_probability
            for c in linkage.link(subjects=batch, holdings=holdings, model=model, threshold=0.01)
        }
        warm = {(c.subject_id, c.holding_id): c.match_probability for c in warm_holdings.check(batch, threshold=0.01)}
        assert warm.keys() == cold.keys()
        for pair, probability in cold.items():
            assert warm[pair] == pytest.approx(probability, rel=1e-9)
        raised += len(cold)
    assert raised >= 10
    assert warm_holdings.check(subjects.iloc[0:0]) == []
    # A big batch (a bulk import) takes one whole-batch Splink run on the same warm table: same answer,
    # and the warm table is still there for the next small check.
    warm_holdings.MANY_SUBJECTS = 5
    batch = subjects.iloc[0:20]
    cold = {
        (c.subject_id, c.holding_id): c.match_probability
        for c in linkage.link(subjects=batch, holdings=holdings, model=model, threshold=0.01)
    }
    many = {(c.subject_id, c.holding_id): c.match_probability for c in warm_holdings.check(batch, threshold=0.01)}
    assert many.keys() == cold.keys()
    assert all(many[pair] == pytest.approx(p, rel=1e-9) for pair, p in cold.items())
    warm_holdings.MANY_SUBJECTS = 500
    assert {(c.subject_id, c.holding_id) for c in warm_holdings.check(batch.iloc[0:3])} == {
        pair for pair in cold if pair[0] in set(batch.iloc[0:3]["unique_id"])
    }
