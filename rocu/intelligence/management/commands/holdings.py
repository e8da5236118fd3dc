"""`rocu holdings import FILE --source NAME [--replace] [--region CODE] [--as USERNAME]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.accounts.models import Region, User
from rocu.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Import a holdings extract (CSV: person_id, first_name, surname, dob, address, town, postcode, phone, email)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="the force system, e.g. 'Devon and Cornwall Niche'")
        parser.add_argument("--replace", action="store_true", help="drop this source's records first")
        parser.add_argument("--region", help="region code (default: the importing user's)")
        parser.add_argument("--as", dest="username", default="", help="the analyst the import is recorded against")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rocu.intelligence.services import holdings_csv_rows, holdings_import

        try:
            actor = User.objects.get(username=opts["username"]) if opts["username"] else None
        except User.DoesNotExist:
            raise CommandError(f"No user {opts['username']!r}.") from None
        if actor is None:
            raise CommandError("Name the analyst the import is recorded against with --as USERNAME.")
        region_code = opts["region"]
        try:
            region = (
                Region.objects.get(code=region_code) if region_code else Region.objects.get(pk=actor.region_id or 0)
            )
        except Region.DoesNotExist:
            raise CommandError("Unknown region.") from None
        try:
            with open(opts["file"], "rb") as fh:
                rows = holdings_csv_rows(fh.read())
        except FileNotFoundError:
            raise CommandError(f"{opts['file']}: no such file.") from None
        except ApplicationError as exc:
            raise CommandError(f"{opts['file']}: {exc.message}") from None
        try:
            counts = holdings_import(
                actor=actor, region=region, source_name=opts["source"], rows=rows, replace=opts["replace"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{opts['source']}: {counts['added']} added, {counts['updated']} updated, {counts['removed']} removed; "
            f"{counts['total']} held."
        )
