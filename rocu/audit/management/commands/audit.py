"""`rocu audit verify`: walk the hash chain and name the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `rocu audit verify` checks the hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
            return
        raise CommandError(
            f"Audit chain broken at event #{report.first_broken_seq}: {report.reason} "
            f"({report.checked} events verified before it)."
        )
