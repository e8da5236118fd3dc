"""The anomaly engine on generated facts: planted patterns alert, ordinary days do not."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocu.engines import anomalies
from rocu.engines.anomalies import DAY, Context, Fact, SubjectKeys, aggregate, evaluate, scan

NOMINAL = "intelligence.nominal"
CTX = Context(personal_types=frozenset({NOMINAL}))


def _weekday(n: int) -> int:
    """The n-th working day (Monday to Friday) from a Monday, as a day number."""
    monday = 20_001 - (20_001 + 3) % 7  # the Monday on or before day 20001
    weeks, rest = divmod(n, 5)
    return monday + 7 * weeks + rest


def fact(seq: int, day: int, hour: float, actor: int, **kw: object) -> Fact:
    base = dict(
        category="consultation",
        action="intelligence.nominal.view",
        object_type=NOMINAL,
        records=("1",),
        listed=False,
        rows=1,
        empty_search=False,
    )
    base.update(kw)
    return Fact(seq, day * DAY + hour * 3600, actor, **base)  # type: ignore[arg-type]


def ordinary(actor: int, days: int, rng: random.Random, start_seq: int = 0) -> list[Fact]:
    out = []
    seq = start_seq
    for n in range(days):
        day = _weekday(n)
        for _ in range(rng.randint(2, 8)):
            seq += 1
            out.append(fact(seq, day, rng.uniform(8, 18), actor, records=(str(rng.randint(1, 30)),)))
        for _ in range(rng.randint(0, 3)):
            seq += 1
            ids = tuple(str(rng.randint(1, 30)) for _ in range(rng.randint(0, 10)))
            out.append(
                fact(
                    seq,
                    day,
                    rng.uniform(8, 18),
                    actor,
                    action="intelligence.nominal.list",
                    records=ids,
                    listed=True,
                    rows=len(ids),
                    empty_search=not ids,
                )
            )
    return out


def test_it_alerts_on_500_records_exported_at_three_in_the_morning():
    facts = ordinary(7, 10, random.Random(1))
    day = _weekday(10)
    facts.append(fact(10_000, day, 3.1, 7, category="disclosure", records=(), rows=500))
    alerts = scan(facts, CTX)
    assert [(a.actor, a.day) for a in alerts] == [(7, day)]
    assert {r.rule for r in alerts[0].reasons} == {"bulk_export", "out_of_hours"}
    assert alerts[0].score == sum(r.score for r in alerts[0].reasons)


def test_it_alerts_on_repeated_searches_that_find_nobody():
    facts = ordinary(3, 10, random.Random(2))
    day = _weekday(10)
    facts += [fact(20_000 + i, day, 15, 3, records=(), listed=True, rows=0, empty_search=True) for i in range(12)]
    alerts = scan(facts, CTX)
    assert [a.day for a in alerts] == [day]
    assert alerts[0].reasons[0].rule == "fishing"


def test_it_alerts_on_a_person_sharing_surname_and_address_with_a_declared_association():
    member = SubjectKeys(surname="kellow", first_name="jason", address="14 harbour view", postcode="PL40DX")
    declared = SubjectKeys(surname="kellow", first_name="dean", postcode="PL40DX", label="declared association #4")
    ctx = Context(
        personal_types=frozenset({NOMINAL}),
        subjects={(NOMINAL, "99"): member},
        associations={5: [declared]},
        links={5: {(NOMINAL, "1")}},
        linked_types=frozenset({NOMINAL}),
    )
    alerts = scan([fact(1, _weekday(0), 13, 5, records=("99",))], ctx)
    assert len(alerts) == 1
    rules = [r.rule for r in alerts[0].reasons]
    assert rules == ["association_match", "no_work_link"]
    assert "declared association #4" in alerts[0].reasons[0].text
    assert alerts[0].reasons[0].records == ((NOMINAL, "99"),)


def test_it_alerts_on_records_of_a_case_that_concerns_the_user():
    ctx = Context(personal_types=frozenset({NOMINAL}), concerns={5: {(NOMINAL, "42")}})
    alerts = scan([fact(1, _weekday(0), 10, 5, records=("42",))], ctx)
    assert [r.rule for r in alerts[0].reasons] == ["concerns_self"]


def test_it_does_not_judge_listed_rows_for_a_work_link():
    ctx = Context(personal_types=frozenset({NOMINAL}), linked_types=frozenset({NOMINAL}))
    ids = tuple(str(i) for i in range(20))
    facts = [fact(1, _weekday(0), 10, 5, records=ids, listed=True, rows=20)]
    assert scan(facts, ctx) == []
    opened = [fact(i + 1, _weekday(0), 10, 5, records=(str(i),)) for i in range(6)]
    assert [r.rule for r in scan(opened, ctx)[0].reasons] == ["no_work_link"]


def test_it_compares_bulk_viewing_with_the_users_own_baseline():
    busy = []
    seq = 0
    for n in range(10):
        for _ in range(3):
            seq += 1
            busy.append(fact(seq, _weekday(n), 11, 1, records=(), listed=True, rows=100))
    # Once five earlier days show 300 a day is this user's normal, 300 more is no alert...
    settled = {_weekday(n) for n in range(anomalies.DEFAULT_RULES.baseline_min_days, 10)}
    assert not [a for a in scan(busy, CTX) if a.day in settled]
    # ...but a newcomer's first 300-record day is beyond the floor.
    newcomer = [fact(1, _weekday(0), 11, 2, records=(), listed=True, rows=300)]
    assert [r.rule for r in scan(newcomer, CTX)[0].reasons] == ["bulk_view"]


def test_it_ignores_events_on_records_without_personal_data():
    facts = [fact(i, _weekday(0), 2, 1, object_type="threats.threat", rows=500) for i in range(5)]
    assert scan(facts, CTX) == []


def test_it_treats_weekends_as_out_of_hours():
    saturday = _weekday(4) + 1
    facts = [fact(1, saturday, 11, 1, records=(), listed=True, rows=25)]
    feats = aggregate(facts, CTX)[(1, saturday)]
    assert feats.counts[anomalies.OUT_OF_HOURS] == 25


def test_it_reads_local_time_from_a_named_zone():
    offset = anomalies.local_offsets("Europe/London")
    july = 19_905  # 2024-07-01
    january = 19_723  # 2024-01-01
    assert offset(july) == 3600
    assert offset(january) == 0


facts_strategy = st.lists(
    st.builds(
        fact,
        st.integers(1, 10_000),
        st.integers(_weekday(0), _weekday(20)),
        st.floats(0, 23.99),
        st.integers(1, 4),
        category=st.sampled_from(["consultation", "disclosure", "alteration"]),
        records=st.lists(st.sampled_from(["1", "2", "3", "99"]), max_size=3).map(tuple),
        listed=st.booleans(),
        rows=st.integers(0, 400),
        empty_search=st.booleans(),
    ),
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(facts_strategy, st.integers(0, 60))
def test_it_gives_the_same_alerts_when_the_facts_arrive_in_two_batches(facts, cut):
    facts = sorted(facts, key=lambda f: f.seq)
    whole = aggregate(facts, CTX)
    split = aggregate(facts[:cut], CTX)
    aggregate(facts[cut:], CTX, into=split)
    assert {k: v.counts for k, v in whole.items()} == {k: v.counts for k, v in split.items()}
    assert evaluate(whole) == evaluate(split)


@settings(max_examples=80, deadline=None)
@given(facts_strategy)
def test_it_scores_every_alert_as_the_sum_of_its_reasons_above_the_threshold(facts):
    for alert in scan(facts, CTX):
        assert alert.score == sum(r.score for r in alert.reasons)
        assert alert.score >= anomalies.DEFAULT_RULES.alert_score
        assert alert.reasons


@settings(max_examples=60, deadline=None)
@given(facts_strategy, facts_strategy)
def test_it_judges_each_user_only_on_their_own_events(mine, others):
    mine = [f._replace(actor=1) for f in mine]
    others = [f._replace(actor=2, seq=f.seq + 100_000) for f in others]
    alone = [a for a in scan(mine, CTX) if a.actor == 1]
    together = [a for a in scan(mine + others, CTX) if a.actor == 1]
    assert alone == together


def test_it_matches_names_after_normalising_them():
    assert anomalies.normalise("  O'Neill ") == "oneill"
    assert anomalies.normalise_postcode("pl4 0dx") == "PL40DX"
    assert anomalies.normalise_address("14 Harbour View, Plymouth") == "14 harbour view"
    own = SubjectKeys(surname="penrose", first_name="priya", label="your own name")
    assert anomalies.best_match(SubjectKeys(surname="penrose", first_name="tom"), [own])[0] == "own_surname"
    assert anomalies.best_match(SubjectKeys(surname="penrose", first_name="priya"), [own])[0] == "full_name"


# --- Rules from a file ------------------------------------------------------------------


def _layout(**changes: object) -> dict[str, object]:
    """The default rules in a file's nested layout, with `table.key` changes (None removes)."""
    data = anomalies.rules_as_mapping(anomalies.DEFAULT_RULES)
    for dotted, value in changes.items():
        table, _, key = dotted.rpartition("__")
        target = data if not table else data[table]
        assert isinstance(target, dict)
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return data


