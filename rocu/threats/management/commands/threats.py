"""`rocu threats import FILE --user NAME [--valid-rows]` and `rocu threats refresh-flags`.

Import checks every row first and imports nothing from a file with errors unless
`--valid-rows` is given; the per-row report goes to stderr. `refresh-flags` recomputes
the stored flags, e.g. nightly, or once a 4P plan provider is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.accounts.models import Region, User
from rocu.core.errors import ApplicationError
from rocu.threats import services


class Command(BaseCommand):
    help = "Import threats from CSV, or recompute the tasking flags."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import threats from a UTF-8 CSV file.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", required=True, help="The analyst or ROCU head the import is recorded against.")
        imp.add_argument("--valid-rows", action="store_true", help="Import the valid rows even if others have errors.")
        refresh = sub.add_parser("refresh-flags", help="Recompute every threat's and OCG's flags.")
        refresh.add_argument("--region", help="Only this region (its code).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            region = None
            if options.get("region"):
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(f"No region with code {options['region']!r}.")
            changed = services.flags_refresh_all(region=region)
            self.stdout.write(f"Flags recomputed; {changed} threats and OCGs changed.")

    def _import(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        region = user.region
        if region is None:
            raise CommandError("That user has no home region.")
        try:
            report = services.threats_import(
                actor=user, region=region, content=path.read_bytes(), import_valid_rows=options["valid_rows"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for row in report.invalid:
            self.stderr.write(f"line {row.line}: {'; '.join(row.errors)}")
        if report.invalid and not report.imported:
            raise CommandError(
                f"{len(report.invalid)} of {len(report.rows)} rows have errors: nothing imported "
                "(use --valid-rows to import the others)."
            )
        self.stdout.write(f"Imported {len(report.imported)} threats: {', '.join(report.imported)}")
