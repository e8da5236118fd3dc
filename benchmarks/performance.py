"""Performance and management information: dashboards, disclosure control and a large export.

Dashboards: a fresh SQLite database is migrated and seeded with `rocu seed-demo
--regions all` (scale 1: every region with activity), then the volume of `--scale 50`
is generated directly in every one of the ten regions by the same generator that
seed-demo uses for the other regions (`rocu.performance.demo_regions.RegionSeeder`,
a second batch at scale 49), because `seed-demo --scale 50` itself spends minutes in
the referral linkage checks, which these pages never read. Then, in one process,
Django's test client signs in each role and times its dashboard page through the
whole middleware stack for the current financial year (median and 95th percentile
after a warm-up) and counts the SQL queries of one request; the reference is GET
/healthz for the same session.

Disclosure: `rocu.engines.disclosure.protect` on a 100 x 100 table (10,000 cells) of
small and large counts; reference, one plain pass summing the same cells.
Export: 100,000 generated rows written as CSV through `rocu.core.exports.csv_response`
(the path every performance export takes); reference, the same rows through the bare
`csv` module into memory.

The dashboards are timed on SQLite and then, when a server answers at ROCU_BENCH_PG
(default postgres://postgres@127.0.0.1:5432), on a fresh PostgreSQL database seeded the
same way (then ANALYZEd, as autovacuum would after such a load).

    python -m benchmarks performance
    python -m benchmarks.performance --database sqlite   # or postgres; both by default
    python -m benchmarks.performance --json    # dashboards on the database in the environment
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import tempfile
import time
from typing import Any

from benchmarks import PG_SERVER, Row, child_env, percentile, postgres_recreate, print_table, rocu, run_child_json

MODULE = "benchmarks.performance"
SCALE = 50
WARM_UP = 2
REQUESTS = 20
TARGET_DASHBOARD_MS = 500.0
PG_DATABASE = "rocu_bench_performance"
# (label, persona, path): the dashboard each role opens, and the national consistency view.
PAGES = [
    ("ROCU head", "head", "/performance/?period={fy}"),
    ("force SOC lead", "forcelead", "/performance/?period={fy}"),
    ("PCC office", "pcc", "/performance/?period={fy}"),
    ("national lead", "national", "/performance/?scope=all&period={fy}"),
    ("national consistency", "national", "/performance/national/?metric=referral_conversion&period={fy}"),
]

TARGET_DISCLOSURE_S = 1.0
TARGET_EXPORT_S = 10.0
EXPORT_ROWS = 100_000


def _disclosure() -> list[Row]:
    from rocu.engines import disclosure

    rng = random.Random(2021)
    table = [[rng.choice([0, 1, 3, 5, 8, 12, 25, 60, 140]) for _ in range(100)] for _ in range(100)]
    began = time.perf_counter()
    protected = disclosure.protect(table)
    took = time.perf_counter() - began
    began = time.perf_counter()
    sum(sum(r) for r in table)
    ref = time.perf_counter() - began
    return [
        Row(
            name="performance: disclosure control, 10,000 cells",
            figure=f"{took * 1000:.0f} ms",
            reference=f"{ref * 1000:.2f} ms one pass summing the cells",
            target=f"< {TARGET_DISCLOSURE_S:.0f} s",
            met=took < TARGET_DISCLOSURE_S,
            note=f"{len(protected.primary)} primary, {len(protected.secondary)} secondary cells hidden",
        )
    ]


def _export() -> list[Row]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rocu.settings")
    import django

    django.setup()
    from rocu.core.exports import csv_response

    rng = random.Random(7)
    rows = [
        [f"Region {i % 10}", f"=metric {i % 14}", rng.randint(0, 500), f"{rng.random():.3f}"]
        for i in range(EXPORT_ROWS)
    ]
    began = time.perf_counter()
    response = csv_response("x.csv", ["Region", "Metric", "Value", "Rate"], rows)
    took = time.perf_counter() - began
    began = time.perf_counter()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    ref = time.perf_counter() - began
    return [
        Row(
            name="performance: CSV export, 100,000 rows",
            figure=f"{took:.2f} s",
            reference=f"{ref:.2f} s bare csv module",
            target=f"< {TARGET_EXPORT_S:.0f} s",
            met=took < TARGET_EXPORT_S,
            note=f"{len(response.content) // 1024} KiB",
        )
    ]


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


def measure() -> dict[str, Any]:
    """Top the seeded regions up to --scale 50, then time every role's page."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from rocu.accounts.models import Region, User
    from rocu.engines import metrics as m
    from rocu.outcomes.models import Outcome
    from rocu.performance.demo_regions import RegionSeeder
    from rocu.referrals.models import Referral
    from rocu.threats.models import TaskingSubject

    began = time.perf_counter()
    for region in Region.objects.order_by("code"):
        RegionSeeder(region, SCALE - 1, tag="B").run()
    generated_s = time.perf_counter() - began
    if connection.vendor == "postgresql":
        # Autovacuum gathers planner statistics after a bulk load like this one; do it now, as a
        # live database would have them, rather than time plans made for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    fy = m.current_period("fy", timezone.localdate()).token
    pages = {}
    for label, username, path in PAGES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        pages[label] = {"page": _time_path(client, path.format(fy=fy)), "healthz": _time_path(client, "/healthz")}
    return {
        "generated_s": generated_s,
        "referrals": Referral.objects.count(),
        "outcomes": Outcome.objects.count(),
        "threats": TaskingSubject.objects.count(),
        "regions": Region.objects.count(),
        "period": fy,
        "pages": pages,
    }


