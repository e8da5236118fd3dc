"""`make bench`: rocu's figures printed beside a reference, never pass or fail.

Each benchmark is a module of this package with a `run() -> list[Row]`;
`python -m benchmarks` finds every such module (in alphabetical order), so a new
benchmark is a new file and nothing else. Settings are read from the environment when
Django starts, so a benchmark that needs its own database runs its measurement in a
child process (`python -m benchmarks.<name> --json`) with DATABASE_URL and
ROCU_DATA_DIR set, and reads the JSON it prints. The parent process never sets Django
up, so a module imports Django and rocu's apps inside its functions, not at the top.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PG_SERVER = os.environ.get("ROCU_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


@dataclass
class Row:
    """One line of the table. `met` is None where there is no target to meet."""

    name: str
    figure: str
    reference: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a measuring child: this one minus rocu's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCU_") and k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "rocu.settings"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(overrides)
    return env


def run_child(args: list[str], env: dict[str, str], *, timeout: float = 600) -> str:
    """Run `python <args>` in the project root; raise with its stderr if it fails."""
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"`python {' '.join(args)}` exited {proc.returncode}:\n{tail}")
    return proc.stdout


def run_child_json(module: str, env: dict[str, str], *extra: str, timeout: float = 600) -> Any:
    """Run `python -m <module> --json` and return the JSON on its last line of output."""
    out = run_child(["-m", module, "--json", *extra], env, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def rocu(args: list[str], env: dict[str, str], *, timeout: float = 600) -> str:
    """Run the `rocu` command (the same as manage.py) in a child process."""
    return run_child(["-m", "rocu.cli", *args], env, timeout=timeout)


def postgres_recreate(name: str) -> str | None:
    """Drop and create database `name`; its URL, or None if no server answers."""
    import psycopg

    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.Error:
        return None
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the value at or below which `pct`% of them fall."""
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * pct / 100))
    return ordered[rank - 1]


def verdict(met: bool | None) -> str:
    return "" if met is None else ("MET" if met else "MISSED")


def print_table(rows: list[Row]) -> None:
    """One plain-text table: name | figure | reference | target | met?, then the notes."""
    header = ("name", "figure", "reference", "target", "met?")
    lines = [(r.name, r.figure, r.reference, r.target, verdict(r.met)) for r in rows]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def fmt(cells: tuple[str, ...]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    print(fmt(header))
    print("-+-".join("-" * w for w in widths))
    for cells in lines:
        print(fmt(cells))
    notes = [f"  {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        print("\nNotes:")
        print("\n".join(notes))
