"""The anomaly scan: the audit trail read incrementally into rocu/engines/anomalies.py.

The scan remembers the last audit sequence number it read (ScanState) and each user's
daily counts (ActorDay), so a scan of one day's new events judges that day against
weeks of earlier days without re-reading them. `full=True` starts again from event 1.
The thresholds come from the rules file in force (rules.py); each alert and each scan
records the version and fingerprint of the rules it ran under.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import GroupMembership, User
from rocu.audit.models import AuditEvent, Category
from rocu.audit.services import audit_record
from rocu.counter_corruption import links as work
from rocu.counter_corruption.models import ActorDay, Alert, AlertStatus, Case, Declaration, ScanState
from rocu.counter_corruption.rules import RulesInForce, rules_in_force
from rocu.engines import anomalies
from rocu.engines.anomalies import DayFeatures, Fact, SubjectKeys
from rocu.records.registry import personal_object_types, retained_model

EPOCH = dt.date(1970, 1, 1)
CHUNK = 20_000
DAY_FIELDS = [
    "events",
    "viewed",
    "exported",
    "out_of_hours",
    "empty_searches",
    "first_seq",
    "last_seq",
    "unlinked",
    "matched",
    "concerning",
]
_FIELDS = ("seq", "occurred_at", "actor_id", "category", "action", "object_type", "object_id", "detail")


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def day_date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=number)


def to_fact(row: tuple[Any, ...]) -> Fact | None:
    """One audit row as an engine fact; events without a signed-in actor are skipped."""
    seq, occurred_at, actor_id, category, action, object_type, object_id, detail = row
    if actor_id is None:
        return None
    detail = detail if isinstance(detail, dict) else {}
    ids = detail.get("ids")
    records: tuple[str, ...] = (object_id,) if object_id else ()
    listed = False
    if isinstance(ids, list):
        records += tuple(str(i) for i in ids if not isinstance(i, dict | list))
        rows = len(ids)
        listed = not object_id
    elif isinstance(detail.get("rows"), int):
        rows = int(detail["rows"])
    elif isinstance(detail.get("count"), int):
        rows = int(detail["count"])
    else:
        rows = 1 if object_id else 0
    empty = bool(detail.get("searched")) and detail.get("results") == 0
    return Fact(
        seq, occurred_at.timestamp(), int(actor_id), category, action, object_type, records, listed, max(0, rows), empty
    )


def _subject_keys(object_type: str, ids: Iterable[str]) -> dict[tuple[str, str], SubjectKeys]:
    entry = retained_model(object_type)
    if entry is None or not entry.subject.surname:
        return {}
    s = entry.subject
    names = [n for n in (s.surname, s.first_name, s.address, s.postcode) if n]
    wanted = [i for i in ids if i.isdigit()]
    out = {}
    for row in entry.model._default_manager.filter(pk__in=wanted).values("pk", *names):
        out[(object_type, str(row["pk"]))] = SubjectKeys(
            surname=anomalies.normalise(row.get(s.surname) or ""),
            first_name=anomalies.normalise(row.get(s.first_name) or "") if s.first_name else "",
            address=anomalies.normalise_address(row.get(s.address) or "") if s.address else "",
            postcode=anomalies.normalise_postcode(row.get(s.postcode) or "") if s.postcode else "",
        )
    return out


def _associations(actor_ids: Iterable[int]) -> dict[int, list[SubjectKeys]]:
    ids = list(actor_ids)
    out: dict[int, list[SubjectKeys]] = defaultdict(list)
    for pk, first, last in User.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name"):
        if last:
            out[pk].append(
                SubjectKeys(
                    surname=anomalies.normalise(last), first_name=anomalies.normalise(first), label="your own name"
                )
            )
    declared = Declaration.objects.filter(declarant_id__in=ids, withdrawn_at__isnull=True)
    for d in declared:
        if not (d.surname or d.address or d.postcode):
            continue
        out[d.declarant_id].append(
            SubjectKeys(
                surname=anomalies.normalise(d.surname),
                first_name=anomalies.normalise(d.first_name),
                address=anomalies.normalise_address(d.address),
                postcode=anomalies.normalise_postcode(d.postcode),
                label=f"declared association #{d.pk}",
            )
        )
    return dict(out)


def _concerns(actor_ids: Iterable[int]) -> dict[int, set[tuple[str, str]]]:
    """Records named in counter-corruption cases about the user, and any registered concerns."""
    ids = set(actor_ids)
    out: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for case in Case.objects.filter(subject_id__in=ids).prefetch_related("alerts"):
        for alert in case.alerts.all():
            for reason in alert.reasons:
                for ref in reason.get("records", []):
                    if isinstance(ref, list) and len(ref) == 2:
                        out[case.subject_id].add((str(ref[0]), str(ref[1])))
    for provider in work.concern_providers():
        for actor in ids:
            out[actor] |= provider(actor)
    return {k: v for k, v in out.items() if v}


def build_context(facts: list[Fact]) -> anomalies.Context:
    """Look up what the engine needs to know about the users and records in these facts."""
    personal = personal_object_types()
    wanted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for f in facts:
        if f.object_type in personal and f.records and f.category in (Category.CONSULTATION, Category.DISCLOSURE):
            wanted[(f.actor, f.object_type)].update(f.records)
    actors = {a for a, _ in wanted}
    groups: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in GroupMembership.objects.filter(user_id__in=actors).values_list("user_id", "group_id"):
        groups[user_id].add(group_id)
    link_map: dict[int, set[tuple[str, str]]] = defaultdict(set)
    by_type: dict[str, dict[int, set[str]]] = defaultdict(dict)
    for (actor, otype), ids in wanted.items():
        by_type[otype][actor] = ids
    for otype, per_user in by_type.items():
        for actor, linked in work.work_links(otype, per_user, groups).items():
            link_map[actor] |= {(otype, rid) for rid in linked}
    subjects: dict[tuple[str, str], SubjectKeys] = {}
    for otype, per_user in by_type.items():
        subjects.update(_subject_keys(otype, {i for ids in per_user.values() for i in ids}))
    return anomalies.Context(
        personal_types=personal,
        links=dict(link_map),
        linked_types=personal,
        subjects=subjects,
        associations=_associations(actors),
        concerns=_concerns(actors),
        offset=anomalies.local_offsets(settings.TIME_ZONE),
    )


def _ref(item: str) -> tuple[str, str]:
    kind, _, pk = item.partition(":")
    return kind, pk


def _refs(items: Iterable[str]) -> set[tuple[str, str]]:
    return {_ref(i) for i in items if ":" in i}


def _stored(row: ActorDay) -> DayFeatures:
    return DayFeatures(
        counts=[row.events, row.viewed, row.exported, row.out_of_hours, row.empty_searches],
        first_seq=row.first_seq,
        last_seq=row.last_seq,
        unlinked=_refs(row.unlinked),
        matched={_ref(k): v for k, v in row.matched.items() if ":" in k},
        concerning=_refs(row.concerning),
    )


@dataclass
class ScanResult:
    events: int = 0
    user_days: int = 0
    alerts_raised: int = 0
    alerts_updated: int = 0
    last_seq: int = 0
    full: bool = False
    rules: str = ""
    # The rules changed since the last full scan: days counted before the change keep
    # the old out-of-hours window until a full scan recounts them.
    rules_changed_since_full_scan: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Progress = Callable[[int, int, str], None]


def _reason_json(reason: anomalies.Reason, basis: str) -> dict[str, Any]:
    text = reason.text
    if reason.rule == "no_work_link":
        text += f" rocu's work links for these records so far: the user {basis}."
    return {"rule": reason.rule, "score": reason.score, "text": text, "records": [list(r) for r in reason.records]}


def _save_alerts(found: list[anomalies.Alert], result: ScanResult, in_force: RulesInForce) -> None:
    if not found:
        return
    regions = dict(User.objects.filter(pk__in={a.actor for a in found}).values_list("pk", "region_id"))
    now = timezone.now()
    for a in found:
        if a.actor not in regions:
            continue
        day = day_date(a.day)
        reasons = [_reason_json(r, work.DEFAULT_LINK_BASIS) for r in a.reasons]
        values = {
            "score": a.score,
            "reasons": reasons,
            "rules": sorted({r.rule for r in a.reasons}),
            "rules_version": a.version,
            "rules_fingerprint": in_force.fingerprint,
            "first_seq": a.first_seq,
            "last_seq": a.last_seq,
        }
        existing = Alert.objects.filter(subject_id=a.actor, day=day).first()
        if existing is None:
            Alert.objects.create(subject_id=a.actor, region_id=regions[a.actor], day=day, raised_at=now, **values)
            result.alerts_raised += 1
        elif existing.status in (AlertStatus.NEW, AlertStatus.ASSIGNED) and (
            existing.score != a.score
            or existing.reasons != reasons
            or (existing.rules_version, existing.rules_fingerprint) != (a.version, in_force.fingerprint)
        ):
            Alert.objects.filter(pk=existing.pk).update(updated_at=now, **values)
            result.alerts_updated += 1


def anomaly_scan(
    *, actor: Any = None, full: bool = False, progress: Progress | None = None, actor_username: str = ""
) -> ScanResult:
    """Read the audit trail from where the last scan stopped (or from the start), raise alerts."""
    in_force = rules_in_force()
    rules = in_force.rules
    result = ScanResult(full=full, rules=in_force.label)
    with transaction.atomic():
        state, _ = ScanState.objects.select_for_update().get_or_create(pk=1)
        result.rules_changed_since_full_scan = (
            not full
            and bool(state.rules_full_scan_fingerprint)
            and state.rules_full_scan_fingerprint != in_force.fingerprint
        )
        if full:
            ActorDay.objects.all().delete()
            start = 0
        else:
            start = state.last_seq
        end = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        total = max(0, end - start)
        days: dict[tuple[int, int], DayFeatures] = {}
        cursor = start
        while cursor < end:
            rows = list(
                AuditEvent.objects.filter(seq__gt=cursor, seq__lte=end).order_by("seq").values_list(*_FIELDS)[:CHUNK]
            )
            if not rows:
                break
            cursor = rows[-1][0]
            facts = [f for f in map(to_fact, rows) if f is not None]
            anomalies.aggregate(facts, build_context(facts), rules, into=days)
            result.events += len(rows)
            if progress:
                progress(cursor - start, total, f"Read {result.events} audit events")
        touched = list(days)
        _merge_and_judge(days, touched, result, in_force)
        state.last_seq = end
        state.last_scan_at = timezone.now()
        if full:
            state.last_full_scan_at = state.last_scan_at
            state.rules_full_scan_fingerprint = in_force.fingerprint
        state.rules_version = rules.version
        state.rules_fingerprint = in_force.fingerprint
        state.save()
        result.last_seq = end
        audit_record(
            actor=actor,
            actor_username=actor_username,
            category=Category.COMBINATION,
            action="counter_corruption.scan",
            object_type="audit.auditevent",
            detail={
                "from_seq": start,
                "to_seq": end,
                "events": result.events,
                "raised": result.alerts_raised,
                "updated": result.alerts_updated,
                "full": full,
                "rules": rules.version,
                "rules_fingerprint": in_force.fingerprint,
                "rules_file": str(in_force.path.name),
            },
        )
    return result


def _merge_and_judge(
    days: dict[tuple[int, int], DayFeatures],
    touched: list[tuple[int, int]],
    result: ScanResult,
    in_force: RulesInForce,
) -> None:
    if not touched:
        return
    rules = in_force.rules
    actors = {a for a, _ in touched}
    lo = min(d for _, d in touched) - rules.baseline_days
    hi = max(d for _, d in touched)
    # Earlier days are only counts (cheap tuples); the touched days are rows to update.
    counts = ("events", "viewed", "exported", "out_of_hours", "empty_searches")
    window = ActorDay.objects.filter(actor_id__in=actors, day__gte=day_date(lo), day__lte=day_date(hi))
    history: dict[int, dict[int, list[int]]] = defaultdict(dict)
    same_day: set[tuple[int, int]] = set()
    for actor_id, day, *values in window.values_list("actor_id", "day", *counts).iterator(chunk_size=10_000):
        key = (actor_id, day_number(day))
        if key in days:
            same_day.add(key)
        else:
            history[actor_id][key[1]] = values
    stored: dict[tuple[int, int], ActorDay] = {}
    if same_day:
        for row in window.filter(day__in={day_date(d) for _, d in same_day}):
            key = (row.actor_id, day_number(row.day))
            if key in same_day:
                stored[key] = row
                merged = _stored(row)
                merged.merge(days[key])
                days[key] = merged
    found = anomalies.evaluate(days, history=history, only=touched, rules=rules)
    result.user_days = len(touched)
    new_rows: list[ActorDay] = []
    changed: list[ActorDay] = []
    for key in touched:
        f = days[key]
        values = dict(
            events=f.counts[0],
            viewed=f.counts[1],
            exported=f.counts[2],
            out_of_hours=f.counts[3],
            empty_searches=f.counts[4],
            first_seq=f.first_seq,
            last_seq=f.last_seq,
            unlinked=sorted(f"{t}:{i}" for t, i in f.unlinked or ()),
            matched={f"{t}:{i}": v for (t, i), v in (f.matched or {}).items()},
            concerning=sorted(f"{t}:{i}" for t, i in f.concerning or ()),
        )
        existing = stored.get(key)
        if existing is None:
            new_rows.append(ActorDay(actor_id=key[0], day=day_date(key[1]), **values))
        else:
            for k, v in values.items():
                setattr(existing, k, v)
            changed.append(existing)
    ActorDay.objects.bulk_create(new_rows, batch_size=1000)
    ActorDay.objects.bulk_update(changed, DAY_FIELDS, batch_size=1000)
    _save_alerts(found, result, in_force)
