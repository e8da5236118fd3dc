"""API for outcomes and disruption claims: reads through the selectors, writes through
the services (which refuse a conviction without a charge and a validator approving
their own claim)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import StrictQueryMixin
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import ValidationFailed
from rocu.engines import grading
from rocu.intelligence.models import Nominal
from rocu.operations import selectors as op_selectors
from rocu.operations.api import _choice_param
from rocu.operations.models import Operation, P, Plan, PlanAction
from rocu.outcomes import permissions as p
from rocu.outcomes import selectors, services
from rocu.outcomes.models import ClaimStatus, DisruptionClaim, Grade, Outcome, OutcomeKind


class OutcomeSerializer(serializers.ModelSerializer[Outcome]):
    operation = serializers.PrimaryKeyRelatedField(
        queryset=Operation.objects.all(), required=False, allow_null=True, default=None
    )
    plan_action = serializers.PrimaryKeyRelatedField(
        queryset=PlanAction.objects.all(), required=False, allow_null=True, default=None
    )
    nominal = serializers.PrimaryKeyRelatedField(
        queryset=Nominal.objects.all(), required=False, allow_null=True, default=None
    )
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "kind",
            "p",
            "operation",
            "plan_action",
            "threat",
            "ocg",
            "force",
            "occurred_on",
            "nominal",
            "count",
            "quantity",
            "unit",
            "drug_type",
            "asset_kind",
            "sentence",
            "partner",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "threat", "ocg", "force", "recorded_by", "created_at"]


def _audit_consultation(user: Any, outcomes: list[Outcome]) -> None:
    """Outcomes naming a person are personal data: every read of them is recorded."""
    ids = [o.pk for o in outcomes if o.nominal_id]
    if ids:
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="outcomes.outcome.api_read",
            object_type="outcomes.outcome",
            object_id=str(ids[0]) if len(ids) == 1 else "",
            detail={"outcome_ids": ids[:200], "count": len(ids)},
        )


class OutcomeViewSet(
    StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Outcomes of visible operations and plans; POST records one against an operation or plan action."""

    serializer_class = OutcomeSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    allowed_query_params = frozenset({"kind", "p"})

    def get_queryset(self) -> QuerySet[Outcome]:
        if getattr(self, "swagger_fake_view", False):
            return Outcome.objects.none()
        policy.require(self.request.user, p.OUTCOMES_VIEW)
        return selectors.outcomes_list(
            user=self.request.user,
            kind=_choice_param(self.request, "kind", OutcomeKind.values),
            p_code=_choice_param(self.request, "p", P.values),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=list(OutcomeKind.values)),
            OpenApiParameter("p", str, enum=list(P.values)),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        shown = [r["id"] for r in response.data.get("results", [])]
        _audit_consultation(request.user, list(Outcome.objects.filter(pk__in=shown)))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.get_object()
        _audit_consultation(request.user, [found])
        return Response(self.get_serializer(found).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        policy.require(user, p.OUTCOMES_RECORD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        op = d.pop("operation", None)
        if op is not None:
            op = op_selectors.operation_get(user=user, pk=op.pk)
        nominal = d.pop("nominal", None)
        if nominal is not None and nominal.region_id != user.region_id:
            raise ValidationFailed("Choose a person of this region.", field="nominal")
        outcome = services.outcome_record(
            actor=user,
            kind=d.pop("kind"),
            p_code=d.pop("p"),
            occurred_on=d.pop("occurred_on"),
            operation=op,
            plan_action=d.pop("plan_action", None),
            nominal=nominal,
            **d,
        )
        return Response(self.get_serializer(outcome).data, status=status.HTTP_201_CREATED)


class DisruptionSerializer(serializers.ModelSerializer[DisruptionClaim]):
    operation = serializers.PrimaryKeyRelatedField(
        queryset=Operation.objects.all(), required=False, allow_null=True, default=None
    )
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.all(), required=False, allow_null=True, default=None
    )
    definition = serializers.SerializerMethodField()

    class Meta:
        model = DisruptionClaim
        fields = [
            "id",
            "reference",
            "operation",
            "plan",
            "threat",
            "ocg",
            "force",
            "p",
            "grade",
            "definition",
            "rule_version",
            "impact_weeks",
            "description",
            "evidence",
            "occurred_on",
            "claimant",
            "claimed_at",
            "status",
            "validator",
            "validated_at",
            "rejection_reason",
        ]
        read_only_fields = [
            "id",
            "reference",
            "threat",
            "ocg",
            "force",
            "rule_version",
            "claimant",
            "claimed_at",
            "status",
            "validator",
            "validated_at",
            "rejection_reason",
        ]

    def get_definition(self, obj: DisruptionClaim) -> str:
        return grading.DEFINITIONS.get(obj.grade, "")


class ValidateSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class DisruptionViewSet(
    StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Graded disruption claims; POST claims one, POST …/validate/ validates or rejects it."""

    serializer_class = DisruptionSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    allowed_query_params = frozenset({"grade", "p", "status"})

    def get_queryset(self) -> QuerySet[DisruptionClaim]:
        if getattr(self, "swagger_fake_view", False):
            return DisruptionClaim.objects.none()
        policy.require(self.request.user, p.OUTCOMES_VIEW)
        return selectors.disruptions_list(
            user=self.request.user,
            grade=_choice_param(self.request, "grade", Grade.values),
            p_code=_choice_param(self.request, "p", P.values),
            status=_choice_param(self.request, "status", ClaimStatus.values),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("grade", str, enum=list(Grade.values)),
            OpenApiParameter("p", str, enum=list(P.values)),
            OpenApiParameter("status", str, enum=list(ClaimStatus.values)),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        policy.require(user, p.OUTCOMES_RECORD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        op = d.get("operation")
        if op is not None:
            op = op_selectors.operation_get(user=user, pk=op.pk)
        plan = d.get("plan")
        if plan is not None:
            plan = op_selectors.plan_get(user=user, pk=plan.pk)
        claim = services.disruption_claim(
            actor=user,
            grade=d["grade"],
            p_code=d["p"],
            impact_weeks=d["impact_weeks"],
            description=d["description"],
            evidence=d["evidence"],
            occurred_on=d["occurred_on"],
            operation=op,
            plan=plan,
        )
        return Response(self.get_serializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ValidateSerializer, responses=DisruptionSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        """Validate (approve true) or reject with a reason; never the claimant."""
        user: Any = request.user
        policy.require(user, p.DISRUPTIONS_VALIDATE)
        found = selectors.disruption_get(user=user, pk=int(pk or 0))
        body = ValidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = services.disruption_validate(
            actor=user, claim=found, approve=body.validated_data["approve"], reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(claim).data)
