"""`rocu retention sync`: give every record holding personal data its review group and date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rocu.records.services import retention_config, retention_sync


class Command(BaseCommand):
    help = "Records review and retention: `rocu retention sync` registers every record with personal data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_sync(actor_username="cli")
        self.stdout.write(
            f"Retention ({retention_config().version}): {result.created} records registered, "
            f"{result.updated} review dates updated."
        )
