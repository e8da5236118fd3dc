"""Probabilistic record linkage of referral subjects against intelligence holdings.

Splink (Fellegi-Sunter) on DuckDB: each candidate pair gets a match probability and,
for each field, the weight of evidence it added, so an analyst can see why a pair was
raised. Names are canonicalised before comparison (nicknames and transliterations to
one form, accents folded, a phonetic key), because parcel labels carry "Bob" for
"Robert" and "Mohamed" for "Muhammad". Blocking never relies on one field alone, so a
subject with no date of birth is still found by name sound, postcode, phone or email.

The trained parameters are a versioned JSON file; the prior (how likely two random
records match) is set per run from the size of the holdings, since it falls as the
holdings grow. Plain Python: no Django, no rocu apps.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from rocu.engines.linkage_synthetic import FIRST_NAME_VARIANTS, SURNAME_VARIANTS

PERSON_COLUMNS = ("first_name", "surname", "dob", "address", "town", "postcode", "phone", "email")
# The fields an analyst sees evidence for, in the order shown.
FIELDS = ("name", "dob", "address", "postcode", "phone", "email")
FIELD_LABELS = {
    "name": "Name",
    "dob": "Date of birth",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone",
    "email": "Email",
}
DEFAULT_KNOWN_SHARE = 0.3
MIN_HOLDINGS_FOR_TERM_FREQUENCIES = 1000
PREPARED_COLUMNS = (
    "first_name",
    "surname",
    "full_name",
    "first_ph",
    "surname_ph",
    "first_initial",
    "dob",
    "dob_year",
    "address",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "postcode_area",
    "phone",
    "email",
    "email_user",
)
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "intelligence" / "models_linkage" / "rocu-linkage-v1.json"

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
)
_ADDRESS_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "cres": "crescent",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "apt": "flat",
    "apartment": "flat",
}


class LinkageInputError(ValueError):
    """A value the engine cannot read, naming the row and field so the caller can say so."""

    def __init__(self, message: str, *, row: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.row = row
        self.field = field


@dataclass(frozen=True)
class FieldEvidence:
    field: str
    level: str  # how the two values compared, in words
    weight: float  # log2 Bayes factor: positive supports a match, negative against

    @property
    def agreed(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True)
class Candidate:
    subject_id: str
    holding_id: str
    match_probability: float
    match_weight: float
    evidence: tuple[FieldEvidence, ...]

    @property
    def agreed_fields(self) -> list[str]:
        return [e.field for e in self.evidence if e.agreed]


@dataclass(frozen=True)
class LinkageModel:
    """Trained Splink settings plus rocu's own metadata (version, expected share known)."""

    version: str
    settings: dict[str, Any]
    known_share: float = DEFAULT_KNOWN_SHARE

    def to_json(self) -> str:
        return json.dumps(
            {"rocu": {"version": self.version, "known_share": self.known_share}, "splink": self.settings},
            indent=1,
            sort_keys=True,
        )


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> LinkageModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = data.get("rocu", {})
    return LinkageModel(
        version=str(meta.get("version", "unknown")),
        settings=data["splink"],
        known_share=float(meta.get("known_share", DEFAULT_KNOWN_SHARE)),
    )


# --------------------------------------------------------------------------- input


