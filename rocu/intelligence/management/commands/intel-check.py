"""`rocu intel-check`: check referral subjects against holdings from files, or retrain the model.

    rocu intel-check --holdings H.csv --referrals R.csv --output M.csv [--threshold 0.01]
    rocu intel-check train [--output rocu/intelligence/models_linkage/rocu-linkage-v1.json]

For analysts and benchmarks: files in, files out, no database. The holdings file has
person_id, first_name, surname, dob, address, town, postcode, phone, email; the
referrals file has referral_id and the same person columns.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

PERSON = ["first_name", "surname", "dob", "address", "town", "postcode", "phone", "email"]


def read_csv(path: str, id_column: str) -> Any:
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not UTF-8 text. Save it as CSV UTF-8.") from None
    except Exception as exc:  # noqa: BLE001 - pandas raises many parser errors
        raise CommandError(f"{path}: not a readable CSV ({exc}).") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in [id_column, *PERSON] if c not in frame.columns]
    if missing:
        raise CommandError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")
    duplicated = frame[id_column][frame[id_column].duplicated()]
    if len(duplicated):
        row = int(duplicated.index[0]) + 2
        raise CommandError(f"{path}: row {row}: {id_column} {duplicated.iloc[0]!r} appears more than once.")
    return frame


class Command(BaseCommand):
    help = "Check referral subjects against holdings (CSV in, CSV out), or `train` the linkage model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["check", "train"], default="check")
        parser.add_argument("--holdings", help="holdings CSV")
        parser.add_argument("--referrals", help="referrals CSV")
        parser.add_argument("--output", help="where to write matches (or the trained model)")
        parser.add_argument("--threshold", type=float, default=0.01, help="lowest match probability kept")
        parser.add_argument("--model", help="a model file other than the shipped one")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rocu.engines import linkage

        if opts["action"] == "train":
            out = Path(opts["output"] or linkage.DEFAULT_MODEL_PATH)
            started = time.perf_counter()
            model = linkage.train_on_invented_people(version=out.stem)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(model.to_json() + "\n", encoding="utf-8")
            self.stdout.write(f"Trained {model.version} in {time.perf_counter() - started:.1f} s: {out}")
            return
        for name in ("holdings", "referrals", "output"):
            if not opts[name]:
                raise CommandError(f"--{name} is required.")
        if not 0 < opts["threshold"] <= 1:
            raise CommandError("--threshold must be above 0 and at most 1.")
        model = linkage.load_model(opts["model"]) if opts["model"] else linkage.load_model()
        started = time.perf_counter()
        holdings = read_csv(opts["holdings"], "person_id")
        referrals = read_csv(opts["referrals"], "referral_id")
        try:
            prepared_h = linkage.prepare(holdings, id_column="person_id")
        except linkage.LinkageInputError as exc:
            raise CommandError(f"{opts['holdings']}: {exc}") from None
        try:
            prepared_r = linkage.prepare(referrals, id_column="referral_id")
        except linkage.LinkageInputError as exc:
            raise CommandError(f"{opts['referrals']}: {exc}") from None
        found = linkage.link(subjects=prepared_r, holdings=prepared_h, model=model, threshold=opts["threshold"])
        with open(opts["output"], "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["referral_id", "person_id", "match_probability"])
            for c in linkage.best_first(found):
                writer.writerow([c.subject_id, c.holding_id, f"{c.match_probability:.6f}"])
        self.stdout.write(
            f"{len(found)} candidate matches for {len(referrals)} referrals against {len(holdings)} holdings "
            f"in {time.perf_counter() - started:.1f} s (model {model.version}): {opts['output']}"
        )
