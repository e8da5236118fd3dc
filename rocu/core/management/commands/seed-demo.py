"""`rocu seed-demo`: the South West ROCU with one login per role, idempotently."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core.demo import DemoContext, seeders

DEFAULT_PASSWORD = "rocu-demo-password"


class Command(BaseCommand):
    help = "Create or refresh the demo region (South West ROCU) with one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo login.")
        parser.add_argument("--scale", type=int, default=1, help="Multiply generated volumes (for benchmarks).")
        parser.add_argument(
            "--regions",
            choices=["one", "all"],
            default="one",
            help="'all' adds activity for every region of the network.",
        )
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["scale"] <= 1000:
            raise CommandError("--scale must be between 1 and 1000.")
        if len(options["password"]) < 12:
            raise CommandError("--password must be at least 12 characters.")
        ctx = DemoContext(password=options["password"], scale=options["scale"], all_regions=options["regions"] == "all")
        for _order, name, seeder in seeders():
            started = time.monotonic()
            with transaction.atomic():
                seeder(ctx)
            self.stderr.write(f"  seeded {name} ({time.monotonic() - started:.1f}s)")
        audit_record(
            actor=None,
            actor_username="seed-demo",
            category=Category.COLLECTION,
            action="core.demo.seed",
            detail={"scale": ctx.scale, "all_regions": ctx.all_regions, "seeders": [n for _, n, _ in seeders()]},
        )
        # Tables just filled in bulk: fresh planner statistics, or PostgreSQL plans for empty tables
        # (autovacuum would get there, minutes later). SQLite's planner needs none at this size.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if options["quiet"]:
            return
        self.stdout.write("\nDemo logins (every one uses the same password):\n")
        width = max(len(u) for u, _ in ctx.logins) if ctx.logins else 8
        for username, what in ctx.logins:
            self.stdout.write(f"  {username.ljust(width)}  {what}")
        self.stdout.write(f"\n  password: {ctx.password}\n")
        for note in ctx.notes:
            self.stdout.write(f"  {note}")
