"""`rocu jobs reap [--after SECONDS]`: mark jobs whose worker died as interrupted (for cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rocu.core.jobs import jobs_reap


class Command(BaseCommand):
    help = "Mark running jobs with no progress for a while (their worker died) as interrupted, so they can be retried."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reap"])
        parser.add_argument(
            "--after", type=int, default=None, help="seconds without progress (default: JOB_STALE_AFTER_SECONDS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        after = options["after"]
        count = jobs_reap(stale_after=dt.timedelta(seconds=after) if after is not None else None)
        self.stdout.write(f"{count} interrupted job{'' if count == 1 else 's'} marked for retry.")
