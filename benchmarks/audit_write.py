"""Audit events written per second, hash-chained, beside the same inserts without the chain.

Each chained event goes through `rocu.audit.services.audit_record` in its own
transaction: lock the head row, hash the event onto the previous digest, insert it,
move the head. The reference writes the same rows, one per transaction, into a table of
the same shape and indexes (`bench_plain_event`) with a fixed digest and no head row,
so the difference is the price of the chain. The two run in alternating blocks so drift
in the machine (cache, checkpoints, autovacuum) falls on both alike.

    python -m benchmarks.audit_write           # both databases, as a table
    python -m benchmarks.audit_write --json    # one database, from the environment
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import Any

from benchmarks import PG_SERVER, Row, child_env, postgres_recreate, print_table, run_child_json

MODULE = "benchmarks.audit_write"
EVENTS = 3000
BLOCK = 250
WARM_UP = 100
TARGET = 0.5  # chained writes at least half the rate of plain inserts
FIXED_DIGEST = "f" * 64


def _plain_model() -> Any:
    """A model with AuditEvent's columns and indexes under another table name."""
    from django.db import models

    from rocu.audit.models import AuditEvent

    attrs: dict[str, Any] = {"__module__": __name__}
    for f in AuditEvent._meta.local_fields:
        if not f.primary_key:
            attrs[f.name] = f.clone()
    indexes = [models.Index(fields=list(i.fields), name=f"bench_{i.name}") for i in AuditEvent._meta.indexes]
    attrs["Meta"] = type("Meta", (), {"app_label": "audit", "db_table": "bench_plain_event", "indexes": indexes})
    return type("BenchPlainEvent", (models.Model,), attrs)


def measure(events: int) -> dict[str, Any]:
    """Migrate the configured database, then time both kinds of write on it."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from rocu.audit.models import Category
    from rocu.audit.services import audit_record, audit_verify

    call_command("migrate", verbosity=0, interactive=False)
    plain = _plain_model()
    with connection.schema_editor() as editor:
        editor.create_model(plain)

    def chained(i: int) -> None:
        audit_record(
            actor=None,
            actor_username="bench",
            category=Category.ALTERATION,
            action="bench.write",
            object_type="audit.bench",
            object_id=str(i),
            reason="benchmark",
            detail={"i": i},
        )

    def unchained(i: int) -> None:
        with transaction.atomic():
            plain.objects.create(
                seq=i,
                occurred_at=timezone.now(),
                actor_id=None,
                actor_username="bench",
                region_id=None,
                category=Category.ALTERATION,
                action="bench.write",
                object_type="audit.bench",
                object_id=str(i),
                reason="benchmark",
                recipient="",
                detail={"i": i},
                ip_address=None,
                prev_digest=FIXED_DIGEST,
                digest=FIXED_DIGEST,
            )

    def timed(write: Any, start: int, count: int) -> float:
        began = time.perf_counter()
        for i in range(start, start + count):
            write(i)
        return time.perf_counter() - began

    timed(chained, 1, WARM_UP)
    timed(unchained, 1, WARM_UP)
    spent = {"chained": 0.0, "plain": 0.0}
    done = 0
    while done < events:
        count = min(BLOCK, events - done)
        start = WARM_UP + 1 + done
        pair = [("chained", chained), ("plain", unchained)]
        if (done // BLOCK) % 2:
            pair.reverse()
        for name, write in pair:
            spent[name] += timed(write, start, count)
        done += count

    began = time.perf_counter()
    report = audit_verify()
    verify_s = time.perf_counter() - began
    return {
        "vendor": connection.vendor,
        "version": ".".join(str(part) for part in connection.get_database_version()),
        "events": events,
        "chained_per_s": events / spent["chained"],
        "plain_per_s": events / spent["plain"],
        "verify_ok": report.ok,
        "verify_checked": report.checked,
        "verify_per_s": report.checked / verify_s if verify_s else 0.0,
    }


def _rows(label: str, r: dict[str, Any]) -> list[Row]:
    ratio = r["chained_per_s"] / r["plain_per_s"]
    state = "ok" if r["verify_ok"] else "BROKEN"
    note = ""
    if not r["verify_ok"]:
        note = "rocu audit verify FAILED on the chain this run wrote"
    return [
        Row(
            name=f"audit write, {label}",
            figure=f"{r['chained_per_s']:,.0f} events/s chained ({ratio:.0%} of plain)",
            reference=f"{r['plain_per_s']:,.0f} inserts/s plain",
            target=f"chained >= {TARGET:.0%} of plain",
            met=ratio >= TARGET,
            note=note,
        ),
        Row(
            name=f"audit verify, {label}",
            figure=f"{r['verify_per_s']:,.0f} events/s ({r['verify_checked']:,} checked, {state})",
        ),
    ]


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="rocu-bench-") as data_dir:
        result = run_child_json(MODULE, child_env(ROCU_DATA_DIR=data_dir), "--events", str(EVENTS))
        rows += _rows(f"SQLite {result['version']}", result)
    url = postgres_recreate("rocu_bench")
    if url is None:
        rows.append(
            Row(
                name="audit write, PostgreSQL",
                figure="skipped",
                target=f"chained >= {TARGET:.0%} of plain",
                note=f"no PostgreSQL server answered at {PG_SERVER}",
            )
        )
        return rows
    with tempfile.TemporaryDirectory(prefix="rocu-bench-") as data_dir:
        env = child_env(ROCU_DATA_DIR=data_dir, DATABASE_URL=url)
        result = run_child_json(MODULE, env, "--events", str(EVENTS))
    rows += _rows(f"PostgreSQL {result['version']}", result)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the database in the environment, print JSON")
    parser.add_argument("--events", type=int, default=EVENTS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.events)))
    else:
        print_table(run())
