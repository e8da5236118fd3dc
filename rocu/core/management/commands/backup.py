"""`rocu backup DEST`: database and uploaded files into a new directory, with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.core.backup import backup
from rocu.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Back up the database (online) and uploaded files into DEST, a new directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup(options["dest"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Backup written to {report.path}: {report.tables} tables, {report.rows} rows, "
            f"{report.bytes / 1e6:.1f} MB, audit chain head #{report.audit_head}, in {report.seconds:.1f}s."
        )
