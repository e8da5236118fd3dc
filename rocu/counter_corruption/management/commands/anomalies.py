"""`rocu anomalies scan [--full]`: read the audit trail for access anomalies.

Without --full the scan starts after the last event the previous scan read; with it,
every event is read again and each user's daily baseline rebuilt.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rocu.counter_corruption.scanning import anomaly_scan


class Command(BaseCommand):
    help = "Access anomaly detection over the audit trail: `rocu anomalies scan [--full]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["scan"])
        parser.add_argument("--full", action="store_true", help="rescan the whole audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = anomaly_scan(full=options["full"], actor_username="cli")
        self.stdout.write(
            f"{'Full' if result.full else 'Incremental'} scan: {result.events} audit events, "
            f"{result.user_days} user-days judged, {result.alerts_raised} alerts raised, "
            f"{result.alerts_updated} updated; read to event #{result.last_seq} "
            f"in {time.perf_counter() - started:.1f} s."
        )
