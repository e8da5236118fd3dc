"""API for counter-corruption: alerts and their triage, cases (never one's own), one's own declarations.

Alerts and cases are for counter-corruption roles only, and never about the caller:
an alert about the caller answers 404 as a missing one would. Every read is audited
as a consultation and every triage step as an alteration, so a senior investigator
sees the team's own use. Triage requests carry the `row_version` the client read; a
stale one answers 409 with both versions, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import ReadOnlyViewSet, StrictQueryMixin
from rocu.core import policy
from rocu.counter_corruption import selectors, services
from rocu.counter_corruption.models import (
    Alert,
    AlertOutcome,
    AlertStatus,
    Case,
    CaseStatus,
    CorruptionCategory,
    Declaration,
    DeclarationKind,
)
from rocu.counter_corruption.permissions import CC_CASEWORK, CC_VIEW, DECLARE

CATEGORIES = ", ".join(CorruptionCategory.values)
OUTCOMES = ", ".join(AlertOutcome.values)


class AlertReasonSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    score = serializers.IntegerField()
    text = serializers.CharField()
    records = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class CorruptionAlertSerializer(serializers.ModelSerializer[Alert]):
    subject = serializers.CharField(source="subject.username")
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)
    closed_by = serializers.CharField(source="closed_by.username", allow_null=True, default=None)
    reasons = AlertReasonSerializer(many=True)
    # Plain strings: the same choice sets appear under other names elsewhere in the schema.
    corruption_category = serializers.CharField(
        source="category", read_only=True, help_text=f"Once closed, one of: {CATEGORIES}"
    )
    alert_outcome = serializers.CharField(
        source="outcome", read_only=True, help_text=f"Once closed, one of: {OUTCOMES}"
    )

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
            "rules_fingerprint",
            "first_seq",
            "last_seq",
            "status",
            "assigned_to",
            "case",
            "corruption_category",
            "alert_outcome",
            "triage_note",
            "closed_by",
            "closed_at",
            "raised_at",
            "updated_at",
            "row_version",
        ]


class TriageWrite(serializers.Serializer[Any]):
    row_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The alert's row_version as you read it"
    )


class AssignWrite(TriageWrite):
    assigned_to = serializers.CharField(max_length=150, help_text="Username of a counter-corruption investigator")


class CloseWrite(TriageWrite):
    corruption_category = serializers.CharField(max_length=30, help_text=f"One of: {CATEGORIES}")
    alert_outcome = serializers.CharField(max_length=20, help_text=f"One of: {OUTCOMES}")
    note = serializers.CharField(max_length=500, help_text="Why the alert can be closed")


class ReopenWrite(TriageWrite):
    note = serializers.CharField(max_length=500, help_text="Why the alert is being reopened")


class EscalateWrite(TriageWrite):
    title = serializers.CharField(max_length=200, help_text="Title of the case (or the person's open case)")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


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
        wanted = p.get("status", "")
        if wanted and wanted not in ("open", *AlertStatus.values):
            raise serializers.ValidationError({"status": ["Unknown status."]})
        for name in ("rule", "subject"):
            if len(p.get(name, "")) > 150:
                raise serializers.ValidationError({name: ["Too long."]})
        return selectors.alerts_list(
            user=self.request.user, status=wanted, rule=p.get("rule", ""), subject=p.get("subject", "")
        )

    def _triage(self, request: Request, write: type[TriageWrite]) -> tuple[Alert, dict[str, Any]]:
        policy.require(request.user, CC_CASEWORK)
        found = selectors.alert_get(user=request.user, pk=self.kwargs["pk"], audit=False)
        serializer = write(data=request.data)
        serializer.is_valid(raise_exception=True)
        return found, dict(serializer.validated_data)

    @extend_schema(request=AssignWrite, responses=CorruptionAlertSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """Assign the alert to an investigator of the region (never its subject)."""
        found, data = self._triage(request, AssignWrite)
        done = services.alert_assign(
            actor=request.user, alert=found, assignee=data["assigned_to"], expected_version=data["row_version"]
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(request=CloseWrite, responses=CorruptionAlertSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the alert with an outcome, in a category of corruption intelligence."""
        found, data = self._triage(request, CloseWrite)
        done = services.alert_close(
            actor=request.user,
            alert=found,
            category=data["corruption_category"],
            outcome=data["alert_outcome"],
            note=data["note"],
            expected_version=data["row_version"],
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(request=ReopenWrite, responses=CorruptionAlertSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """Take a closed alert back into triage."""
        found, data = self._triage(request, ReopenWrite)
        done = services.alert_reopen(
            actor=request.user, alert=found, note=data["note"], expected_version=data["row_version"]
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(request=EscalateWrite, responses={201: CorruptionCaseSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        """Open a case about the alert's subject (or add the alert to their open case)."""
        found, data = self._triage(request, EscalateWrite)
        case = services.case_open(
            actor=request.user,
            alert=found,
            title=data["title"],
            note=data["note"],
            expected_version=data["row_version"],
        )
        return Response(CorruptionCaseSerializer(case).data, status=status.HTTP_201_CREATED)


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
        wanted = self.request.query_params.get("status", "")
        if wanted and wanted not in CaseStatus.values:
            raise serializers.ValidationError({"status": ["Unknown status."]})
        return selectors.cases_list(user=self.request.user, status=wanted)


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
