"""API of workforce and funding: capabilities, funding lines, posts (with the people in
them, for the ROCU head), saved scenarios with their results, and regions compared."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.api.base import ReadOnlyViewSet, StrictQueryMixin
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import NotFound, ValidationFailed
from rocu.core.web import signed_in_user
from rocu.engines import funding
from rocu.workforce import selectors, services
from rocu.workforce.models import Capability, FundingAllocation, FundingLine, Post, PostHolder, Scenario
from rocu.workforce.permissions import SCENARIOS_MANAGE, WORKFORCE_COMPARE, WORKFORCE_POSTS_VIEW, WORKFORCE_VIEW

REGION_PARAM = OpenApiParameter(
    "region", str, description="Region code (national roles only; others always get their own region)."
)


class _RegionScoped:
    """Lists of one region: the caller's own, or the one a national role names."""

    def _region(self, request: Request) -> Any:
        code = request.query_params.get("region", "")
        if len(code) > 40:
            raise NotFound()
        return selectors.region_choose(user=signed_in_user(request), code=code)


class CapabilitySerializer(serializers.ModelSerializer[Capability]):
    # Plain strings: the codes are the unit types', and one enum in the schema is enough.
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = Capability
        fields = ["id", "region", "code", "name", "minimum_fte"]


@extend_schema_view(list=extend_schema(parameters=[REGION_PARAM]))
class CapabilityViewSet(_RegionScoped, ReadOnlyViewSet):
    serializer_class = CapabilitySerializer
    allowed_query_params = frozenset({"region"})

    def get_queryset(self) -> QuerySet[Capability]:
        if getattr(self, "swagger_fake_view", False):
            return Capability.objects.none()
        policy.require(self.request.user, WORKFORCE_VIEW)
        user = signed_in_user(self.request)
        if self.action == "list":
            return selectors.capabilities_list(user=user, region=self._region(self.request))
        return policy.restrict(user, Capability.objects.all(), WORKFORCE_VIEW)


class AllocationSerializer(serializers.ModelSerializer[FundingAllocation]):
    financial_year_label = serializers.CharField(source="year_label", read_only=True)

    class Meta:
        model = FundingAllocation
        fields = ["financial_year", "financial_year_label", "amount_pence", "confirmed"]


class FundingLineSerializer(serializers.ModelSerializer[FundingLine]):
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = FundingLine
        fields = ["id", "region", "code", "name", "source", "funder", "start_date", "end_date", "allocations"]


@extend_schema_view(list=extend_schema(parameters=[REGION_PARAM]))
class FundingLineViewSet(_RegionScoped, ReadOnlyViewSet):
    serializer_class = FundingLineSerializer
    allowed_query_params = frozenset({"region"})

    def get_queryset(self) -> QuerySet[FundingLine]:
        if getattr(self, "swagger_fake_view", False):
            return FundingLine.objects.none()
        policy.require(self.request.user, WORKFORCE_VIEW)
        user = signed_in_user(self.request)
        if self.action == "list":
            return selectors.funding_lines_list(user=user, region=self._region(self.request))
        return policy.restrict(user, FundingLine.objects.prefetch_related("allocations"), WORKFORCE_VIEW)


class HolderSerializer(serializers.ModelSerializer[PostHolder]):
    class Meta:
        model = PostHolder
        fields = ["name", "staff_number", "contract_type", "contract_start", "contract_end"]


class PostSerializer(serializers.ModelSerializer[Post]):
    capability = serializers.CharField(source="capability.code", read_only=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "region",
            "reference",
            "capability",
            "unit",
            "title",
            "rank_or_grade",
            "fte",
            "annual_cost_pence",
            "funding_line",
            "status",
            "holder",
        ]

    @extend_schema_field(HolderSerializer(allow_null=True))
    def get_holder(self, obj: Post) -> dict[str, Any] | None:
        holder = selectors.holder_of(obj)
        return HolderSerializer(holder).data if holder else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            REGION_PARAM,
            OpenApiParameter("capability", str, description="Capability code."),
            OpenApiParameter("status", str, description="filled, vacant or seconded_out."),
            OpenApiParameter("risk", str, description="funding_before_contract, funding_ends or contract_ends."),
        ]
    )
)
class PostViewSet(_RegionScoped, ReadOnlyViewSet):
    """Posts and the people in them: personal data, every answer recorded as a consultation."""

    serializer_class = PostSerializer
    allowed_query_params = frozenset({"region", "capability", "status", "risk"})

    def get_queryset(self) -> QuerySet[Post]:
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        policy.require(self.request.user, WORKFORCE_POSTS_VIEW)
        user = signed_in_user(self.request)
        params = self.request.query_params
        if self.action == "list":
            return selectors.posts_list(
                user=user,
                region=self._region(self.request),
                capability=params.get("capability", "")[:30],
                status=params.get("status", "")[:30],
                risk=params.get("risk", "")[:30],
            )
        return policy.restrict(
            user, Post.objects.select_related("capability", "holder", "funding_line"), WORKFORCE_POSTS_VIEW
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else []
        shown = [r["id"] for r in rows if r.get("holder")]
        if shown:
            audit_record(
                actor=request.user,
                category=Category.CONSULTATION,
                action="workforce.post.list",
                object_type="workforce.post",
                detail={"post_ids": shown, "via": "api"},
            )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, WORKFORCE_POSTS_VIEW)
        found = selectors.post_get(user=request.user, pk=kwargs.get("pk"))
        return Response(self.get_serializer(found).data)


