"""`rocu api-token create USERNAME --name N` prints a token once; `revoke PREFIX`; `list`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.accounts.models import ApiToken, User
from rocu.accounts.services import api_token_create, api_token_revoke
from rocu.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create, list or revoke API bearer tokens for integrations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="integration")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                user = User.objects.filter(username=options["username"]).first()
                if user is None:
                    raise CommandError(f"No user called {options['username']!r}.")
                token, raw = api_token_create(actor=None, user=user, name=options["name"])
                self.stdout.write(raw)
                self.stderr.write(f"Token {token.prefix} created for {user.username}. It is shown once; store it now.")
            elif action == "revoke":
                found = ApiToken.objects.filter(prefix=options["prefix"]).select_related("user").first()
                if found is None:
                    raise CommandError(f"No token with prefix {options['prefix']!r}.")
                api_token_revoke(actor=None, token=found)
                self.stdout.write(f"Token {found.prefix} revoked.")
            else:
                qs = ApiToken.objects.select_related("user")
                if options.get("username"):
                    qs = qs.filter(user__username=options["username"])
                for t in qs:
                    state = "revoked" if t.revoked_at else "active"
                    self.stdout.write(f"{t.prefix}\t{t.user.username}\t{t.name}\t{state}\t{t.created_at:%Y-%m-%d}")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
