"""Home page server time per role on a demo region seeded at `--scale 10`.

A fresh SQLite database is migrated and seeded with `rocu seed-demo --scale 10`, and
the audit trail is given enough events (a valid chain, half in the last 24 hours) for
the auditor's panel to count. Then, in one process, Django's test client signs in each
role and times GET / through the whole middleware stack: median and 95th percentile
over the timed requests after a warm-up, and the SQL queries of one request. The
reference is GET /healthz for the same signed-in session: the floor of the stack
(sessions, authentication, two-factor check, security headers) with no page behind it.

    python -m benchmarks.home_page           # seed, measure, print a table
    python -m benchmarks.home_page --json    # measure the database in the environment
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from typing import Any

from benchmarks import Row, child_env, percentile, print_table, rocu, run_child_json

MODULE = "benchmarks.home_page"
SCALE = 10
AUDIT_EVENTS = 20_000
ROLES = ["head", "analyst", "auditor", "pcc", "national"]
WARM_UP = 5
REQUESTS = 50
TARGET_MS = 100.0


def add_audit_events(count: int) -> None:
    """Append `count` events to the chain in bulk, spread over the last 48 hours.

    The digests are computed exactly as `audit_record` computes them, so `rocu audit
    verify` still passes; only the per-event transaction is skipped, to seed quickly.
    """
    import datetime as dt
    import random

    from django.db import transaction
    from django.utils import timezone

    from rocu.accounts.models import Region, User
    from rocu.audit.models import AuditEvent, AuditHead, Category, chain_payload
    from rocu.engines.hashchain import event_digest

    rng = random.Random(2021)
    actors = list(User.objects.filter(region__isnull=False).values_list("pk", "username", "region_id")[:200])
    regions = list(Region.objects.values_list("pk", flat=True))
    kinds = [
        (Category.CONSULTATION, "accounts.person.viewed", "accounts.user"),
        (Category.ALTERATION, "accounts.person.changed", "accounts.user"),
        (Category.DISCLOSURE, "audit.export", ""),
        (Category.AUTHENTICATION, "accounts.signed_in", ""),
        (Category.AUTHENTICATION, "accounts.sign_in_failed", ""),
    ]
    now = timezone.now()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)  # seed-demo wrote the first event
        seq, digest = head.seq, head.digest
        batch: list[AuditEvent] = []
        for i in range(count):
            actor_id, username, region_id = rng.choice(actors)
            if rng.random() < 0.1:
                region_id = rng.choice(regions)
            category, action, object_type = rng.choice(kinds)
            seq += 1
            fields: dict[str, Any] = {
                "seq": seq,
                "occurred_at": now - dt.timedelta(seconds=(count - i) * 48 * 3600 / count),
                "actor_id": actor_id,
                "actor_username": username,
                "region_id": region_id,
                "category": category,
                "action": action,
                "object_type": object_type,
                "object_id": str(rng.choice(actors)[0]) if object_type else "",
                "reason": "",
                "recipient": "",
                "detail": {},
                "ip_address": "192.0.2.10",
            }
            new_digest = event_digest(digest, chain_payload(**fields))
            batch.append(AuditEvent(prev_digest=digest, digest=new_digest, **fields))
            digest = new_digest
            if len(batch) == 1000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        AuditHead.objects.filter(pk=1).update(seq=seq, digest=digest)


def _time_path(client: Any, path: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}, not 200")
    timings = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 95),
        "queries": len(queries.captured_queries),
    }


def measure(audit_events: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.test import Client

    from rocu.accounts.models import User
    from rocu.audit.models import AuditEvent
    from rocu.audit.services import audit_verify

    began = time.perf_counter()
    add_audit_events(audit_events)
    seeded_s = time.perf_counter() - began
    if not audit_verify().ok:
        raise RuntimeError("the seeded audit chain does not verify")
    results: dict[str, Any] = {}
    for username in ROLES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        results[username] = {"home": _time_path(client, "/"), "healthz": _time_path(client, "/healthz")}
    return {
        "people": User.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "audit_seed_s": seeded_s,
        "roles": results,
    }


def _figure(r: dict[str, Any]) -> str:
    return f"median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, {r['queries']} queries"


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="rocu-bench-") as data_dir:
        env = child_env(ROCU_DATA_DIR=data_dir, ROCU_DEMO="1")
        began = time.perf_counter()
        rocu(["migrate", "--no-input", "-v", "0"], env)
        rocu(["seed-demo", "--scale", str(SCALE), "--quiet"], env)
        seed_s = time.perf_counter() - began
        result = run_child_json(MODULE, env, "--audit-events", str(AUDIT_EVENTS))
    rows = []
    for username, r in result["roles"].items():
        rows.append(
            Row(
                name=f"home page GET /, {username}",
                figure=_figure(r["home"]),
                reference=f"/healthz {_figure(r['healthz'])}",
                target=f"p95 < {TARGET_MS:.0f} ms",
                met=r["home"]["p95_ms"] < TARGET_MS,
            )
        )
    rows[0].note = (
        f"SQLite, seed-demo --scale {SCALE} ({result['people']:,} people, migrate and seed {seed_s:.0f} s) "
        f"plus {result['audit_events']:,} audit events; {REQUESTS} timed requests per path after "
        f"{WARM_UP} warm-up, in-process through django.test.Client"
    )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the database in the environment, print JSON")
    parser.add_argument("--audit-events", type=int, default=AUDIT_EVENTS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.audit_events)))
    else:
        print_table(run())
