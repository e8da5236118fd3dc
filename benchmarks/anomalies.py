"""Access anomaly scans: a full scan of 10,000,000 audit events, an incremental day.

Three figures, each beside a reference measured in the same run:

1. Full scan, engine only: 10,000,000 generated audit events (a year of 2,000 people
   doing the kinds of work the audit trail records) fed to rocu/engines/anomalies.py
   as tuples, no database: aggregate every event into user-days, then judge every
   user-day against that person's baseline. Reference: a bare Python loop over the
   same tuples. The events are generated in chunks, outside the timed sections.
2. Incremental scan of one day, engine only: the last day's events judged against the
   28 days before them (held as stored counts, as the scan keeps them).
3. Incremental scan of one day through the database: a fresh SQLite database, 28 days
   of stored daily counts for 2,000 people, then one day of their work written through
   `audit_record` (the real hash-chained trail), then `anomaly_scan()` timed end to end
   (read, look up work links, names and declarations, judge, store). Reference: reading
   the same events from the database and doing nothing with them.

    python -m benchmarks.anomalies             # all three, printed as a table
    python -m benchmarks.anomalies --json      # the database figure only (child process)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import Any

from benchmarks import Row, child_env, print_table, rocu, run_child_json

MODULE = "benchmarks.anomalies"
EVENTS = 10_000_000
PEOPLE = 2_000
DAYS = 365
CHUNK = 500_000
DB_PEOPLE = 2_000
FULL_TARGET_S = 60.0
DAY_TARGET_S = 5.0
NOMINAL = "intelligence.nominal"


def _chunk(start: int, count: int, per_day: int, first_day: int) -> list[Any]:
    """`count` events from number `start`: deterministic, cheap to make, varied enough.

    Per person: lists of their caseload, opened records (one in fifty outside their
    caseload), changes, sign-ins, a rare export; office hours with some late work.
    """
    from rocu.engines.anomalies import DAY, Fact

    out = []
    append = out.append
    for i in range(start, start + count):
        actor = (i * 7919) % PEOPLE
        day = first_day + i // per_day
        at = day * DAY + 7 * 3600 + (i * 104_729) % (13 * 3600)
        kind = i % 10
        case = actor * 10
        if kind < 3:
            ids = (str(case + i % 10), str(case + (i + 3) % 10), str(case + (i + 7) % 10))
            append(Fact(i, at, actor, "consultation", "intelligence.nominal.list", NOMINAL, ids, True, 3, i % 97 == 0))
        elif kind < 7:
            rid = str(case + i % 10) if i % 50 else str((i * 31) % 20_000)
            append(Fact(i, at, actor, "consultation", "intelligence.nominal.view", NOMINAL, (rid,), False, 1, False))
        elif kind < 9:
            append(
                Fact(i, at, actor, "alteration", "intelligence.nominal.update", NOMINAL, (str(case),), False, 1, False)
            )
        elif i % 1000 == 9:
            append(Fact(i, at, actor, "disclosure", "intelligence.nominal.export", NOMINAL, (), False, 20, False))
        else:
            append(Fact(i, at, actor, "authentication", "accounts.signed_in", "", (), False, 0, False))
    return out


def _context() -> Any:
    from rocu.engines import anomalies

    links = {p: {(NOMINAL, str(p * 10 + k)) for k in range(10)} for p in range(PEOPLE)}
    return anomalies.Context(
        personal_types=frozenset({NOMINAL}),
        links=links,
        linked_types=frozenset({NOMINAL}),
        offset=anomalies.local_offsets("Europe/London"),
    )


def engine_figures(events: int = EVENTS) -> dict[str, float]:
    from rocu.engines import anomalies

    context = _context()
    per_day = max(1, events // DAYS)
    first_day = 19_723  # 1 January 2024
    days: dict[Any, Any] = {}
    aggregate_s = loop_s = 0.0
    last_chunk: list[Any] = []
    for start in range(0, events, CHUNK):
        chunk = _chunk(start, min(CHUNK, events - start), per_day, first_day)
        began = time.perf_counter()
        for _ in chunk:
            pass
        loop_s += time.perf_counter() - began
        began = time.perf_counter()
        anomalies.aggregate(chunk, context, into=days)
        aggregate_s += time.perf_counter() - began
        last_chunk = chunk
    began = time.perf_counter()
    alerts = anomalies.evaluate(days)
    evaluate_s = time.perf_counter() - began

    # One day, incrementally: the last full day's events against stored earlier counts.
    last_day = max(d for _, d in days)
    offset = context.offset
    today = [f for f in last_chunk if (int(f.at) + offset(int(f.at) // anomalies.DAY)) // anomalies.DAY == last_day - 1]
    history: dict[int, dict[int, list[int]]] = {}
    for (actor, day), feats in days.items():
        if last_day - 1 - 28 <= day < last_day - 1:
            history.setdefault(actor, {})[day] = feats.counts
    began = time.perf_counter()
    fresh = anomalies.aggregate(today, context)
    day_alerts = anomalies.evaluate(fresh, history=history)
    day_s = time.perf_counter() - began
    return {
        "events": events,
        "user_days": len(days),
        "alerts": len(alerts),
        "aggregate_s": aggregate_s,
        "evaluate_s": evaluate_s,
        "loop_s": loop_s,
        "day_events": len(today),
        "day_s": day_s,
        "day_alerts": len(day_alerts),
    }


def measure_database(people: int = DB_PEOPLE) -> dict[str, Any]:
    """In a child process with its own database: one day's events through the real scan."""
    import datetime as dt
    import random

    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from rocu.accounts.models import Region
    from rocu.audit.models import AuditEvent
    from rocu.counter_corruption import scenario
    from rocu.counter_corruption.models import ActorDay
    from rocu.counter_corruption.scanning import anomaly_scan

    rng = random.Random(7)
    region = Region.objects.get(code="south-west")
    staff = scenario.make_staff(region, "bench.", people, rng)
    caseloads = {u.pk: scenario.make_caseload(region, u, 6, rng, "BENCH") for u in staff}
    anomaly_scan(actor_username="bench")  # the seeded demo's events, out of the way
    today = timezone.localdate()
    history = [
        ActorDay(
            actor_id=u.pk,
            day=today - dt.timedelta(days=back),
            events=rng.randint(3, 9),
            viewed=rng.randint(5, 40),
            exported=0,
            out_of_hours=rng.randint(0, 2),
            empty_searches=rng.randint(0, 1),
        )
        for u in staff
        for back in range(1, 29)
    ]
    ActorDay.objects.bulk_create(history, batch_size=5000)
    began = time.perf_counter()
    written = 0
    with transaction.atomic(), scenario.clock() as c:
        for user in staff:
            written += scenario.ordinary_day(c, user, today, caseloads[user.pk], rng)
    write_s = time.perf_counter() - began
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    began = time.perf_counter()
    fields = ("seq", "occurred_at", "actor_id", "category", "action", "object_type", "object_id", "detail")
    query = AuditEvent.objects.filter(seq__gt=last - written).values_list(*fields)
    sum(1 for _ in query.iterator(chunk_size=20_000))
    read_s = time.perf_counter() - began
    began = time.perf_counter()
    result = anomaly_scan(actor_username="bench")
    scan_s = time.perf_counter() - began
    return {
        "people": people,
        "events": result.events,
        "written": written,
        "write_s": write_s,
        "read_s": read_s,
        "scan_s": scan_s,
        "alerts": result.alerts_raised,
    }


