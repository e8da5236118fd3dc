"""Threat scoring and the threat picture page.

1. Scoring 100,000 threats through `rocu.engines.scoring.score_many` (validation
   included), beside the same arithmetic written inline with no validation or
   dataclasses: the floor for pure Python. Target under 1 s.
2. GET /threats/ (chart, ranked list, filters) as the ROCU head: server time through
   the whole middleware stack and the SQL queries of one request, at the demo's scale 1
   (40 threats) as the reference and at scale 50 (2,000 threats, 750 OCGs). A fresh
   SQLite database is migrated and seeded with `rocu seed-demo`; the threats seeder is
   then run again at `--scale 50` so only this capability's volume grows. Target under
   300 ms with the same number of queries at both scales.

    python -m benchmarks.threats           # print a table
    python -m benchmarks.threats --json    # measure the page in the environment's database
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import tomllib
from typing import Any

from benchmarks import ROOT, Row, child_env, percentile, print_table, rocu, run_child_json

MODULE = "benchmarks.threats"
N_SCORES = 100_000
SCALE = 50
WARM_UP = 3
REQUESTS = 30
TARGET_SCORE_S = 1.0
TARGET_PAGE_MS = 300.0


def score_figures() -> dict[str, float]:
    from rocu.engines import scoring

    with (ROOT / "rocu" / "threats" / "scales" / "morile_v1.toml").open("rb") as fh:
        scale = scoring.scale_from_mapping(tomllib.load(fh))
    rng = random.Random(2021)
    keys = scale.dimension_keys
    batch = [
        scoring.ScoreInput(
            harm={k: rng.randint(0, 4) for k in keys},
            likelihood=rng.randint(1, 5),
            confidence=rng.choice(scale.confidence_levels),
            organisational_position=rng.randint(1, 5),
            opportunity=rng.randint(1, 5),
        )
        for _ in range(N_SCORES)
    ]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        scoring.score_many(batch, scale)
        best = min(best, time.perf_counter() - began)
    weights = [d.weight for d in scale.dimensions]
    harm_max = sum(weights) * 4
    raw = [([i.harm[k] for k in keys], i.likelihood, i.organisational_position, i.opportunity) for i in batch]
    plain = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for harm, likelihood, position, opportunity in raw:
            h = sum(w * x for w, x in zip(weights, harm, strict=True)) / harm_max * 100
            r = h * likelihood / 5
            _ = r * (0.6 + 0.2 * (position - 1) / 4 + 0.2 * (opportunity - 1) / 4)
        plain = min(plain, time.perf_counter() - began)
    return {"engine_s": best, "plain_s": plain}


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


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.test import Client

    from rocu.accounts.models import Region, User
    from rocu.core.demo import DemoContext
    from rocu.threats.demo import seed_threats
    from rocu.threats.models import OrganisedCrimeGroup, Threat

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="head"))
    small = {"threats": Threat.objects.count(), **_time(client, "/threats/")}
    ctx = DemoContext(password="benchmark-password", scale=SCALE)
    ctx.data["region"] = Region.objects.get(code="south-west")
    for name in ("analyst", "head", "lro", "sio", "forcelead"):
        ctx.data[f"user:{name}"] = User.objects.get(username=name)
    began = time.perf_counter()
    seed_threats(ctx)
    seeded = time.perf_counter() - began
    big = {"threats": Threat.objects.count(), "ocgs": OrganisedCrimeGroup.objects.count(), **_time(client, "/threats/")}
    return {"small": small, "big": big, "seed_s": seeded}


def run() -> list[Row]:
    scores = score_figures()
    rows = [
        Row(
            name=f"score {N_SCORES:,} threats (engine)",
            figure=f"{scores['engine_s']:.3f} s",
            reference=f"inline arithmetic, no validation {scores['plain_s']:.3f} s",
            target=f"< {TARGET_SCORE_S:.0f} s",
            met=scores["engine_s"] < TARGET_SCORE_S,
        )
    ]
    with tempfile.TemporaryDirectory(prefix="rocu-bench-") as data_dir:
        env = child_env(ROCU_DATA_DIR=data_dir, ROCU_DEMO="1")
        rocu(["migrate", "--no-input", "-v", "0"], env)
        rocu(["seed-demo", "--quiet"], env)
        result = run_child_json(MODULE, env)
    small, big = result["small"], result["big"]
    rows.append(
        Row(
            name=f"threat picture GET /threats/, head, {big['threats']:,} threats",
            figure=f"median {big['median_ms']:.1f} ms, p95 {big['p95_ms']:.1f} ms, {big['queries']} queries",
            reference=(
                f"{small['threats']} threats: median {small['median_ms']:.1f} ms, p95 {small['p95_ms']:.1f} ms, "
                f"{small['queries']} queries"
            ),
            target=f"p95 < {TARGET_PAGE_MS:.0f} ms, same queries",
            met=big["p95_ms"] < TARGET_PAGE_MS and big["queries"] == small["queries"],
            note=(
                f"SQLite; threats seeder at --scale {SCALE} ({big['threats']:,} threats, {big['ocgs']:,} OCGs, "
                f"seeded in {result['seed_s']:.0f} s); {REQUESTS} timed requests after {WARM_UP} warm-up, "
                "in-process through django.test.Client; the page charts every threat and lists 25"
            ),
        )
    )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the database in the environment, print JSON")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
    else:
        print_table(run())
