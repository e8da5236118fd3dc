"""API for governance: inspections with their findings, each region's tracking of
recommendations, and the 56-day responses; all read-only and through the selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import ReadOnlyViewSet
from rocu.core import policy
from rocu.core.policy import Perm
from rocu.governance import selectors
from rocu.governance.models import (
    Finding,
    FindingKind,
    Inspection,
    InspectionResponse,
    ProgressStatus,
    RecommendationPosition,
    RecommendationTracking,
)


class FindingSerializer(serializers.ModelSerializer[Finding]):
    finding_kind = serializers.ChoiceField(source="kind", choices=FindingKind.choices, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "finding_kind", "reference", "paragraph_ref", "text", "addressed_to", "due_date", "cause"]


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    findings = FindingSerializer(many=True, read_only=True)
    response_due = serializers.DateField(read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "body", "title", "published", "response_due", "scope", "region", "findings"]


class TrackingSerializer(serializers.ModelSerializer[RecommendationTracking]):
    reference = serializers.CharField(source="finding.reference")
    inspection = serializers.IntegerField(source="finding.inspection_id")
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    approver = serializers.CharField(source="approver.username", allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = RecommendationTracking
        fields = [
            "id",
            "finding",
            "reference",
            "inspection",
            "region",
            "owner",
            "approver",
            "due_date",
            "progress",
            "progress_since",
            "outcome",
            "outcome_since",
            "closure_requested_at",
            "closed_at",
            "overdue",
        ]

    def to_representation(self, instance: RecommendationTracking) -> dict[str, Any]:
        """PCC and national roles see progress, never who owns or approves it (aggregates only)."""
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not policy.has_perm(request.user, Perm.PERSONAL_DATA_VIEW):
            data["owner"] = data["approver"] = None
        return data

    def get_overdue(self, obj: RecommendationTracking) -> bool:
        state = obj.deadline()
        return bool(state and state.overdue)


class PositionSerializer(serializers.ModelSerializer[RecommendationPosition]):
    class Meta:
        model = RecommendationPosition
        fields = ["finding", "position", "reasons"]


class ResponseSerializer(serializers.ModelSerializer[InspectionResponse]):
    positions = PositionSerializer(many=True, read_only=True)
    due = serializers.DateField(read_only=True)

    class Meta:
        model = InspectionResponse
        fields = [
            "id",
            "inspection",
            "force",
            "region",
            "due",
            "state",
            "published_at",
            "public_slug",
            "chief_constable_comments",
            "pcc_response",
            "positions",
        ]


class InspectionViewSet(ReadOnlyViewSet):
    serializer_class = InspectionSerializer

    def get_queryset(self) -> QuerySet[Inspection]:
        if getattr(self, "swagger_fake_view", False):
            return Inspection.objects.none()
        return selectors.inspections_list(user=self.request.user).prefetch_related("findings")


class TrackingViewSet(ReadOnlyViewSet):
    serializer_class = TrackingSerializer
    allowed_query_params = frozenset({"region", "progress", "mine"})

    @extend_schema(
        parameters=[
            OpenApiParameter("region", int, description="Only this region's tracking"),
            OpenApiParameter("progress", str, enum=ProgressStatus.values),
            OpenApiParameter("mine", bool, description="Only recommendations you own or approve"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[RecommendationTracking]:
        if getattr(self, "swagger_fake_view", False):
            return RecommendationTracking.objects.none()
        params = self.request.query_params
        region = params.get("region")
        if region is not None and not region.isdigit():
            raise serializers.ValidationError({"region": ["Must be a region id."]})
        progress = params.get("progress", "")
        if progress and progress not in ProgressStatus.values:
            raise serializers.ValidationError({"progress": [f"One of: {', '.join(ProgressStatus.values)}."]})
        mine = params.get("mine", "")
        if mine not in ("", "true", "false"):
            raise serializers.ValidationError({"mine": ["true or false."]})
        return selectors.trackings_list(
            user=self.request.user, region=int(region) if region else None, progress=progress, mine=mine == "true"
        ).order_by("pk")


class ResponseViewSet(ReadOnlyViewSet):
    serializer_class = ResponseSerializer

    def get_queryset(self) -> QuerySet[InspectionResponse]:
        if getattr(self, "swagger_fake_view", False):
            return InspectionResponse.objects.none()
        return selectors.responses_visible(user=self.request.user).prefetch_related("positions").order_by("pk")
