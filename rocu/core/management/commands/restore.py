"""`rocu restore SRC [--check] [--force]`: restore a backup, or prove one restores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.core.backup import restore, restore_check
from rocu.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `rocu backup`. With --check, load it into a fresh temporary database, "
        "verify the audit chain and compare row counts, leaving the live database alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path)
        parser.add_argument("--check", action="store_true", help="Only prove the backup restores whole.")
        parser.add_argument("--force", action="store_true", help="Overwrite a database that holds data.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                result = restore_check(options["src"])
                if not result.ok:
                    raise CommandError("Restore check failed:\n  " + "\n  ".join(result.problems))
                self.stdout.write(f"Restore check passed in {result.seconds:.1f}s: {result.verify_output}")
                return
            manifest = restore(options["src"], force=options["force"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Restored the backup of {manifest['created']}. Verifying the audit chain…")
        call_command("audit", "verify", stdout=self.stdout)
