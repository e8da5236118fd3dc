"""Bearer tokens for integrations (stored as SHA-256 digests) and browser sessions."""

from __future__ import annotations

import datetime as dt
import hmac
import re
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from rocu.accounts.middleware import two_factor_satisfied
from rocu.accounts.models import ApiToken
from rocu.accounts.services import TOKEN_PREFIX, token_digest

_TOUCH_EVERY = dt.timedelta(minutes=5)
# Prefixes are hex (secrets.token_hex); checking first keeps NUL and the like away from the database.
_PREFIX_RE = re.compile(r"[0-9a-f]{1,16}")


class _BadTokenThrottle(UserRateThrottle):
    """Refused tokens, counted per address at the API rate: a refusal comes before the
    view's own throttle, so without this token guessing would never be slowed."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": "bad-token", "ident": self.get_ident(request)}


def _refuse(request: Request, message: str) -> exceptions.APIException:
    throttle = _BadTokenThrottle()
    view: Any = (request.parser_context or {}).get("view")
    if not throttle.allow_request(request, view):
        return exceptions.Throttled(wait=throttle.wait())
    return exceptions.AuthenticationFailed(message)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Bearer <token>'.")
        raw = parts[1]
        pieces = raw.split("_", 2)
        if len(pieces) != 3 or pieces[0] != TOKEN_PREFIX or len(raw) > 200 or not _PREFIX_RE.fullmatch(pieces[1]):
            raise _refuse(request, "That token is not valid.")
        token = ApiToken.objects.select_related("user").filter(prefix=pieces[1]).first()
        if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
            raise _refuse(request, "That token is not valid.")
        if token.revoked_at is not None:
            raise _refuse(request, "That token has been revoked.")
        if not token.user.is_active:
            raise _refuse(request, "That token's user is not active.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="rocu"'


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, only once its second factor is done."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if not two_factor_satisfied(request._request):
            return None
        return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema how integrations authenticate."""

    target_class = "rocu.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A token from `rocu api-token create USERNAME`."}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "rocu.api.authentication.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
