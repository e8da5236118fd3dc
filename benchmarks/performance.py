"""Performance and management information: disclosure control and a large export.

Disclosure: `rocu.engines.disclosure.protect` on a 100 x 100 table (10,000 cells) of
small and large counts; reference, one plain pass summing the same cells.
Export: 100,000 generated rows written as CSV through `rocu.core.exports.csv_response`
(the path every performance export takes); reference, the same rows through the bare
`csv` module into memory.

The dashboard figure at --scale 50 with ten regions is not measured here yet: see the
report of issue 7.

    python -m benchmarks performance
"""

from __future__ import annotations

import csv
import io
import os
import random
import time

from benchmarks import Row

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


def run() -> list[Row]:
    return _disclosure() + _export()
