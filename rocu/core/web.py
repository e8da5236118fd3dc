"""Small helpers shared by every app's views: permission gates, pagination, sorting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from rocu.core import policy
from rocu.core.errors import ApplicationError

F = TypeVar("F", bound=Callable[..., HttpResponseBase])

PAGE_SIZES = (25, 50, 100)


def perm_required(perm: str) -> Callable[[F], F]:
    """Signed in (else redirect to sign-in) and holding `perm` (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            policy.require(request.user, perm)
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator


def paginate(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], default_size: int = 25) -> Page[Any]:
    """A page of items; a bad or out-of-range page number shows the nearest real page."""
    try:
        size = int(request.GET.get("per_page", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    paginator = Paginator(items, size)
    number = request.GET.get("page", "1")
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def apply_service_error(form: Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: on the named field if it has one."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def querystring(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def signed_in_user(request: HttpRequest) -> Any:
    """The signed-in user of a view already behind `perm_required` or `login_required`.

    Typed as Any so views can use rocu's User fields without a cast at every turn.
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionError("view reached without a signed-in user")
    return user
