"""API for counter-corruption: alerts and cases (never one's own), and one's own declarations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import ReadOnlyViewSet, StrictQueryMixin
from rocu.core import policy
from rocu.counter_corruption import selectors, services
from rocu.counter_corruption.models import Alert, AlertStatus, Case, CaseStatus, Declaration, DeclarationKind
from rocu.counter_corruption.permissions import CC_VIEW, DECLARE


class AlertReasonSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    score = serializers.IntegerField()
    text = serializers.CharField()
    records = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class CorruptionAlertSerializer(serializers.ModelSerializer[Alert]):
    subject = serializers.CharField(source="subject.username")
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)
    reasons = AlertReasonSerializer(many=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "subject",
            "day",
            "score",
            "reasons",
            "rules",
            "rules_version",
            "first_seq",
            "last_seq",
            "status",
            "assigned_to",
            "case",
            "raised_at",
        ]


class AlertViewSet(ReadOnlyViewSet):
    serializer_class = CorruptionAlertSerializer
    allowed_query_params = frozenset({"status", "rule", "subject"})

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["open", *AlertStatus.values]),
            OpenApiParameter("rule", str),
            OpenApiParameter("subject", str, description="username"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        shown = [a["id"] for a in response.data.get("results", [])]
        selectors.audit_alert_list(user=request.user, shown=list(Alert.objects.filter(pk__in=shown)))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, CC_VIEW)
        found = selectors.alert_get(user=request.user, pk=kwargs["pk"])
        return Response(self.get_serializer(found).data)

    def get_queryset(self) -> QuerySet[Alert]:
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        policy.require(self.request.user, CC_VIEW)
        p = self.request.query_params
        status = p.get("status", "")
        if status and status not in ("open", *AlertStatus.values):
            raise serializers.ValidationError({"status": ["Unknown status."]})
        for name in ("rule", "subject"):
            if len(p.get(name, "")) > 150:
                raise serializers.ValidationError({name: ["Too long."]})
        return selectors.alerts_list(
            user=self.request.user, status=status, rule=p.get("rule", ""), subject=p.get("subject", "")
        )


class CorruptionCaseSerializer(serializers.ModelSerializer[Case]):
    subject = serializers.CharField(source="subject.username")
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "title",
            "subject",
            "status",
            "assigned_to",
            "opened_at",
            "category",
            "outcome",
            "closed_at",
        ]


class CaseViewSet(ReadOnlyViewSet):
    serializer_class = CorruptionCaseSerializer
    allowed_query_params = frozenset({"status"})

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=list(CaseStatus.values))])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        shown = [c["id"] for c in response.data.get("results", [])]
        selectors.audit_case_list(user=request.user, shown=list(Case.objects.filter(pk__in=shown)))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, CC_VIEW)
        found = selectors.case_get(user=request.user, pk=kwargs["pk"])
        return Response(self.get_serializer(found).data)

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        policy.require(self.request.user, CC_VIEW)
        status = self.request.query_params.get("status", "")
        if status and status not in CaseStatus.values:
            raise serializers.ValidationError({"status": ["Unknown status."]})
        return selectors.cases_list(user=self.request.user, status=status)


class CorruptionDeclarationSerializer(serializers.ModelSerializer[Declaration]):
    declaration_kind = serializers.ChoiceField(choices=DeclarationKind.choices, source="kind")

    class Meta:
        model = Declaration
        fields = [
            "id",
            "declaration_kind",
            "first_name",
            "surname",
            "organisation",
            "address",
            "postcode",
            "relationship",
            "details",
            "declared_at",
            "withdrawn_at",
        ]
        read_only_fields = ["id", "declared_at", "withdrawn_at"]


class DeclarationViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's own declarations; counter-corruption reads the register on its pages."""

    serializer_class = CorruptionDeclarationSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Declaration]:
        if getattr(self, "swagger_fake_view", False):
            return Declaration.objects.none()
        policy.require(self.request.user, DECLARE)
        return selectors.my_declarations(user=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer[Declaration]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.declaration_create(actor=self.request.user, **data)
