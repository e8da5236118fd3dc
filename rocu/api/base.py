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
        for name in ("page", "page_size"):
            value = request.query_params.get(name)
            if value is not None and (not value.isdigit() or len(value) > 9 or int(value) < 1):
                raise ValidationError({name: ["Must be a whole number of at least 1."]})


class ReadOnlyViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"


class StrictAPIView(StrictQueryMixin, APIView):
    pass