def test_it_reads_back_every_threshold_it_writes():
    assert anomalies.rules_from_mapping(_layout()) == anomalies.DEFAULT_RULES


def test_it_takes_each_threshold_from_its_table():
    rules = anomalies.rules_from_mapping(
        _layout(version="region-7", fishing__floor=12, out_of_hours__day_ends=19, bulk_export__factor=5)
    )
    assert (rules.version, rules.fishing_floor, rules.day_ends, rules.bulk_export_factor) == ("region-7", 12, 19, 5.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": None}, "version"),
        ({"version": "has spaces in it"}, "version"),
        ({"fishing__floor": None}, "fishing.floor: missing"),
        ({"fishing__flor": 8}, r"\[fishing\]: unknown setting\(s\): flor"),
        ({"fishin": {"floor": 8}}, r"unknown setting\(s\): fishin"),
        ({"bulk_view": None}, r"\[bulk_view\]: the table is missing"),
        ({"fishing__floor": "8"}, "fishing.floor: must be a whole number"),
        ({"fishing__floor": 8.5}, "fishing.floor: must be a whole number"),
        ({"fishing__floor": True}, "fishing.floor: must be a whole number"),
        ({"fishing__floor": 0}, "fishing.floor: must be at least 1"),
        ({"alert_score": 0}, "alert_score: must be a whole number from 1"),
        ({"bulk_view__factor": 1}, "bulk_view.factor: must be a number above 1"),
        ({"out_of_hours__weekend": "yes"}, "out_of_hours.weekend: must be true or false"),
        ({"out_of_hours__day_starts": 20, "out_of_hours__day_ends": 8}, "day_starts must be before day_ends"),
        ({"out_of_hours__day_ends": 25}, "out_of_hours.day_ends: must be a whole number from 1 to 24"),
        ({"baseline__min_days": 40}, "min_days cannot be more than days"),
    ],
)
def test_it_refuses_a_rules_file_naming_the_key_at_fault(changes, message):
    with pytest.raises(anomalies.RulesError, match=message):
        anomalies.rules_from_mapping(_layout(**changes))


def test_it_changes_which_days_alert_when_a_threshold_changes():
    searches = [fact(i, _weekday(0), 10, 1, empty_search=True, listed=True, records=(), rows=0) for i in range(10)]
    strict = anomalies.rules_from_mapping(_layout(version="strict", fishing__floor=8))
    relaxed = anomalies.rules_from_mapping(_layout(version="relaxed", fishing__floor=12))
    alerts = scan(searches, CTX, strict)
    assert [(a.actor, a.version) for a in alerts] == [(1, "strict")]
    assert scan(searches, CTX, relaxed) == []


def test_it_fingerprints_the_thresholds_not_the_version_label():
    base = anomalies.rules_from_mapping(_layout())
    relabelled = anomalies.rules_from_mapping(_layout(version="renamed"))
    edited = anomalies.rules_from_mapping(_layout(fishing__floor=9))
    assert anomalies.rules_fingerprint(base) == anomalies.rules_fingerprint(relabelled)
    assert anomalies.rules_fingerprint(base) != anomalies.rules_fingerprint(edited)
