"""Sign-in through the force's identity provider: the person must already exist in rocu."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from rocu.accounts.models import User


class RocuOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = claims.get("email")
        if not email or not claims.get("email_verified", True):
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> User:  # pragma: no cover - OIDC_CREATE_USER is False
        raise PermissionError("rocu does not create users from sign-in")
