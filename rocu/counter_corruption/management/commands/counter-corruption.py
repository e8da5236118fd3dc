"""`rocu counter-corruption senior USERNAME [--withdraw]`: the senior counter-corruption grant.

A senior investigator sees the counter-corruption team's own access. rocu's roles are
fixed by the foundation, so seniority is a grant on top of the auditor role; a ROCU head
gives it in the service, and an administrator can give it here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.accounts.models import User
from rocu.core.errors import ApplicationError
from rocu.counter_corruption.services import senior_grant


class Command(BaseCommand):
    help = "Counter-corruption administration: `rocu counter-corruption senior USERNAME [--withdraw]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["senior"])
        parser.add_argument("username")
        parser.add_argument("--withdraw", action="store_true", help="withdraw the grant instead of giving it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user called {options['username']!r}.")
        try:
            senior_grant(actor=None, user=user, grant=not options["withdraw"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        done = "withdrawn from" if options["withdraw"] else "given to"
        self.stdout.write(f"Senior counter-corruption grant {done} {user.username}.")