def parse_date(value: str) -> str | None:
    """ISO date from YYYY-MM-DD or DD/MM/YYYY; None when empty; ValueError when impossible."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            day = dt.date(parts["y"], parts["m"], parts["d"])  # raises on 31/02
            if day.year < 1900 or day > dt.date.today():  # noqa: DTZ011 - a calendar date, no zone
                raise ValueError("a date of birth must be after 1900 and not in the future")
            return day.isoformat()
    raise ValueError("use YYYY-MM-DD or DD/MM/YYYY")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case ASCII letters, digits and single spaces: accents and punctuation folded."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'", ""))
    return " ".join(text.split())


_FIRST = {fold(k): fold(v) for k, v in FIRST_NAME_VARIANTS.items()}
_SURNAME = {fold(k): fold(v) for k, v in SURNAME_VARIANTS.items()}


@lru_cache(maxsize=200_000)
def canonical_first(name: str) -> str:
    token = fold(name).split(" ")[0] if name else ""
    return _FIRST.get(token, token)


@lru_cache(maxsize=200_000)
def canonical_surname(name: str) -> str:
    folded = fold(name).replace(" ", "")
    return _SURNAME.get(folded, folded)


@lru_cache(maxsize=200_000)
def phonetic(name: str) -> str:
    import jellyfish

    return jellyfish.metaphone(name) if name else ""


@lru_cache(maxsize=200_000)
def canonical_address(address: str) -> str:
    words = [_ADDRESS_WORDS.get(w, w) for w in fold(address).split()]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def canonical_postcode(postcode: str) -> str:
    compact = re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())
    if len(compact) < 5 or len(compact) > 7:
        return ""
    return f"{compact[:-3]} {compact[-3:]}"


def canonical_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits[-10:] if len(digits) >= 9 else ""


def _map_unique(series: pd.Series, fn: Any) -> pd.Series:
    """Apply a Python function once per distinct value: holdings repeat names a lot."""
    uniques = series.unique()
    return series.map(dict(zip(uniques, (fn(u) for u in uniques), strict=True))).fillna("")


def prepare(records: pd.DataFrame | Iterable[Mapping[str, Any]], *, id_column: str) -> pd.DataFrame:
    """Normalised columns Splink compares; bad dates raise LinkageInputError naming the row."""
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    if frame.empty:
        return pd.DataFrame(columns=["unique_id", *PREPARED_COLUMNS])
    if id_column not in frame.columns:
        raise LinkageInputError(f"the column {id_column} is missing", field=id_column)
    for col in PERSON_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame.fillna("").astype(dict.fromkeys((id_column, *PERSON_COLUMNS), str))
    out = pd.DataFrame({"unique_id": frame[id_column].str.strip()})
    if "truth" in frame.columns:  # training data only: which human the record is about
        out["truth"] = frame["truth"]

    def dob_or_raise(value: str) -> str | None:
        try:
            return parse_date(value)
        except ValueError:
            return "!"

    dob = _map_unique(frame["dob"], dob_or_raise)
    bad = dob[dob == "!"]
    if len(bad):
        row = int(bad.index[0])
        raise LinkageInputError(
            f"row {row + 2}: the date of birth {frame['dob'].iloc[row]!r} is not a possible date (use YYYY-MM-DD or "
            "DD/MM/YYYY)",
            row=row + 2,
            field="dob",
        )
    first = _map_unique(frame["first_name"], canonical_first)
    surname = _map_unique(frame["surname"], canonical_surname)
    out["first_name"] = first
    out["surname"] = surname
    out["full_name"] = (first + " " + surname).str.strip()
    out["first_ph"] = _map_unique(first, phonetic)
    out["surname_ph"] = _map_unique(surname, phonetic)
    out["first_initial"] = first.str[:1]
    out["dob"] = dob
    out["dob_year"] = dob.str[:4]
    out["address"] = _map_unique(frame["address"], canonical_address)
    postcode = _map_unique(frame["postcode"], canonical_postcode)
    out["postcode"] = postcode
    out["postcode_sector"] = postcode.str[:-2]
    out["postcode_district"] = postcode.str.split(" ").str[0]
    out["postcode_area"] = out["postcode_district"].str.extract(r"^([A-Z]+)", expand=False)
    out["phone"] = _map_unique(frame["phone"], canonical_phone)
    out["email"] = _map_unique(frame["email"], lambda e: e.strip().lower() if "@" in e else "")
    out["email_user"] = out["email"].str.split("@").str[0]
    # Splink's null levels and blocking rules need NULL, not empty strings.
    out = out.replace({"": None})
    return out.astype(object).where(out.notna(), None)


# --------------------------------------------------------------------------- model


def _settings_creator(known_share_prior: float) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def lvl(level: Any, label: str) -> Any:
        return level.configure(label_for_charts=label)

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="Name",
        comparison_levels=[
            lvl(cll.NullLevel("surname"), "no surname"),
            lvl(cll.ExactMatchLevel("full_name", term_frequency_adjustments=True), "same name"),
            lvl(cll.ColumnsReversedLevel("first_name", "surname"), "same name, swapped round"),
            lvl(
                cll.And(cll.JaroWinklerLevel("first_name", 0.92), cll.JaroWinklerLevel("surname", 0.92)),
                "very similar name",
            ),
            lvl(
                cll.And(cll.ExactMatchLevel("first_ph"), cll.ExactMatchLevel("surname_ph")),
                "name sounds the same",
            ),
            lvl(
                cll.And(cll.JaroWinklerLevel("first_name", 0.8), cll.JaroWinklerLevel("surname", 0.88)),
                "similar name",
            ),
            lvl(
                cll.And(cll.ExactMatchLevel("surname"), cll.ExactMatchLevel("first_initial")),
                "same surname and initial",
            ),
            lvl(
                cll.And(cll.ExactMatchLevel("surname"), cll.NullLevel("first_name")),
                "same surname, no first name",
            ),
            lvl(
                cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
                "same surname, different first name",
            ),
            lvl(cll.ExactMatchLevel("first_name"), "same first name only"),
            lvl(cll.ElseLevel(), "different name"),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            lvl(cll.NullLevel("dob"), "not known on both"),
            lvl(cll.ExactMatchLevel("dob"), "same date"),
            lvl(cll.DamerauLevenshteinLevel("dob", 1), "one digit different"),
            lvl(
                cll.CustomLevel(
                    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) and substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                    "and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
                ),
                "day and month transposed",
            ),
            lvl(cll.ExactMatchLevel("dob_year"), "same year"),
            lvl(cll.ElseLevel(), "different"),
        ],
    )
    # Address and postcode are not independent: one house is one postcode. The address
    # carries their joint agreement; the postcode speaks only when the addresses differ.
    same_pc = cll.ExactMatchLevel("postcode")
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            lvl(cll.NullLevel("address"), "not known on both"),
            lvl(cll.And(cll.ExactMatchLevel("address"), same_pc), "same address and postcode"),
            lvl(cll.And(cll.JaroWinklerLevel("address", 0.9), same_pc), "similar address, same postcode"),
            lvl(cll.ExactMatchLevel("address"), "same address line, other postcode"),
            lvl(cll.JaroWinklerLevel("address", 0.9), "similar address line, other postcode"),
            lvl(cll.ElseLevel(), "different"),
        ],
    )
    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode",
        comparison_levels=[
            lvl(cll.NullLevel("postcode"), "not known on both"),
            lvl(
                cll.And(cll.ExactMatchLevel("postcode"), cll.JaroWinklerLevel("address", 0.9)),
                "same postcode (counted with the address)",
            ).configure(m_probability=0.5, u_probability=0.5, fix_m_probability=True, fix_u_probability=True),
            lvl(cll.ExactMatchLevel("postcode", term_frequency_adjustments=True), "same postcode"),
            lvl(cll.ExactMatchLevel("postcode_sector"), "same sector"),
            lvl(cll.ExactMatchLevel("postcode_district"), "same district"),
            lvl(cll.ExactMatchLevel("postcode_area"), "same area"),
            lvl(cll.ElseLevel(), "different"),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_description="Phone",
        comparison_levels=[
            lvl(cll.NullLevel("phone"), "not known on both"),
            lvl(cll.ExactMatchLevel("phone"), "same number"),
            lvl(cll.ElseLevel(), "different"),
        ],
    )
    email = cl.CustomComparison(
        output_column_name="email",
        comparison_description="Email",
        comparison_levels=[
            lvl(cll.NullLevel("email"), "not known on both"),
            lvl(cll.ExactMatchLevel("email"), "same email"),
            lvl(cll.ExactMatchLevel("email_user"), "same user name, other domain"),
            lvl(cll.JaroWinklerLevel("email", 0.9), "similar email"),
            lvl(cll.ElseLevel(), "different"),
        ],
    )
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=known_share_prior,
        comparisons=[name, dob, address, postcode, phone, email],
        blocking_rules_to_generate_predictions=BLOCKING_RULES(block_on),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


# Pairs worth scoring, as (left column, right column) equalities. No rule needs a date of
# birth alone; each misses a different error; the last catches first and last names swapped.
BLOCKING_KEYS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("surname_ph", "surname_ph"), ("first_initial", "first_initial")),
    (("postcode", "postcode"),),
    (("dob", "dob"),),
    (("phone", "phone"),),
    (("email", "email"),),
    (("first_ph", "first_ph"), ("postcode_district", "postcode_district")),
    (("first_name", "surname"), ("surname", "first_name")),
)


def BLOCKING_RULES(block_on: Any) -> list[Any]:
    """BLOCKING_KEYS as Splink blocking rules."""
    rules: list[Any] = []
    for rule in BLOCKING_KEYS:
        if all(left == right for left, right in rule):
            rules.append(block_on(*(left for left, _ in rule)))
        else:
            rules.append(" and ".join(f"l.{left} = r.{right}" for left, right in rule))
    return rules


def _db_api(connection: Any = None) -> Any:
    import logging

    import duckdb
    from splink import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)  # training notes are not the caller's business
    if connection is None:
        connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    return DuckDBAPI(connection=connection)


def train(
    *, subjects: pd.DataFrame, holdings: pd.DataFrame, version: str, known_share: float = DEFAULT_KNOWN_SHARE
) -> LinkageModel:
    """u from random pairs of the holdings; m from pairs known to be the same person.

    Both frames carry a `truth` column naming the human each record is about. rocu
    trains on invented people (linkage_synthetic) whose truth is known, because EM
    alone takes households (same surname, same address) for one person.
    """
    import logging

    from splink import Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    settings = _settings_creator(known_share / max(len(holdings), 1))
    linker = Linker([subjects, holdings], settings, db_api=_db_api(), set_up_basic_logging=False)
    linker.training.estimate_u_using_random_sampling(max_pairs=3_000_000, seed=1124)
    linker.training.estimate_m_from_label_column("truth")
    trained = linker.misc.save_model_to_json()
    return LinkageModel(version=version, settings=trained, known_share=known_share)


TRAINING_SEED = 20210210  # not the benchmark's seed, so the benchmark scores unseen people


def train_on_invented_people(*, version: str, holdings: int = 20_000, subjects: int = 3_000) -> LinkageModel:
    """The shipped model: trained on invented people whose truth is known."""
    from rocu.engines.linkage_synthetic import build_scenario

    scenario = build_scenario(holdings=holdings, referrals=subjects, seed=TRAINING_SEED)

    def frame(people: list[Any]) -> pd.DataFrame:
        return pd.DataFrame([{**p.row(), "truth": p.truth} for p in people])

    model = train(
        subjects=prepare(frame(scenario.referrals), id_column="person_id"),
        holdings=prepare(frame(scenario.holdings), id_column="person_id"),
        version=version,
    )
    return _fill_unobserved(model)


UNOBSERVED_M = 0.01


def _fill_unobserved(model: LinkageModel) -> LinkageModel:
    """A level never seen among true pairs in training is rare among matches: m = 0.01.

    (Splink leaves such m values empty, which would make e.g. "different date of birth"
    no evidence at all.) A level never seen among random pairs either says nothing.
    """
    for comparison in model.settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            if level.get("m_probability") is None:
                level["m_probability"] = UNOBSERVED_M
                if level.get("u_probability") is None:
                    level["u_probability"] = UNOBSERVED_M
            if level.get("u_probability") is None:
                level["u_probability"] = level["m_probability"]
    return model


# --------------------------------------------------------------------------- linking


def _level_labels(settings: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in settings["comparisons"]:
        col = comparison["output_column_name"]
        labels[col] = {
            int(level.get("comparison_vector_value", -1)): str(level.get("label_for_charts", ""))
            for level in comparison["comparison_levels"]
        }
        # Splink numbers levels from the last (0 = else) upward, null is -1.
        n = len(comparison["comparison_levels"])
        if all(k == -1 for k in labels[col]):
            labels[col] = {}
            for i, level in enumerate(comparison["comparison_levels"]):
                value = -1 if level.get("is_null_level") else n - 1 - i
                labels[col][value] = str(level.get("label_for_charts", ""))
    return labels


def _candidates(frame: pd.DataFrame, settings: Mapping[str, Any]) -> list[Candidate]:
    labels = _level_labels(settings)
    out: list[Candidate] = []
    cols = set(frame.columns)
    for row in frame.itertuples(index=False):
        r = row._asdict()
        evidence = []
        for field in FIELDS:
            gamma = int(r.get(f"gamma_{field}", -1))
            bf = float(r.get(f"bf_{field}", 1.0) or 1.0)
            tf = r.get(f"bf_tf_adj_{field}") if f"bf_tf_adj_{field}" in cols else None
            if tf is not None and not (isinstance(tf, float) and math.isnan(tf)):
                bf *= float(tf)
            weight = math.log2(bf) if bf > 0 else 0.0
            evidence.append(FieldEvidence(field, labels.get(field, {}).get(gamma, ""), round(weight, 3)))
        out.append(
            Candidate(
                subject_id=str(r["unique_id_l"]),
                holding_id=str(r["unique_id_r"]),
                match_probability=float(r["match_probability"]),
                match_weight=float(r["match_weight"]),
                evidence=tuple(evidence),
            )
        )
    return out


def _run_settings(model: LinkageModel, n_holdings: int) -> dict[str, Any]:
    settings = json.loads(json.dumps(model.settings))
    settings["probability_two_random_records_match"] = min(model.known_share / max(n_holdings, 1), 0.5)
    settings["link_type"] = "link_only"
    settings["retain_intermediate_calculation_columns"] = True
    settings["retain_matching_columns"] = True
    settings["linker_uid"] = "rocu"
    if n_holdings < MIN_HOLDINGS_FOR_TERM_FREQUENCIES:
        # Term frequencies from a handful of records say every name is common: drop them.
        for comparison in settings["comparisons"]:
            for level in comparison["comparison_levels"]:
                level.pop("tf_adjustment_column", None)
                level.pop("tf_adjustment_weight", None)
    return settings


def link(
    *,
    subjects: pd.DataFrame,
    holdings: pd.DataFrame,
    model: LinkageModel,
    threshold: float = 0.01,
) -> list[Candidate]:
    """Every (subject, holding) pair at or above `threshold`, best first for each subject.

    Both frames come from `prepare`. Subjects are the left side of every pair.
    """
    if not len(subjects) or not len(holdings):
        return []
    frame = _predict(subjects, holdings, model, threshold, connection=None)
    return _candidates(frame, model.settings)


def _predict(
    subjects: pd.DataFrame, holdings: Any, model: LinkageModel, threshold: float, *, connection: Any, n: int = 0
) -> pd.DataFrame:
    import uuid

    from splink import Linker

    n_holdings = n or len(holdings)
    settings = _run_settings(model, n_holdings)
    # A warm connection sees many checks: each registers its subjects under a new name.
    alias = "subjects" if connection is None else f"subjects_{uuid.uuid4().hex[:12]}"
    linker = Linker(
        [subjects, holdings],
        settings,
        db_api=_db_api(connection),
        input_table_aliases=[alias, "holdings"],
        set_up_basic_logging=False,
    )
    result = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return _subject_side_left(result, alias)


def _subject_side_left(result: pd.DataFrame, alias: str) -> pd.DataFrame:
    """Splink 4 orders a link_only pair by input alias; name the subject side first."""
    if len(result) and "source_dataset_l" in result.columns:
        swapped = result["source_dataset_l"] != alias
        if swapped.any():
            left, right = result.loc[swapped, "unique_id_l"].copy(), result.loc[swapped, "unique_id_r"].copy()
            result.loc[swapped, "unique_id_l"], result.loc[swapped, "unique_id_r"] = right, left
    return result.sort_values(["unique_id_l", "match_probability"], ascending=[True, False])


def link_rows(
    *,
    subjects: Iterable[Mapping[str, Any]] | pd.DataFrame,
    holdings: Iterable[Mapping[str, Any]] | pd.DataFrame,
    model: LinkageModel,
    threshold: float = 0.01,
    subject_id: str = "referral_id",
    holding_id: str = "person_id",
) -> list[Candidate]:
    """`link` for raw rows (CSV-shaped): normalises both sides first."""
    return link(
        subjects=prepare(subjects, id_column=subject_id),
        holdings=prepare(holdings, id_column=holding_id),
        model=model,
        threshold=threshold,
    )


class WarmHoldings:
    """Holdings normalised once and kept in DuckDB, so one subject checks in well under a second.

    A cold `link` spends most of a small check in Splink itself: building the linker and
    writing its SQL (seconds of sqlglot parsing) and recounting term frequencies over
    every holding. Here that work is done once. At start-up the holdings' value counts
    are kept, and Splink writes its scoring query once (`compare_two_records`, which
    scores every pair of two small tables and says which the blocking rules would have
    found); each check then only (1) picks the holdings a blocking rule pairs with a
    subject, (2) works out the term frequencies of the values involved from the kept
    counts, and (3) runs the stored query over those few rows, keeping the pairs the
    blocking rules find. The prior uses the full count of holdings, so each pair scores
    exactly as in a cold `link` of the same subjects against all the holdings.
    """

    SUBJECTS_PER_QUERY = 25  # the stored query scores subjects x candidates: keep that product small
    MANY_SUBJECTS = 500  # above this a whole-batch Splink run (a bulk import) is quicker than many small queries

    def __init__(self, holdings: pd.DataFrame, model: LinkageModel) -> None:
        import threading

        import duckdb

        self.model = model
        self._lock = threading.Lock()
        self.connection = duckdb.connect()
        self.connection.execute("SET enable_progress_bar = false")
        self.n = len(holdings)
        self.connection.register("holdings_df", holdings)
        self.connection.execute("create table holdings_warm as select * from holdings_df")
        self.connection.unregister("holdings_df")
        self.settings = _run_settings(model, self.n)
        self.tf_columns = _tf_columns(self.settings)
        self.tf_totals: dict[str, int] = {}
        for col in self.tf_columns:
            self.connection.execute(
                f"create table warm_count_{col} as select {col}, count(*) as n "  # noqa: S608 - names checked
                f"from holdings_warm where {col} is not null group by {col}"
            )
            total = self.connection.execute(f"select coalesce(sum(n), 0) from warm_count_{col}").fetchall()  # noqa: S608
            self.tf_totals[col] = int(total[0][0])
        self._query = self._scoring_query(holdings.head(1)) if self.n else ""

    def _scoring_query(self, probe: pd.DataFrame) -> str:
        """Splink's SQL scoring every subject x candidate pair, captured once with stable table names."""
        import re

        from splink import Linker

        linker = Linker(
            [probe, probe.copy()],
            self.settings,
            db_api=_db_api(self.connection),
            input_table_aliases=["warm_probe_l", "warm_probe_r"],
            set_up_basic_logging=False,
        )
        renames: dict[str, str] = {}
        for col in self.tf_columns:
            empty = pd.DataFrame({col: pd.Series([], dtype=object), f"tf_{col}": pd.Series([], dtype=float)})
            registered = linker.table_management.register_term_frequency_lookup(empty, col, overwrite=True)
            renames[registered.physical_name] = f"warm_q_tf_{col}"
        api = linker._db_api
        executed: list[str] = []
        original = api._execute_sql_against_backend

        def recording(sql: str) -> Any:
            executed.append(sql)
            return original(sql)

        api._execute_sql_against_backend = recording  # type: ignore[method-assign, assignment]
        try:
            scored = linker.inference.compare_two_records(probe, probe.copy(), include_found_by_blocking_rules=True)
        finally:
            api._execute_sql_against_backend = original  # type: ignore[method-assign]
        created = [sql for sql in executed if sql.lstrip().upper().startswith("CREATE TABLE")]
        if len(created) != 1:
            raise RuntimeError("Splink's scoring query has changed shape; the warm check cannot be compiled")
        query = re.sub(r"^\s*CREATE TABLE \S+ AS\s*", "", created[0], flags=re.IGNORECASE)
        for side, name in (("left", "warm_q_subjects"), ("right", "warm_q_candidates")):
            for physical in set(re.findall(rf"__splink__compare_two_records_{side}_[a-z0-9]+\b", query)):
                renames[physical] = name
        for physical in sorted(renames, key=len, reverse=True):
            query = re.sub(rf"\b{re.escape(physical)}\b", renames[physical], query)
        scored.drop_table_from_database_and_remove_from_cache()
        linker.table_management.delete_tables_created_by_splink_from_db()
        return query

    def check(self, subjects: pd.DataFrame, threshold: float = 0.01) -> list[Candidate]:
        """Candidates for these subjects: the stored query for a few, one Splink run for many."""
        if not len(subjects) or not self.n:
            return []
        if len(subjects) > self.MANY_SUBJECTS:
            with self._lock:
                return self._check_many(subjects, threshold)
        frames = []
        with self._lock:  # one DuckDB connection answers one check at a time
            for start in range(0, len(subjects), self.SUBJECTS_PER_QUERY):
                frames.append(self._score(subjects.iloc[start : start + self.SUBJECTS_PER_QUERY], threshold))
        found = [f for f in frames if len(f)]
        if not found:
            return []
        result = pd.concat(found, ignore_index=True)
        result = result.sort_values(["unique_id_l", "match_probability"], ascending=[True, False])
        return _candidates(result, self.model.settings)

    def _check_many(self, subjects: pd.DataFrame, threshold: float) -> list[Candidate]:
        """Splink's own blocking and scoring of the whole batch against the warm table."""
        import uuid

        from splink import Linker

        tag = uuid.uuid4().hex[:12]
        settings = dict(self.settings, linker_uid=f"rocu_{tag}")
        alias = f"subjects_{tag}"
        linker = Linker(
            [subjects, "holdings_warm"],
            settings,
            db_api=_db_api(self.connection),
            input_table_aliases=[alias, f"holdings_{tag}"],
            set_up_basic_logging=False,
        )
        try:
            result = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
        finally:
            linker.table_management.delete_tables_created_by_splink_from_db()
            self.connection.unregister(alias)
        return _candidates(_subject_side_left(result, alias), self.model.settings)

    def _score(self, subjects: pd.DataFrame, threshold: float) -> pd.DataFrame:
        con = self.connection
        con.register("warm_q_subjects", subjects)
        try:
            con.execute(
                "create or replace temp table warm_q_candidates as "
                + _blocked_holdings_sql("holdings_warm", "warm_q_subjects")
            )
            if not con.execute("select count(*) from warm_q_candidates").fetchall()[0][0]:
                return pd.DataFrame()
            for col in self.tf_columns:
                con.register(f"warm_q_tf_{col}", self._term_frequencies(col, "warm_q_subjects", "warm_q_candidates"))
            scored = con.sql(self._query).df()
        finally:
            con.unregister("warm_q_subjects")
            for col in self.tf_columns:
                con.unregister(f"warm_q_tf_{col}")
        keep = scored["found_by_blocking_rules"].astype(bool) & (scored["match_probability"] >= threshold)
        return scored[keep]

    def _term_frequencies(self, col: str, subjects: str, candidates: str) -> pd.DataFrame:
        """Splink's share for each value this check looks up, over holdings and subjects together.

        Only the values of these subjects and their candidates are needed, so the counts
        kept from start-up are read for a handful of values, never recounted.
        """
        sql = f"""
            with subject_counts as (
                select {col}, count(*) as n from {subjects} where {col} is not null group by {col}
            ), wanted as (
                select {col} from {subjects} where {col} is not null
                union select {col} from {candidates} where {col} is not null
            )
            select w.{col}, cast(coalesce(h.n, 0) + coalesce(s.n, 0) as double)
                / ((select coalesce(sum(n), 0) from subject_counts) + {self.tf_totals[col]}) as tf_{col}
            from wanted w
            left join warm_count_{col} h on h.{col} = w.{col}
            left join subject_counts s on s.{col} = w.{col}
        """  # noqa: S608 - column names from the model file (checked), table names generated here
        return self.connection.sql(sql).df()


def _tf_columns(settings: Mapping[str, Any]) -> list[str]:
    columns = sorted(
        {
            str(level["tf_adjustment_column"])
            for comparison in settings["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )
    if not all(col in PREPARED_COLUMNS for col in columns):
        raise ValueError(f"the model adjusts term frequencies on unknown columns: {columns}")
    return columns


def _blocked_holdings_sql(holdings: str, subjects: str) -> str:
    """Holdings that at least one blocking rule pairs with at least one subject.

    Every name here is a constant or a generated table name; nothing comes from input.
    """
    selects = [
        f"select h.unique_id from {holdings} h join {subjects} s on "  # noqa: S608
        + " and ".join(f"h.{left} = s.{right}" for left, right in rule)
        for rule in BLOCKING_KEYS
    ]
    return f"select * from {holdings} where unique_id in ({' union '.join(selects)})"  # noqa: S608


def explain(candidate: Candidate) -> list[dict[str, Any]]:
    """Evidence rows for a page or an export: field label, how it compared, weight."""
    return [
        {"field": FIELD_LABELS[e.field], "level": e.level, "weight": e.weight, "agreed": e.agreed}
        for e in candidate.evidence
    ]


def best_first(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (c.subject_id, -c.match_probability, c.holding_id))
