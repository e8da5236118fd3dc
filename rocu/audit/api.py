"""API for auditors: the trail, filtered, paginated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import ReadOnlyViewSet
from rocu.audit import selectors
from rocu.audit.models import AuditEvent, Category
from rocu.core import policy
from rocu.core.policy import Perm


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor_id",
            "actor_username",
            "region_id",
            "category",
            "action",
            "object_type",
            "object_id",
            "reason",
            "recipient",
            "detail",
            "ip_address",
            "prev_digest",
            "digest",
        ]


def _date(params: Any, name: str) -> dt.date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError({name: ["Use a date as YYYY-MM-DD."]}) from None


class AuditEventViewSet(ReadOnlyViewSet):
    serializer_class = AuditEventSerializer
    lookup_field = "seq"
    lookup_value_regex = r"\d{1,18}"
    allowed_query_params = frozenset(
        {"actor", "category", "action", "object_type", "object_id", "date_from", "date_to"}
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("actor", str),
            OpenApiParameter("category", str, enum=list(Category.values)),
            OpenApiParameter("action", str),
            OpenApiParameter("object_type", str),
            OpenApiParameter("object_id", str),
            OpenApiParameter("date_from", dt.date),
            OpenApiParameter("date_to", dt.date),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return AuditEvent.objects.none()
        policy.require(self.request.user, Perm.AUDIT_VIEW)
        p = self.request.query_params
        category = p.get("category", "")
        if category and category not in Category.values:
            raise serializers.ValidationError({"category": ["Unknown category."]})
        for name in ("actor", "action", "object_type", "object_id"):
            if len(p.get(name, "")) > 150:
                raise serializers.ValidationError({name: ["Too long."]})
        return selectors.events_list(
            user=self.request.user,
            actor=p.get("actor", ""),
            category=category,
            action=p.get("action", ""),
            object_type=p.get("object_type", ""),
            object_id=p.get("object_id", ""),
            date_from=_date(p, "date_from"),
            date_to=_date(p, "date_to"),
        )
