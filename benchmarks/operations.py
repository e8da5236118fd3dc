"""The operation page at the size of a long investigation.

GET /operations/<id>/ for Op Vizardlike as its SIO: server time through the whole
middleware stack and the SQL queries of one request, first as the demo seeds it (the
reference), then with 500 outcomes and 200 decision log entries added in bulk. A fresh
SQLite database is migrated and seeded with `rocu seed-demo`. Target: p95 under 300 ms
with the same number of queries at both sizes (the page's selectors fetch each part
of the operation in one query, whatever its length).

    python -m benchmarks.operations           # print a table
    python -m benchmarks.operations --json    # measure the page in the environment's database
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from typing import Any

from benchmarks import Row, child_env, percentile, print_table, rocu, run_child_json

MODULE = "benchmarks.operations"
OUTCOMES = 500
DECISIONS = 200
WARM_UP = 3
REQUESTS = 30
TARGET_PAGE_MS = 300.0


def _time(client: Any, path: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
    timings = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {"median_ms": statistics.median(timings), "p95_ms": percentile(timings, 95), "queries": len(queries)}


def _grow(op: Any, sio: Any) -> None:
    """Add outcomes and decisions in bulk: the page is measured, not the services."""
    from django.utils import timezone

    from rocu.operations.models import DecisionEntry
    from rocu.outcomes.models import Outcome

    today = timezone.localdate()
    kinds = [
        ("warning", "pursue", None, ""),
        ("safeguard_adult", "protect", None, ""),
        ("seizure_cash", "pursue", 250, "GBP"),
    ]
    have = Outcome.objects.filter(operation=op).count()
    Outcome.objects.bulk_create(
        Outcome(
            region_id=op.region_id,
            kind=kinds[i % 3][0],
            p=kinds[i % 3][1],
            operation=op,
            threat_id=op.threat_id,
            ocg_id=op.ocg_id,
            force_id=op.force_id,
            occurred_on=today - dt.timedelta(days=i % 180),
            quantity=kinds[i % 3][2],
            unit=kinds[i % 3][3],
            recorded_by=sio,
        )
        for i in range(max(0, OUTCOMES - have))
    )
    last = DecisionEntry.objects.filter(operation=op).count()
    DecisionEntry.objects.bulk_create(
        DecisionEntry(
            operation=op,
            number=last + i + 1,
            decision=f"Decision {last + i + 1}: extend surveillance authority.",
            rationale="Intelligence continues to support it.",
            decided_by=sio,
        )
        for i in range(max(0, DECISIONS - last))
    )


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.test import Client

    from rocu.accounts.models import User
    from rocu.operations.models import DecisionEntry, Operation
    from rocu.outcomes.models import Outcome

    sio = User.objects.get(username="sio")
    op = Operation.objects.get(code_name="Op Vizardlike")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(sio)
    path = f"/operations/{op.pk}/"

    def sizes() -> dict[str, int]:
        return {
            "outcomes": Outcome.objects.filter(operation=op).count(),
            "decisions": DecisionEntry.objects.filter(operation=op).count(),
        }

    small = {**sizes(), **_time(client, path)}
    _grow(op, sio)
    big = {**sizes(), **_time(client, path)}
    return {"small": small, "big": big}


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="rocu-bench-") as data_dir:
        env = child_env(ROCU_DATA_DIR=data_dir, ROCU_DEMO="1")
        rocu(["migrate", "--no-input", "-v", "0"], env)
        rocu(["seed-demo", "--quiet"], env)
        result = run_child_json(MODULE, env)
    small, big = result["small"], result["big"]
    return [
        Row(
            name=f"operation page, SIO, {big['outcomes']} outcomes and {big['decisions']} decisions",
            figure=f"median {big['median_ms']:.1f} ms, p95 {big['p95_ms']:.1f} ms, {big['queries']} queries",
            reference=(
                f"as seeded ({small['outcomes']} outcomes, {small['decisions']} decisions): median "
                f"{small['median_ms']:.1f} ms, p95 {small['p95_ms']:.1f} ms, {small['queries']} queries"
            ),
            target=f"p95 < {TARGET_PAGE_MS:.0f} ms, same queries",
            met=big["p95_ms"] < TARGET_PAGE_MS and big["queries"] == small["queries"],
            note=(
                f"SQLite; {REQUESTS} timed requests after {WARM_UP} warm-up, in-process through "
                "django.test.Client; the page shows the whole decision log, the latest 60 timeline "
                "entries and the latest 100 outcomes, with the 4P balance of every outcome counted in SQL"
            ),
        )
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the database in the environment, print JSON")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
    else:
        print_table(run())