def run() -> list[Row]:
    engine = engine_figures()
    full_s = engine["aggregate_s"] + engine["evaluate_s"]
    rows = [
        Row(
            name=f"anomaly full scan, {engine['events']:,} events (engine, no database)",
            figure=f"{full_s:.1f} s ({engine['events'] / full_s:,.0f} events/s)",
            reference=f"bare loop over the same events {engine['loop_s']:.1f} s",
            target=f"< {FULL_TARGET_S:.0f} s",
            met=full_s < FULL_TARGET_S,
            note=(
                f"{PEOPLE:,} people over {DAYS} days: {engine['user_days']:,} user-days, "
                f"{engine['alerts']:,} alerts; aggregate {engine['aggregate_s']:.1f} s + judge "
                f"{engine['evaluate_s']:.1f} s, one process (the second core is left idle)"
            ),
        ),
        Row(
            name=f"anomaly incremental day, {engine['day_events']:,} events (engine)",
            figure=f"{engine['day_s']:.2f} s",
            reference="against 28 stored days per person",
            target=f"< {DAY_TARGET_S:.0f} s",
            met=engine["day_s"] < DAY_TARGET_S,
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="rocu-bench-anomalies-") as data_dir:
        env = child_env(ROCU_DATA_DIR=data_dir, ROCU_DEMO="1")
        rocu(["migrate", "--no-input", "-v", "0"], env)
        rocu(["seed-demo", "--quiet"], env)
        db = run_child_json(MODULE, env, timeout=1800)
    rows.append(
        Row(
            name=f"anomaly incremental day, {db['events']:,} events (SQLite, anomaly_scan)",
            figure=f"{db['scan_s']:.2f} s",
            reference=f"reading the same events {db['read_s']:.2f} s",
            target=f"< {DAY_TARGET_S:.0f} s",
            met=db["scan_s"] < DAY_TARGET_S,
            note=(
                f"{db['people']:,} people, 28 stored days each; the day's {db['written']:,} events written "
                f"through audit_record in {db['write_s']:.0f} s (not timed); {db['alerts']} alerts"
            ),
        )
    )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the database in the environment, print JSON")
    parser.add_argument("--events", type=int, default=EVENTS, help="events for the engine figures")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure_database()))
    else:
        print_table(run())
