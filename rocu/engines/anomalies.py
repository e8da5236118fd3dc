"""Access anomaly detection over audit events, in plain Python.

The engine knows nothing of rocu's apps: it sees generic facts (who, when, which kind
of processing, which records, how many rows, whether a search found nothing) and the
context the caller looked up (work links, the user's own and declared names and
addresses, records that concern the user). It works in two steps so that a scan can be
incremental: `aggregate` folds events into per-user, per-day features and findings
(cheap, one pass, mergeable), and `evaluate` scores each user-day against that user's
own earlier days. Every alert carries its reasons, so a counter-corruption investigator
can see why it was raised; every rule set carries a version.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

RULES_VERSION = "anomalies-v1"

DAY = 86_400


class Fact(NamedTuple):
    """One audit event as the engine sees it.

    `records` are the ids of the records the event touched; `listed` says they were
    rows of a list or search result rather than one record opened on purpose (only an
    opened record can be judged for a work link); `rows` is how many records it
    touched or disclosed (an export of 500 rows names no ids but counts 500);
    `empty_search` marks a search that found nothing.
    """

    seq: int
    at: float  # seconds since the epoch, UTC
    actor: int
    category: str
    action: str
    object_type: str
    records: tuple[str, ...]
    listed: bool
    rows: int
    empty_search: bool


@dataclass(frozen=True)
class SubjectKeys:
    """The identifying parts of a person, normalised with `normalise` / `normalise_postcode`."""

    surname: str = ""
    first_name: str = ""
    address: str = ""
    postcode: str = ""
    label: str = ""  # what to call the match in a reason ("declared association #4", "your own name")


@dataclass(frozen=True)
class Rules:
    """Thresholds and weights; a region changes them by publishing a new version."""

    version: str = RULES_VERSION
    alert_score: int = 50
    # Out of hours: before `day_starts` or from `day_ends`, local time.
    day_starts: int = 7
    day_ends: int = 20
    weekend_is_out_of_hours: bool = True
    baseline_days: int = 28
    baseline_min_days: int = 5
    no_link_per_record: int = 10
    no_link_cap: int = 50
    match_surname_and_address: int = 70
    match_address: int = 50
    match_full_name: int = 50
    match_own_surname: int = 20
    concerns_self: int = 70
    bulk_view_floor: int = 150
    bulk_view_factor: float = 4.0
    bulk_view_score: int = 60
    bulk_export_floor: int = 100
    bulk_export_factor: float = 4.0
    bulk_export_score: int = 80
    out_of_hours_floor: int = 20
    out_of_hours_factor: float = 3.0
    out_of_hours_score: int = 30
    fishing_floor: int = 8
    fishing_factor: float = 3.0
    fishing_score: int = 50
    max_reason_records: int = 20


DEFAULT_RULES = Rules()


class RulesError(ValueError):
    """A rules file that cannot be trusted: the message names the table and key at fault."""


# Where each threshold lives in a rules file (TOML/JSON): (table, key) -> Rules field.
# Tables keep related thresholds together; "" is the top level.
RULES_LAYOUT: dict[tuple[str, str], str] = {
    ("", "alert_score"): "alert_score",
    ("baseline", "days"): "baseline_days",
    ("baseline", "min_days"): "baseline_min_days",
    ("out_of_hours", "day_starts"): "day_starts",
    ("out_of_hours", "day_ends"): "day_ends",
    ("out_of_hours", "weekend"): "weekend_is_out_of_hours",
    ("out_of_hours", "floor"): "out_of_hours_floor",
    ("out_of_hours", "factor"): "out_of_hours_factor",
    ("out_of_hours", "score"): "out_of_hours_score",
    ("bulk_view", "floor"): "bulk_view_floor",
    ("bulk_view", "factor"): "bulk_view_factor",
    ("bulk_view", "score"): "bulk_view_score",
    ("bulk_export", "floor"): "bulk_export_floor",
    ("bulk_export", "factor"): "bulk_export_factor",
    ("bulk_export", "score"): "bulk_export_score",
    ("fishing", "floor"): "fishing_floor",
    ("fishing", "factor"): "fishing_factor",
    ("fishing", "score"): "fishing_score",
    ("no_work_link", "per_record"): "no_link_per_record",
    ("no_work_link", "cap"): "no_link_cap",
    ("association_match", "surname_and_address"): "match_surname_and_address",
    ("association_match", "address"): "match_address",
    ("association_match", "full_name"): "match_full_name",
    ("association_match", "own_surname"): "match_own_surname",
    ("concerns_self", "score"): "concerns_self",
    ("reasons", "max_records"): "max_reason_records",
}

# Inclusive bounds for whole-number thresholds; factors are checked apart (a real > 1).
_INT_BOUNDS: dict[str, tuple[int, int]] = {
    "alert_score": (1, 10_000),
    "baseline_days": (1, 366),
    "baseline_min_days": (1, 366),
    "day_starts": (0, 23),
    "day_ends": (1, 24),
    "max_reason_records": (1, 1000),
}
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")


def _name(table: str, key: str) -> str:
    return f"{table}.{key}" if table else key


def rules_from_mapping(data: Mapping[str, object]) -> Rules:
    """Rules from a parsed rules file; every threshold must be named, nothing else may be.

    A file that leaves a threshold out, misspells one, or gives a value out of range is
    refused with a message naming the key: a scan must never run on rules that differ
    from what the file appears to say.
    """
    if not isinstance(data, Mapping):
        raise RulesError("the rules file is not a table of settings")
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise RulesError(
            "version: give the rules a version of 1 to 30 letters, digits, '.', '_' or '-' "
            "(bump it on every change; each alert records it)"
        )
    tables = {t for t, _ in RULES_LAYOUT if t}
    known_top = {"version"} | tables | {k for t, k in RULES_LAYOUT if not t}
    unknown = sorted(k for k in data if k not in known_top)
    if unknown:
        raise RulesError(f"unknown setting(s): {', '.join(unknown)}")
    for table in sorted(tables):
        section = data.get(table)
        if not isinstance(section, Mapping):
            raise RulesError(f"[{table}]: the table is missing")
        wanted = {k for t, k in RULES_LAYOUT if t == table}
        extra = sorted(k for k in section if k not in wanted)
        if extra:
            raise RulesError(f"[{table}]: unknown setting(s): {', '.join(extra)}")
    values: dict[str, object] = {"version": version}
    for (table, key), attr in RULES_LAYOUT.items():
        section = data if not table else data[table]
        assert isinstance(section, Mapping)
        name = _name(table, key)
        if key not in section:
            raise RulesError(f"{name}: missing")
        value = section[key]
        default = getattr(DEFAULT_RULES, attr)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise RulesError(f"{name}: must be true or false")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float) or not 1.0 < float(value) <= 1000.0:
                raise RulesError(f"{name}: must be a number above 1 (a multiple of the user's usual day)")
            value = float(value)
        else:
            low, high = _INT_BOUNDS.get(attr, (0, 1_000_000))
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise RulesError(f"{name}: must be a whole number from {low} to {high}")
        values[attr] = value
    rules = Rules(**values)  # type: ignore[arg-type]
    if rules.day_starts >= rules.day_ends:
        raise RulesError("out_of_hours: day_starts must be before day_ends")
    if rules.baseline_min_days > rules.baseline_days:
        raise RulesError("baseline: min_days cannot be more than days")
    for name, floor in (
        ("bulk_view", rules.bulk_view_floor),
        ("bulk_export", rules.bulk_export_floor),
        ("out_of_hours", rules.out_of_hours_floor),
        ("fishing", rules.fishing_floor),
    ):
        if floor < 1:
            raise RulesError(f"{name}.floor: must be at least 1 (0 would judge every day)")
    return rules


def rules_fingerprint(rules: Rules) -> str:
    """A short digest of the thresholds themselves (not the version label).

    Two files with the same version but different thresholds get different
    fingerprints, so an edit made without bumping the version still shows on the alerts.
    """
    values = {k: v for k, v in asdict(rules).items() if k != "version"}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:12]


def rules_as_mapping(rules: Rules) -> dict[str, object]:
    """The inverse of `rules_from_mapping`: the nested layout of a rules file."""
    out: dict[str, object] = {"version": rules.version}
    for (table, key), attr in RULES_LAYOUT.items():
        target = out if not table else out.setdefault(table, {})
        assert isinstance(target, dict)
        target[key] = getattr(rules, attr)
    return out


# Feature positions in a day's counter list (kept as a list for speed in the hot loop).
EVENTS, VIEWED, EXPORTED, OUT_OF_HOURS, EMPTY_SEARCHES = range(5)
FEATURES = ("events", "viewed", "exported", "out_of_hours", "empty_searches")


@dataclass(slots=True)
class DayFeatures:
    """What one user did on one local day: counts, and records that need a second look.

    The record sets stay None until something needs a second look: a national year
    holds millions of user-days and most of them have nothing to note.
    """

    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    first_seq: int = 0
    last_seq: int = 0
    unlinked: set[tuple[str, str]] | None = None
    matched: dict[tuple[str, str], str] | None = None  # record -> "kind|label"
    concerning: set[tuple[str, str]] | None = None

    def merge(self, other: DayFeatures) -> None:
        for i, v in enumerate(other.counts):
            self.counts[i] += v
        if other.first_seq and (not self.first_seq or other.first_seq < self.first_seq):
            self.first_seq = other.first_seq
        self.last_seq = max(self.last_seq, other.last_seq)
        if other.unlinked:
            self.unlinked = (self.unlinked or set()) | other.unlinked
        if other.matched:
            self.matched = {**(self.matched or {}), **other.matched}
        if other.concerning:
            self.concerning = (self.concerning or set()) | other.concerning

    def as_dict(self) -> dict[str, int]:
        return dict(zip(FEATURES, self.counts, strict=True))


@dataclass(frozen=True)
class Reason:
    rule: str
    score: int
    text: str
    records: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Alert:
    actor: int
    day: int  # local day number (days since the epoch)
    score: int
    reasons: tuple[Reason, ...]
    first_seq: int
    last_seq: int
    version: str = RULES_VERSION


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", text.lower()).strip()


def normalise_postcode(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "", text.upper())


def normalise_address(text: str) -> str:
    """The first line of an address, lower case, single spaces: "12 High St." -> "12 high st"."""
    first = text.split(",")[0]
    return " ".join(normalise(first).split())


OffsetFn = Callable[[int], int]


def fixed_offset(seconds: int = 0) -> OffsetFn:
    return lambda _utc_day: seconds


def local_offsets(tz_name: str) -> OffsetFn:
    """A cached UTC offset per UTC day for a named zone (the switch hour is ignored)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz_name)
    cache: dict[int, int] = {}

    def offset(utc_day: int) -> int:
        found = cache.get(utc_day)
        if found is None:
            noon = dt.datetime.fromtimestamp(utc_day * DAY + DAY // 2, tz=dt.UTC).astimezone(zone)
            found = int(noon.utcoffset().total_seconds())  # type: ignore[union-attr]
            cache[utc_day] = found
        return found

    return offset


@dataclass
class Context:
    """What the caller knows about the users and records in a batch of facts.

    `personal_types` are the object types that hold personal data (only reads of those
    count as looking at people). `links[actor]` are the (type, id) records the user has
    a work link to; `linked_types` are the types for which a provider gave links at all
    (no link is only a finding where someone could have given one). `subjects` gives
    the identifying keys of records; `associations[actor]` the user's own name and
    declared associations; `concerns[actor]` the records of cases that concern them.
    """

    personal_types: frozenset[str]
    links: Mapping[int, set[tuple[str, str]]] = field(default_factory=dict)
    linked_types: frozenset[str] = frozenset()
    subjects: Mapping[tuple[str, str], SubjectKeys] = field(default_factory=dict)
    associations: Mapping[int, Sequence[SubjectKeys]] = field(default_factory=dict)
    concerns: Mapping[int, set[tuple[str, str]]] = field(default_factory=dict)
    offset: OffsetFn = field(default_factory=fixed_offset)


def match_kind(subject: SubjectKeys, known: SubjectKeys, *, own: bool) -> str:
    """How a record's person matches a known person, strongest first; "" for no match."""
    same_surname = bool(subject.surname) and subject.surname == known.surname
    same_address = bool(subject.postcode and subject.postcode == known.postcode) or bool(
        subject.address and subject.address == known.address
    )
    if same_surname and same_address:
        return "surname_and_address"
    if same_address:
        return "address"
    if same_surname and subject.first_name and subject.first_name == known.first_name:
        return "full_name"
    if own and same_surname:
        return "own_surname"
    return ""


_MATCH_RANK = {"surname_and_address": 4, "address": 3, "full_name": 2, "own_surname": 1}


def best_match(subject: SubjectKeys, known: Sequence[SubjectKeys]) -> tuple[str, str]:
    """(kind, label) of the strongest match against the user's own and declared people."""
    best, label = "", ""
    for person in known:
        kind = match_kind(subject, person, own=person.label == "your own name")
        if kind and _MATCH_RANK[kind] > _MATCH_RANK.get(best, 0):
            best, label = kind, person.label
    return best, label


def aggregate(
    facts: Iterable[Fact],
    context: Context,
    rules: Rules = DEFAULT_RULES,
    into: dict[tuple[int, int], DayFeatures] | None = None,
) -> dict[tuple[int, int], DayFeatures]:
    """Fold facts into {(actor, local day): DayFeatures}; the one pass over every event.

    Kept deliberately tight: 10 million events must fold in well under a minute.
    """
    days: dict[tuple[int, int], DayFeatures] = {} if into is None else into
    personal = context.personal_types
    links = context.links
    linked_types = context.linked_types
    subjects = context.subjects
    associations = context.associations
    concerns = context.concerns
    offset = context.offset
    starts, ends = rules.day_starts, rules.day_ends
    weekend = 5 if rules.weekend_is_out_of_hours else 7
    offsets: dict[int, int] = {}
    match_cache: dict[tuple[int, tuple[str, str]], tuple[str, str]] = {}
    empty: set[tuple[str, str]] = set()
    for seq, at, actor, category, _action, otype, records, listed, rows, empty_search in facts:
        ts = int(at)
        utc_day = ts // DAY
        off = offsets.get(utc_day)
        if off is None:
            off = offsets[utc_day] = offset(utc_day)
        local = ts + off
        day = local // DAY
        feats = days.get((actor, day))
        if feats is None:
            feats = days[(actor, day)] = DayFeatures(first_seq=seq)
        counts = feats.counts
        counts[0] += 1  # EVENTS
        feats.last_seq = seq
        if otype not in personal:
            continue
        if category == "consultation":
            counts[1] += rows  # VIEWED
            if empty_search:
                counts[4] += 1  # EMPTY_SEARCHES
        elif category == "disclosure":
            counts[2] += rows  # EXPORTED
        else:
            continue
        hour = (local % DAY) // 3600
        # 1970-01-01 was a Thursday: (day + 3) % 7 gives Monday = 0.
        if hour < starts or hour >= ends or (day + 3) % 7 >= weekend:
            counts[3] += rows  # OUT_OF_HOURS
        if not records:
            continue
        mine = links.get(actor, empty) if not listed and otype in linked_types else None
        known = associations.get(actor)
        concern = concerns.get(actor)
        if mine is None and not known and not concern:
            continue
        for rid in records:
            ref = (otype, rid)
            if mine is not None and ref not in mine:
                if feats.unlinked is None:
                    feats.unlinked = set()
                feats.unlinked.add(ref)
            if known:
                subject = subjects.get(ref)
                if subject is not None:
                    ck = (actor, ref)
                    found = match_cache.get(ck)
                    if found is None:
                        found = match_cache[ck] = best_match(subject, known)
                    if found[0]:
                        if feats.matched is None:
                            feats.matched = {}
                        feats.matched[ref] = f"{found[0]}|{found[1]}"
            if concern and ref in concern:
                if feats.concerning is None:
                    feats.concerning = set()
                feats.concerning.add(ref)
    return days


def _baseline(history: Sequence[int], rules: Rules) -> float | None:
    """The user's usual busy day: the 90th percentile of their earlier days, if known."""
    if len(history) < rules.baseline_min_days:
        return None
    ordered = sorted(history)
    return float(ordered[int(0.9 * (len(ordered) - 1))])


def _beyond(value: int, history: Sequence[int], floor: int, factor: float, rules: Rules) -> tuple[bool, str]:
    if value < floor:
        return False, ""  # the limit is never below the floor: no need for the baseline
    base = _baseline(history, rules)
    limit = floor if base is None else max(floor, factor * base)
    if value < limit:
        return False, ""
    if base is None:
        usual = "no earlier days to compare"
    elif base == 0:
        usual = "none on their earlier days"
    else:
        usual = f"up to {base:.0f} on their busy days"
    return True, usual


MATCH_TEXT = {
    "surname_and_address": "shares a surname and address with {label}",
    "address": "lives at the address of {label}",
    "full_name": "has the same name as {label}",
    "own_surname": "shares {label}'s surname",
}


def evaluate_day(
    actor: int,
    day: int,
    feats: DayFeatures,
    history: Sequence[Sequence[int]],
    rules: Rules = DEFAULT_RULES,
) -> Alert | None:
    """Score one user-day against the user's earlier days (`history`: their count lists)."""
    reasons: list[Reason] = []
    counts = feats.counts
    cap = rules.max_reason_records

    def column(i: int) -> list[int]:
        return [h[i] for h in history]

    if feats.matched:
        by_kind: dict[str, list[tuple[str, str]]] = {}
        labels: dict[str, set[str]] = {}
        for ref, tag in sorted(feats.matched.items()):
            kind, _, label = tag.partition("|")
            by_kind.setdefault(kind, []).append(ref)
            labels.setdefault(kind, set()).add(label)
        weights = {
            "surname_and_address": rules.match_surname_and_address,
            "address": rules.match_address,
            "full_name": rules.match_full_name,
            "own_surname": rules.match_own_surname,
        }
        for kind, refs in by_kind.items():
            text = MATCH_TEXT[kind].format(label=" and ".join(sorted(labels[kind])))
            reasons.append(
                Reason(
                    "association_match",
                    weights[kind],
                    f"Looked at {len(refs)} person record{'s' if len(refs) != 1 else ''} whose person {text}.",
                    tuple(refs[:cap]),
                )
            )
    if feats.concerning:
        refs = sorted(feats.concerning)
        reasons.append(
            Reason(
                "concerns_self",
                rules.concerns_self,
                f"Looked at {len(refs)} record{'s' if len(refs) != 1 else ''} of a case that concerns them.",
                tuple(refs[:cap]),
            )
        )
    if feats.unlinked:
        refs = sorted(feats.unlinked)
        score = min(rules.no_link_cap, rules.no_link_per_record * len(refs))
        reasons.append(
            Reason(
                "no_work_link",
                score,
                f"Looked at {len(refs)} person record{'s' if len(refs) != 1 else ''} with no work link "
                "(not on the record's team, not its author, not assigned to it).",
                tuple(refs[:cap]),
            )
        )
    hit, usual = _beyond(counts[VIEWED], column(VIEWED), rules.bulk_view_floor, rules.bulk_view_factor, rules)
    if hit:
        reasons.append(
            Reason("bulk_view", rules.bulk_view_score, f"Viewed {counts[VIEWED]} person records in a day ({usual}).")
        )
    hit, usual = _beyond(counts[EXPORTED], column(EXPORTED), rules.bulk_export_floor, rules.bulk_export_factor, rules)
    if hit:
        reasons.append(
            Reason(
                "bulk_export",
                rules.bulk_export_score,
                f"Exported {counts[EXPORTED]} person records in a day ({usual}).",
            )
        )
    hit, usual = _beyond(
        counts[OUT_OF_HOURS], column(OUT_OF_HOURS), rules.out_of_hours_floor, rules.out_of_hours_factor, rules
    )
    if hit:
        reasons.append(
            Reason(
                "out_of_hours",
                rules.out_of_hours_score,
                f"Touched {counts[OUT_OF_HOURS]} person records out of hours ({usual}).",
            )
        )
    hit, usual = _beyond(
        counts[EMPTY_SEARCHES], column(EMPTY_SEARCHES), rules.fishing_floor, rules.fishing_factor, rules
    )
    if hit:
        reasons.append(
            Reason(
                "fishing",
                rules.fishing_score,
                f"Ran {counts[EMPTY_SEARCHES]} searches that found nobody ({usual}).",
            )
        )
    score = sum(r.score for r in reasons)
    if score < rules.alert_score:
        return None
    reasons.sort(key=lambda r: -r.score)
    return Alert(actor, day, score, tuple(reasons), feats.first_seq, feats.last_seq, rules.version)


def evaluate(
    days: Mapping[tuple[int, int], DayFeatures],
    *,
    history: Mapping[int, Mapping[int, Sequence[int]]] | None = None,
    only: Iterable[tuple[int, int]] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> list[Alert]:
    """Alerts for the user-days in `only` (default: all of `days`).

    A day's baseline is the same user's `rules.baseline_days` days before it, taken
    from `days` and, for days not in this batch, from `history[actor][day]` (stored
    counts from earlier scans).
    """
    floors = (rules.bulk_view_floor, rules.bulk_export_floor, rules.out_of_hours_floor, rules.fishing_floor)
    candidates = []
    for key in only if only is not None else days.keys():
        feats = days[key]
        c = feats.counts
        if (
            feats.matched
            or feats.concerning
            or feats.unlinked
            or c[VIEWED] >= floors[0]
            or c[EXPORTED] >= floors[1]
            or c[OUT_OF_HOURS] >= floors[2]
            or c[EMPTY_SEARCHES] >= floors[3]
        ):
            candidates.append(key)
    # Below every floor no baseline can make a day unusual, so only candidates need one.
    past = history or {}
    alerts = []
    for actor, day in sorted(candidates):
        earlier: list[Sequence[int]] = []
        stored = past.get(actor, {})
        for d in range(day - rules.baseline_days, day):
            feats_then = days.get((actor, d))
            if feats_then is not None:
                earlier.append(feats_then.counts)
            elif d in stored:
                earlier.append(stored[d])
        alert = evaluate_day(actor, day, days[(actor, day)], earlier, rules)
        if alert is not None:
            alerts.append(alert)
    return alerts


def scan(facts: Iterable[Fact], context: Context, rules: Rules = DEFAULT_RULES) -> list[Alert]:
    """A full scan in one call: fold every fact, then judge every user-day."""
    return evaluate(aggregate(facts, context, rules), rules=rules)
