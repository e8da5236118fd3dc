"""API for operations, their decision logs and joint reviews, and 4P plans.

Reads go through the selectors (so a team member of one operation gets 404 for
another); writes go through the services, which keep the decision log append-only and
insist on the SIO and LRO at every joint review.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.accounts.models import User
from rocu.api.base import ReadOnlyViewSet, StrictQueryMixin, is_whole_number
from rocu.core import policy
from rocu.core.errors import ValidationFailed
from rocu.operations import permissions as p
from rocu.operations import selectors, services
from rocu.operations.models import (
    DecisionEntry,
    JointReview,
    Operation,
    OperationStatus,
    Plan,
    PlanAction,
    PlanObjective,
    PlanStatus,
)

FLAGS = ("no_lro", "review_overdue")


def _id_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    if not is_whole_number(value):
        raise serializers.ValidationError({name: ["An id: a whole number of at least 1."]})
    return int(value)


def _choice_param(request: Request, name: str, choices: Any) -> str:
    value = request.query_params.get(name, "")
    if value and value not in choices:
        raise serializers.ValidationError({name: [f"One of: {', '.join(choices)}."]})
    return value


class OperationSerializer(serializers.ModelSerializer[Operation]):
    sio_name = serializers.CharField(source="sio.display_name", read_only=True)
    lro = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    last_joint_review = serializers.DateField(source="last_review", read_only=True, allow_null=True)

    class Meta:
        model = Operation
        fields = [
            "id",
            "reference",
            "code_name",
            "summary",
            "status",
            "live_since",
            "opened_on",
            "classification",
            "sio",
            "sio_name",
            "lro",
            "team",
            "force",
            "threat",
            "ocg",
            "plan",
            "referrals",
            "last_joint_review",
        ]
        read_only_fields = fields

    def get_lro(self, obj: Operation) -> int | None:
        return obj.plan.lro_id if obj.plan_id and obj.plan else None

    def get_team(self, obj: Operation) -> list[int]:
        return [m.user_id for m in obj.team.all()]


class OperationViewSet(ReadOnlyViewSet):
    """Operations the caller may see: their own teams and plans, or their whole scope."""

    serializer_class = OperationSerializer
    allowed_query_params = frozenset({"q", "status", "flag"})

    def get_queryset(self) -> QuerySet[Operation]:
        if getattr(self, "swagger_fake_view", False):
            return Operation.objects.none()
        policy.require(self.request.user, p.OPERATIONS_VIEW)
        q = self.request.query_params
        return selectors.operations_list(
            user=self.request.user,
            q=q.get("q", "")[:100],
            status=_choice_param(self.request, "status", OperationStatus.values),
            flag=_choice_param(self.request, "flag", FLAGS),
        ).prefetch_related("team", "referrals")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Code name, reference or summary contains"),
            OpenApiParameter("status", str, enum=list(OperationStatus.values)),
            OpenApiParameter("flag", str, enum=list(FLAGS)),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class DecisionEntrySerializer(serializers.ModelSerializer[DecisionEntry]):
    operation = serializers.PrimaryKeyRelatedField(queryset=Operation.objects.all())
    corrects = serializers.PrimaryKeyRelatedField(
        queryset=DecisionEntry.objects.all(), required=False, allow_null=True, default=None
    )
    decision = serializers.CharField(max_length=4000)
    rationale = serializers.CharField(max_length=4000, allow_blank=True)

    class Meta:
        model = DecisionEntry
        fields = ["id", "operation", "number", "decision", "rationale", "decided_by", "decided_at", "corrects"]
        read_only_fields = ["id", "number", "decided_by", "decided_at"]


def _visible_operation_ids(user: Any) -> QuerySet[Any]:
    return selectors.operations_visible(user=user).values("pk")


class DecisionEntryViewSet(
    StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Decision log entries of visible operations; POST appends (entries are never edited)."""

    serializer_class = DecisionEntrySerializer
    lookup_value_regex = r"[0-9]{1,18}"
    allowed_query_params = frozenset({"operation"})

    def get_queryset(self) -> QuerySet[DecisionEntry]:
        if getattr(self, "swagger_fake_view", False):
            return DecisionEntry.objects.none()
        user = self.request.user
        policy.require(user, p.OPERATIONS_VIEW)
        qs = DecisionEntry.objects.filter(operation_id__in=_visible_operation_ids(user))
        operation = _id_param(self.request, "operation")
        if operation:
            qs = qs.filter(operation_id=operation)
        return qs.order_by("operation_id", "number")

    @extend_schema(parameters=[OpenApiParameter("operation", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        policy.require(user, p.OPERATIONS_VIEW)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        op = selectors.operation_get(user=user, pk=d["operation"].pk)
        entry = services.decision_record(
            actor=user, operation=op, decision=d["decision"], rationale=d["rationale"], corrects=d.get("corrects")
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)


class JointReviewSerializer(serializers.ModelSerializer[JointReview]):
    operation = serializers.PrimaryKeyRelatedField(queryset=Operation.objects.all())
    attendees = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)

    class Meta:
        model = JointReview
        fields = [
            "id",
            "operation",
            "plan",
            "held_on",
            "attendees",
            "agreed_pursue",
            "agreed_prevent",
            "agreed_protect",
            "agreed_prepare",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["id", "plan", "recorded_by", "recorded_at"]


class JointReviewViewSet(
    StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """SIO and LRO joint reviews of visible operations; POST records one (both must attend)."""

    serializer_class = JointReviewSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    allowed_query_params = frozenset({"operation"})

    def get_queryset(self) -> QuerySet[JointReview]:
        if getattr(self, "swagger_fake_view", False):
            return JointReview.objects.none()
        user = self.request.user
        policy.require(user, p.OPERATIONS_VIEW)
        qs = JointReview.objects.filter(operation_id__in=_visible_operation_ids(user)).prefetch_related("attendees")
        operation = _id_param(self.request, "operation")
        if operation:
            qs = qs.filter(operation_id=operation)
        return qs.order_by("-held_on", "-pk")

    @extend_schema(parameters=[OpenApiParameter("operation", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        policy.require(user, p.OPERATIONS_VIEW)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        op = selectors.operation_get(user=user, pk=d["operation"].pk)
        if any(u.region_id != op.region_id for u in d["attendees"]):
            raise ValidationFailed("Attendees must belong to this ROCU.", field="attendees")
        review = services.joint_review_record(
            actor=user,
            operation=op,
            held_on=d["held_on"],
            attendees=d["attendees"],
            agreed={code: d.get(f"agreed_{code}", "") for code in ("pursue", "prevent", "protect", "prepare")},
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


class PlanObjectiveSerializer(serializers.ModelSerializer[PlanObjective]):
    class Meta:
        model = PlanObjective
        fields = ["id", "p", "text", "row_version"]


class PlanActionSerializer(serializers.ModelSerializer[PlanAction]):
    class Meta:
        model = PlanAction
        fields = ["id", "p", "objective", "description", "owner", "due_on", "status", "row_version"]


class PlanSerializer(serializers.ModelSerializer[Plan]):
    objectives = PlanObjectiveSerializer(many=True, read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    operations = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "reference",
            "title",
            "subject",
            "lro",
            "partners",
            "status",
            "template",
            "next_review_on",
            "objectives",
            "actions",
            "operations",
            "row_version",
        ]
        read_only_fields = fields

    def get_operations(self, obj: Plan) -> list[int]:
        visible = self.context.get("visible_operations")
        return [o.pk for o in obj.operations.all() if visible is None or o.pk in visible]


class PlanWrite(serializers.Serializer[Any]):
    """A change to a plan's own fields (PUT: all of them; PATCH: some), made from `row_version`."""

    title = serializers.CharField(max_length=200)
    lro = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    partners = serializers.CharField(max_length=500, allow_blank=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    next_review_on = serializers.DateField(allow_null=True)
    row_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The row_version you read. If someone saved the plan since, the answer is 409 with both "
        "versions and nothing is written.",
    )


class PlanViewSet(mixins.UpdateModelMixin, ReadOnlyViewSet):
    """4P plans the caller leads or works under (or all in scope), with objectives and actions.
    PUT and PATCH change the plan (its LRO or the ROCU head) and must name the row_version read."""

    serializer_class = PlanSerializer
    allowed_query_params = frozenset({"q", "status"})

    def get_queryset(self) -> QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        policy.require(self.request.user, p.OPERATIONS_VIEW)
        return selectors.plans_list(
            user=self.request.user,
            q=self.request.query_params.get("q", "")[:100],
            status=_choice_param(self.request, "status", PlanStatus.values),
        ).prefetch_related("objectives", "actions", "operations")

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and self.request.user.is_authenticated:
            ctx["visible_operations"] = set(_visible_operation_ids(self.request.user).values_list("pk", flat=True))
        return ctx

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Title, reference or priority contains"),
            OpenApiParameter("status", str, enum=list(PlanStatus.values)),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PlanWrite, responses=PlanSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        policy.require(user, p.OPERATIONS_VIEW)
        found = selectors.plan_get(user=user, pk=kwargs["pk"])
        partial = bool(kwargs.get("partial"))
        serializer = PlanWrite(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "row_version" not in data:
            raise serializers.ValidationError(
                {"row_version": ["Send the row_version you read, so a later change is not overwritten."]}
            )
        version = data.pop("row_version")
        updated = services.plan_update(actor=user, plan=found, expected_version=version, **data)
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=PlanWrite, responses=PlanSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)