def _figure(r: dict[str, Any]) -> str:
    return f"median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, {r['queries']} queries"


def _dashboards(database: str, url: str | None = None) -> list[Row]:
    """Seed and time the dashboards on SQLite (url None) or the PostgreSQL database at `url`."""
    with tempfile.TemporaryDirectory(prefix="rocu-bench-") as data_dir:
        env = child_env(ROCU_DATA_DIR=data_dir, ROCU_DEMO="1", **({"DATABASE_URL": url} if url else {}))
        began = time.perf_counter()
        rocu(["migrate", "--no-input", "-v", "0"], env)
        rocu(["seed-demo", "--regions", "all", "--quiet"], env)
        seed_s = time.perf_counter() - began
        result = run_child_json(MODULE, env, timeout=1800)
    rows = []
    for label, r in result["pages"].items():
        rows.append(
            Row(
                name=f"performance: {label} page, scale {SCALE}, 10 regions, {database}",
                figure=_figure(r["page"]),
                reference=f"/healthz {_figure(r['healthz'])}",
                target=f"p95 < {TARGET_DASHBOARD_MS:.0f} ms",
                met=r["page"]["p95_ms"] < TARGET_DASHBOARD_MS,
            )
        )
    rows[0].note = (
        f"{database}; migrate and seed-demo --regions all {seed_s:.0f} s, then scale {SCALE} generated directly in "
        f"{result['generated_s']:.0f} s ({result['referrals']:,} referrals, {result['outcomes']:,} outcomes, "
        f"{result['threats']:,} threats in {result['regions']} regions); period {result['period']}; "
        f"{REQUESTS} timed requests per page after {WARM_UP} warm-up, in-process through django.test.Client"
    )
    return rows


def _dashboards_postgres() -> list[Row]:
    url = postgres_recreate(PG_DATABASE)
    if url is None:
        return [
            Row(
                name=f"performance: dashboards, scale {SCALE}, 10 regions, PostgreSQL",
                figure="skipped",
                target=f"p95 < {TARGET_DASHBOARD_MS:.0f} ms",
                note=f"no PostgreSQL server answered at {PG_SERVER}",
            )
        ]
    return _dashboards("PostgreSQL", url)


def run(databases: tuple[str, ...] = ("sqlite", "postgres")) -> list[Row]:
    rows = _dashboards("SQLite") if "sqlite" in databases else []
    if "postgres" in databases:
        rows += _dashboards_postgres()
    return rows + _disclosure() + _export()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the dashboards in the environment's database")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="where to time the dashboards (PostgreSQL at ROCU_BENCH_PG, skipped if no server answers)",
    )
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
    else:
        print_table(run(("sqlite", "postgres") if args.database == "both" else (args.database,)))
