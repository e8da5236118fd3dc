"""Sign-in, sign-out and failed sign-in go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from rocu.audit.models import Category
from rocu.audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, category=Category.AUTHENTICATION, action="accounts.sign_in", obj=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, category=Category.AUTHENTICATION, action="accounts.sign_out", obj=user)


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted username is kept (it is how guessing is seen); the password never is.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None, actor_username=username, category=Category.AUTHENTICATION, action="accounts.sign_in_failed"
    )
