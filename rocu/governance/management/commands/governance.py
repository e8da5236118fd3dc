"""`rocu governance reminders [--date YYYY-MM-DD]`: email reminders before due dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.governance.reminders import reminders_send


class Command(BaseCommand):
    help = "Governance tasks. reminders: email owners and PCC offices before due dates (safe to run repeatedly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", choices=["reminders"])
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--site", default="", help="address to put before links, e.g. https://rocu.example")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must look like 2021-03-10") from None
        run = reminders_send(today=today, site=options["site"].rstrip("/"))
        self.stdout.write(f"{len(run.sent)} reminders sent ({run.emails} emails) for {run.today:%d %B %Y}.")
