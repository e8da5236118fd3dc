"""`make reliability`: the full reliability set, one summary table at the end.

    python -m reliability                 # everything below, in order
    python -m reliability tests           # the long versions of tests/reliability (fuzzing, faults, hostile input)
    python -m reliability load            # gunicorn + PostgreSQL + demo at --scale 50, 50 users (locust)
    python -m reliability backup          # backup and restore --check of the same database, timed and sized

The load database (`rocu_load` on ROCU_BENCH_PG, default postgres://postgres@127.0.0.1:5432)
is seeded once and reused while its seed marker matches; `--reseed` starts it again.
Everything listens on loopback only. Like `make bench`, figures are printed, not
asserted: the exit status is 1 only when a part could not run at all.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks import PG_SERVER, ROOT, Row, print_table

BIN = Path(sys.executable).parent
LOAD_DB = "rocu_load"
SCALE = int(os.environ.get("ROCU_LOAD_SCALE", "50"))
USERS = int(os.environ.get("ROCU_LOAD_USERS", "50"))
DURATION = os.environ.get("ROCU_LOAD_DURATION", "120s")
# People arrive over the first half minute rather than all in one second: each sign-in is an
# Argon2 hash (about 100 MB and a few hundred ms of CPU by design), and 50 at once is not a morning.
SPAWN_RATE = os.environ.get("ROCU_LOAD_SPAWN_RATE", "2")
PORT = int(os.environ.get("ROCU_LOAD_PORT", "8765"))
PASSWORD = "rocu-load-password"  # loopback-only demo logins on a throwaway database
P95_TARGET_MS = 500.0
STATE = ROOT / "var" / "reliability"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCU_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="rocu.settings",
        DATABASE_URL=f"{PG_SERVER}/{LOAD_DB}",
        ROCU_DATA_DIR=str(STATE / "data"),
        ROCU_DEMO="1",
        ROCU_ALLOWED_HOSTS="127.0.0.1,localhost",
        ROCU_API_RATE="1000000/hour",  # the throttle is tested elsewhere; here it would only count as errors
        ROCU_DB_CONN_MAX_AGE="60",
    )
    env.update(extra)
    return env


def _rocu(*args: str, env: dict[str, str], timeout: float = 3600) -> str:
    proc = subprocess.run(
        [str(BIN / "rocu"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"rocu {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
    return proc.stdout


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def prepare_database(reseed: bool) -> dict[str, Any]:
    """Migrate and seed the load database once; a marker file says what it holds."""
    marker = STATE / "seeded.json"
    wanted = {"scale": SCALE, "regions": "all"}
    if not reseed and marker.exists() and json.loads(marker.read_text()).get("want") == wanted:
        return json.loads(marker.read_text())
    STATE.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(STATE / "data", ignore_errors=True)
    _psql(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
    _psql(f"CREATE DATABASE {LOAD_DB}")
    env = _env()
    began = time.perf_counter()
    _rocu("migrate", "--no-input", "-v", "0", env=env)
    _rocu("seed-demo", "--scale", str(SCALE), "--regions", "all", "--password", PASSWORD, env=env)
    state = {"want": wanted, "seed_seconds": round(time.perf_counter() - began, 1)}
    marker.write_text(json.dumps(state))
    return state


def _wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer 200 within {seconds:.0f} s")


def run_load(reseed: bool = False) -> list[Row]:
    state = prepare_database(reseed)
    env = _env()
    tokens = {
        user: _rocu("api-token", "create", user, "--name", "load test", env=env).strip()
        for user in ("head", "disruption")
    }
    workers = str(max(2, (os.cpu_count() or 2) * 2))
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "rocu.wsgi", "-w", workers, "-k", "gthread", "--threads", "4",
         "-b", f"127.0.0.1:{PORT}", "--timeout", "120", "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [str(BIN / "rocu"), "db_worker", "--interval", "0.5"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    out = Path(tempfile.mkdtemp(prefix="rocu-load-"))
    try:
        _wait_ready(f"http://127.0.0.1:{PORT}/readyz")
        locust_env = {**os.environ, "ROCU_LOAD_PASSWORD": PASSWORD, "ROCU_LOAD_TOKENS": json.dumps(tokens)}
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "reliability" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", SPAWN_RATE, "-t", DURATION, "--host", f"http://127.0.0.1:{PORT}",
             "--csv", str(out / "load"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
    finally:
        for proc in (server, worker):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    verify = subprocess.run(
        [str(BIN / "rocu"), "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    rows = _load_rows(out / "load_stats.csv", state)
    rows += _failure_rows(out / "load_failures.csv")
    rows.append(
        Row(
            name="load: audit chain after the run",
            figure="intact" if verify.returncode == 0 else "BROKEN",
            target="intact",
            met=verify.returncode == 0,
            note=(verify.stdout or verify.stderr).strip().splitlines()[-1][:100]
            if (verify.stdout or verify.stderr)
            else "",
        )
    )
    return rows


def _load_rows(stats: Path, state: dict[str, Any]) -> list[Row]:
    with stats.open(newline="") as f:
        records = list(csv.DictReader(f))
    rows = []
    total = next(r for r in records if r["Name"] == "Aggregated")
    for r in sorted((r for r in records if r["Name"] != "Aggregated"), key=lambda r: -int(r["Request Count"])):
        rows.append(
            Row(
                name=f"load {r['Type']} {r['Name']}",
                figure=f"{float(r['Requests/s']):.2f} req/s; p50 {r['50%']} / p95 {r['95%']} / p99 {r['99%']} ms; "
                f"{r['Failure Count']} errors of {r['Request Count']}",
            )
        )
    p95 = float(total["95%"])
    errors = int(total["Failure Count"])
    rows.append(
        Row(
            name=f"load: all endpoints, {USERS} users, {DURATION}, --scale {SCALE}, ten regions",
            figure=f"{float(total['Requests/s']):.1f} req/s; p50 {total['50%']} / p95 {total['95%']} / "
            f"p99 {total['99%']} ms; {errors} errors of {total['Request Count']}",
            reference=f"{os.cpu_count()} CPUs; gunicorn gthread; PostgreSQL; think times / "
            f"{os.environ.get('ROCU_LOAD_PACE', '1')} (locustfile THINK); seeded in {state.get('seed_seconds')} s",
            target=f"p95 < {P95_TARGET_MS:.0f} ms, no errors",
            met=p95 < P95_TARGET_MS and errors == 0,
        )
    )
    return rows


def _failure_rows(failures: Path) -> list[Row]:
    """What went wrong, per endpoint and error, so an error count never hides its cause."""
    if not failures.exists():
        return []
    with failures.open(newline="") as f:
        return [
            Row(name=f"load error {r['Method']} {r['Name']}", figure=f"{r['Occurrences']} x", note=r["Error"][:120])
            for r in csv.DictReader(f)
        ]


def run_backup(reseed: bool = False) -> list[Row]:
    """Back up the load database while nothing runs, then restore --check it into a fresh one."""
    prepare_database(reseed)
    env = _env()
    dest = Path(tempfile.mkdtemp(prefix="rocu-backup-")) / "load-backup"
    began = time.perf_counter()
    _rocu("backup", str(dest), env=env)
    backup_s = time.perf_counter() - began
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    began = time.perf_counter()
    checked = _rocu("restore", str(dest), "--check", env=env)
    restore_s = time.perf_counter() - began
    shutil.rmtree(dest.parent, ignore_errors=True)
    last = checked.strip().splitlines()[-1] if checked.strip() else ""
    return [
        Row(
            name=f"backup PostgreSQL at --scale {SCALE} (ten regions)", figure=f"{backup_s:.1f} s, {size / 1e6:.1f} MB"
        ),
        Row(
            name="restore --check of that backup (load, audit verify, row counts)",
            figure=f"{restore_s:.1f} s",
            note=last[:100],
        ),
    ]


def run_tests(reseed: bool = False) -> list[Row]:
    """The long versions of tests/reliability (the `make test` suite runs the short ones)."""
    began = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "pytest"), "-q", "-n", "2", "--dist", "loadgroup",
         "-m", "reliability_full or not reliability_full", "tests/reliability",
         "-p", "no:randomly", "--no-header", "-o", "addopts=-p no:cacheprovider --strict-markers"],
        cwd=ROOT, env={**os.environ, "ROCU_RELIABILITY_FULL": "1"}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]
    return [
        Row(
            name="tests/reliability, long versions (fuzzing, faults, hostile input)",
            figure=summary,
            target="no failures",
            met=proc.returncode == 0,
            note=f"{time.perf_counter() - began:.0f} s",
        )
    ]


PARTS = {"tests": run_tests, "load": run_load, "backup": run_backup}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("parts", nargs="*", metavar="part", help="tests, load or backup (default: all three)")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the load database again")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.parts) - set(PARTS))
    if unknown:
        parser.error(f"no part named {', '.join(unknown)} (there are: {', '.join(PARTS)})")
    rows: list[Row] = []
    failed = 0
    for name in args.parts or list(PARTS):
        print(f"  running {name} ...", flush=True)
        began = time.perf_counter()
        try:
            rows += PARTS[name](args.reseed)
        except Exception as exc:  # a part that cannot run is reported, and the rest still run
            failed += 1
            rows.append(Row(name=f"{name}", figure="ERROR", note=str(exc)[:200]))
        print(f"  {name}: {time.perf_counter() - began:.0f} s", flush=True)
    print_table(rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
