"""`python -m benchmarks [name ...]`: run every benchmark (or the named ones), print one table.

A missed target is a figure, not a failure: the exit status is 0 whatever the figures
say. It is 1 only when a benchmark could not run at all, which the table shows as ERROR.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import sys
import time
import traceback

import benchmarks
from benchmarks import Row, print_table


def discover() -> list[str]:
    """Every module of the package that defines run(), by name."""
    names = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if callable(getattr(module, "run", None)):
            names.append(info.name)
    return names


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="name", help="one of: " + ", ".join(available))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)} (there are: {', '.join(available)})")
    chosen = args.names or available
    print(
        f"rocu benchmarks: Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}",
        flush=True,
    )
    rows: list[Row] = []
    errors = 0
    started = time.perf_counter()
    for name in chosen:
        began = time.perf_counter()
        print(f"  running {name} ...", end="", flush=True)
        try:
            rows += importlib.import_module(f"benchmarks.{name}").run()
            print(f" {time.perf_counter() - began:.0f} s", flush=True)
        except Exception as exc:
            errors += 1
            print(" ERROR", flush=True)
            traceback.print_exc()
            lines = str(exc).strip().splitlines() or [""]
            cause = lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1].strip()}"
            rows.append(Row(name=name, figure="ERROR", note=f"{type(exc).__name__}: {cause}"))
    print()
    print_table(rows)
    missed = sum(1 for r in rows if r.met is False)
    met = sum(1 for r in rows if r.met)
    print(f"\n{met} targets met, {missed} missed, {errors} errors in {time.perf_counter() - started:.0f} s.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
