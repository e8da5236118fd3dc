"""Base classes for every API view: strict query parameters, problem+json errors."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

PAGING_PARAMS = frozenset({"page", "page_size", "format"})


class StrictQueryMixin:
    """Refuse query parameters the endpoint does not know, rather than ignore them."""

    allowed_query_params: ClassVar[frozenset[str]] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        allowed = self.allowed_query_params | PAGING_PARAMS
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        odd = {name: reason for name, values in request.query_params.lists() if (reason := _odd_value(values))}
        if odd:
            raise ValidationError({name: [odd[name]] for name in sorted(odd)})
        for name in ("page", "page_size"):
            value = request.query_params.get(name)
            if value is not None and not is_whole_number(value):
                raise ValidationError({name: ["Must be a whole number of at least 1."]})


def _odd_value(values: list[str]) -> str:
    """Values no filter can use, refused here so no view has to think of them:
    NUL (PostgreSQL refuses it in text) and digits such as "²" that str.isdigit()
    accepts but int() refuses."""
    for value in values:
        if "\x00" in value:
            return "Must not contain NUL characters."
        if value.isdigit() and not value.isdecimal():
            return "Use the digits 0 to 9."
    return ""


def is_whole_number(value: str, max_digits: int = 9) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() then refuses."""
    return value.isascii() and value.isdigit() and len(value) <= max_digits and int(value) >= 1


class ReadOnlyViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"


class StrictAPIView(StrictQueryMixin, APIView):
    pass
