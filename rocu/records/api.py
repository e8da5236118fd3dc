"""API for records management: the review queue and review decisions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import ReadOnlyViewSet
from rocu.core import policy
from rocu.records import selectors, services
from rocu.records.models import RetentionRecord, ReviewDecision, ReviewDecisionKind
from rocu.records.permissions import RECORDS_REVIEW


class RetentionRecordSerializer(serializers.ModelSerializer[RetentionRecord]):
    class Meta:
        model = RetentionRecord
        fields = [
            "id",
            "object_type",
            "object_id",
            "reference",
            "group",
            "config_version",
            "next_review",
            "review_basis",
            "last_reviewed",
            "legal_hold",
            "status",
            "disposed_at",
        ]


class RetentionDecisionInSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=ReviewDecisionKind.choices)
    reason = serializers.CharField(max_length=1000, allow_blank=True)


class RetentionDecisionSerializer(serializers.ModelSerializer[ReviewDecision]):
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = ReviewDecision
        fields = ["id", "decision", "reason", "reviewer", "decided_at", "next_review"]


class RetentionRecordViewSet(ReadOnlyViewSet):
    serializer_class = RetentionRecordSerializer
    allowed_query_params = frozenset({"due", "group"})

    @extend_schema(
        parameters=[
            OpenApiParameter("due", str, enum=["due", "year", "all"], description="default: due now"),
            OpenApiParameter("group", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[RetentionRecord]:
        if getattr(self, "swagger_fake_view", False):
            return RetentionRecord.objects.none()
        policy.require(self.request.user, RECORDS_REVIEW)
        p = self.request.query_params
        due = p.get("due", "due")
        if due not in ("due", "year", "all"):
            raise serializers.ValidationError({"due": ["Use due, year or all."]})
        group = p.get("group", "")
        if group and group not in ("1", "2", "3"):
            raise serializers.ValidationError({"group": ["Use 1, 2 or 3."]})
        if self.action != "list":
            return selectors.retention_visible(user=self.request.user)
        return selectors.retention_queue(user=self.request.user, due=due, group=int(group) if group else None)

    @extend_schema(request=RetentionDecisionInSerializer, responses={201: RetentionDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Retain (with a reason) or dispose of the record (erases its personal data)."""
        policy.require(request.user, RECORDS_REVIEW)
        found = selectors.retention_get(user=request.user, pk=pk)
        incoming = RetentionDecisionInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        made = services.retention_decide(actor=request.user, record=found, **incoming.validated_data)
        return Response(RetentionDecisionSerializer(made).data, status=status.HTTP_201_CREATED)
