"""The synthetic UK generator for linkage benchmarks, with a fixed seed.

The people themselves come from rocu.engines.linkage_synthetic (the demo and the
model's training use the same invented population, with other seeds). This module
fixes the benchmark's seed and writes the CSV files `rocu intel-check` reads:

    python -m benchmarks.uk_synthetic --holdings 100000 --out /tmp/uk
    rocu intel-check --holdings /tmp/uk/holdings.csv --referrals /tmp/uk/referrals.csv --output /tmp/uk/m.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from rocu.engines.linkage_synthetic import Scenario, build_scenario, iter_rows

SEED = 1124  # the benchmark's people; the shipped model was trained on seed 20210210
REFERRALS = 1124


def scenario(holdings: int) -> Scenario:
    return build_scenario(holdings=holdings, referrals=REFERRALS, seed=SEED)


def write(out: Path, holdings: int) -> Scenario:
    data = scenario(holdings)
    out.mkdir(parents=True, exist_ok=True)
    for name, people, id_column in (
        ("holdings.csv", data.holdings, "person_id"),
        ("referrals.csv", data.referrals, "referral_id"),
    ):
        with (out / name).open("w", newline="", encoding="utf-8") as fh:
            rows = list(iter_rows(people, id_column))
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["referral_id", "person_id"])
        writer.writerows(sorted(data.true_pairs))
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--holdings", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    made = write(args.out, args.holdings)
    print(
        f"{len(made.holdings)} holdings, {len(made.referrals)} referrals, {len(made.true_pairs)} true pairs: {args.out}"
    )
