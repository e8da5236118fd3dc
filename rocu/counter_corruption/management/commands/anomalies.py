"""`rocu anomalies scan [--full]`: read the audit trail for access anomalies.
`rocu anomalies rules`: print the anomaly rules in force, their version and fingerprint.

Without --full the scan starts after the last event the previous scan read; with it,
every event is read again and each user's daily baseline rebuilt.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rocu.counter_corruption.rules import rules_in_force
from rocu.counter_corruption.scanning import anomaly_scan
from rocu.engines.anomalies import rules_as_mapping


class Command(BaseCommand):
    help = "Access anomaly detection over the audit trail: `rocu anomalies scan [--full]` or `rocu anomalies rules`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["scan", "rules"])
        parser.add_argument("--full", action="store_true", help="rescan the whole audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rules":
            in_force = rules_in_force()
            self.stdout.write(f"Rules {in_force.label} from {in_force.path}")
            for table, values in rules_as_mapping(in_force.rules).items():
                if isinstance(values, dict):
                    for key, value in values.items():
                        self.stdout.write(f"  {table}.{key} = {value}")
                elif table != "version":
                    self.stdout.write(f"  {table} = {values}")
            return
        started = time.perf_counter()
        result = anomaly_scan(full=options["full"], actor_username="cli")
        self.stdout.write(
            f"{'Full' if result.full else 'Incremental'} scan: {result.events} audit events, "
            f"{result.user_days} user-days judged, {result.alerts_raised} alerts raised, "
            f"{result.alerts_updated} updated; read to event #{result.last_seq} "
            f"in {time.perf_counter() - started:.1f} s, rules {result.rules}."
        )
        if result.rules_changed_since_full_scan:
            self.stdout.write(
                "The rules changed since the last full scan: run `rocu anomalies scan --full` "
                "so earlier days are counted under them too."
            )