def _position(pos: funding.Position) -> dict[str, Any]:
    return {
        "on": pos.on,
        "funded_posts": pos.funded_posts,
        "funded_fte": pos.funded_fte / 100,
        "staffed_fte": pos.staffed_fte / 100,
        "annual_cost_pence": pos.annual_cost_pence,
        "below_minimum": [c.code for c in pos.below_minimum if c.minimum_fte],
    }


POSITION = inline_serializer(
    "WorkforcePosition",
    {
        "on": serializers.DateField(),
        "funded_posts": serializers.IntegerField(),
        "funded_fte": serializers.FloatField(),
        "staffed_fte": serializers.FloatField(),
        "annual_cost_pence": serializers.IntegerField(),
        "below_minimum": serializers.ListField(child=serializers.CharField()),
    },
)


RESULT = inline_serializer(
    "WorkforceScenarioResult",
    {
        "rules_version": serializers.CharField(),
        "posts_lost": serializers.IntegerField(),
        "fte_lost": serializers.FloatField(),
        "cost_lost_pence": serializers.IntegerField(),
        "capabilities_affected": serializers.ListField(child=serializers.CharField()),
        "newly_below_minimum": serializers.ListField(child=serializers.CharField()),
        "today": POSITION,
        "as_funded": POSITION,
        "with_changes": POSITION,
    },
)


class ScenarioChangeInSerializer(serializers.Serializer[Any]):
    funding_line = serializers.IntegerField(min_value=1)
    not_renewed_from = serializers.DateField()


class ScenarioSerializer(serializers.ModelSerializer[Scenario]):
    changes = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = ["id", "region", "name", "assess_on", "notes", "created_at", "changes", "result"]

    @extend_schema_field(ScenarioChangeInSerializer(many=True))
    def get_changes(self, obj: Scenario) -> list[dict[str, Any]]:
        return [{"funding_line": c.funding_line_id, "not_renewed_from": c.not_renewed_from} for c in obj.changes.all()]

    @extend_schema_field(RESULT)
    def get_result(self, obj: Scenario) -> dict[str, Any]:
        holdings: dict[int, selectors.Holdings] = self.context["holdings"]
        if obj.region_id not in holdings:
            holdings[obj.region_id] = selectors.load_holdings([obj.region_id])
        user = self.context["request"].user
        result = selectors.scenario_result(user=user, scenario=obj, holdings=holdings[obj.region_id])
        return {
            "rules_version": result.rules_version,
            "posts_lost": len(result.posts_lost),
            "fte_lost": result.fte_lost / 100,
            "cost_lost_pence": result.cost_lost_pence,
            "capabilities_affected": [c for _, c in result.capabilities_affected],
            "newly_below_minimum": [c for _, c in result.newly_below_minimum],
            "today": _position(result.today),
            "as_funded": _position(result.as_funded),
            "with_changes": _position(result.with_changes),
        }


class ScenarioCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    assess_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True)
    changes = ScenarioChangeInSerializer(many=True)


@extend_schema_view(list=extend_schema(parameters=[REGION_PARAM]))
class ScenarioViewSet(
    _RegionScoped,
    StrictQueryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Saved what-ifs with their results worked out afresh from today's records."""

    serializer_class = ScenarioSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        # One load of a region's posts serves every scenario of the answer.
        return {**super().get_serializer_context(), "holdings": {}}

    allowed_query_params = frozenset({"region"})
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Scenario]:
        if getattr(self, "swagger_fake_view", False):
            return Scenario.objects.none()
        policy.require(self.request.user, WORKFORCE_VIEW)
        user = signed_in_user(self.request)
        if self.action == "list":
            return selectors.scenarios_list(user=user, region=self._region(self.request))
        return policy.restrict(user, Scenario.objects.prefetch_related("changes"), WORKFORCE_VIEW)

    @extend_schema(request=ScenarioCreateSerializer, responses={201: ScenarioSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, SCENARIOS_MANAGE)
        user = signed_in_user(request)
        incoming = ScenarioCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        region = self._region(request)
        lines = {line.pk: line for line in selectors.funding_lines_list(user=user, region=region)}
        changes = []
        for item in data["changes"]:
            line = lines.get(item["funding_line"])
            if line is None:
                raise ValidationFailed(f"Unknown funding line {item['funding_line']}.", field="changes")
            changes.append((line, item["not_renewed_from"]))
        created = services.scenario_create(
            actor=user,
            region=region,
            name=data["name"],
            assess_on=data.get("assess_on"),
            notes=data.get("notes", ""),
            changes=changes,
        )
        found = selectors.scenario_get(user=user, pk=created.pk)
        return Response(self.get_serializer(found).data, status=status.HTTP_201_CREATED)


class RegionComparisonSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    posts = serializers.IntegerField()
    funded_fte = serializers.SerializerMethodField()
    vacancy_rate = serializers.FloatField(allow_null=True)
    annual_cost_pence = serializers.IntegerField()
    at_risk_cost_pence = serializers.IntegerField()
    below_minimum_now = serializers.IntegerField()
    below_minimum_next_year = serializers.IntegerField()
    funding_this_year_pence = serializers.IntegerField()
    confirmed_share = serializers.FloatField(allow_null=True)

    def get_funded_fte(self, obj: selectors.RegionRow) -> float:
        return obj.funded_fte / 100


class RegionComparisonViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """Headline figures of every region: totals only, for PCC offices and national leads."""

    serializer_class = RegionComparisonSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return []

    def list(self, request: Request) -> Response:
        policy.require(request.user, WORKFORCE_COMPARE)
        rows = selectors.regions_compared(user=request.user)
        return Response(RegionComparisonSerializer(rows, many=True).data)
