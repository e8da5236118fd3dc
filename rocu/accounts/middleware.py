"""Second factor for every role that sees personal data (and the auditor)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode

from rocu.core import policy

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/oidc/")


def two_factor_satisfied(request: HttpRequest) -> bool:
    user = request.user
    if not policy.requires_two_factor(user):
        return True
    if settings.DEMO and getattr(user, "demo_login", False):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not two_factor_satisfied(request)
        ):
            if request.path.startswith("/api/"):
                if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
                    return self.get_response(request)  # tokens are checked by the API itself
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Two-factor sign-in needed",
                        "status": 403,
                        "detail": "Finish signing in with your authenticator app first.",
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            target = reverse("accounts:two-factor") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)
