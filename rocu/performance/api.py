"""Metrics API: the catalogue, and one metric's figures for a period and scope.

The figures are the dashboards' (same selectors, same disclosure control for the
aggregate-only roles): counts and rates over a region, a force or every region, never
a row about a person. Which region or force a caller may name follows the dashboard's
scope rules; anything else is a 400 that says why, an unknown metric a 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.accounts.models import Force, Region
from rocu.api.base import StrictQueryMixin
from rocu.core import policy
from rocu.core.errors import NotFound, ValidationFailed
from rocu.core.web import signed_in_user
from rocu.engines import metrics as m
from rocu.performance import selectors
from rocu.performance.permissions import PERFORMANCE_CATALOGUE, PERFORMANCE_VIEW

MAX_CODE = 60


class MetricDefinitionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    formula = serializers.CharField()
    unit = serializers.CharField()
    owner = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field called source, not Field.source
    version = serializers.CharField()
    period_field = serializers.CharField(help_text="The date that places a record in a period; blank: as at today.")
    available = serializers.BooleanField(help_text="False while the source app has no table: never a made-up zero.")


class TrendPointSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class MetricValueSerializer(serializers.Serializer[Any]):
    metric = MetricDefinitionSerializer()
    catalogue_version = serializers.CharField()
    scope = serializers.CharField(help_text="The organisation the figures cover.")
    scope_key = serializers.CharField()
    period = serializers.CharField()
    period_label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="Exclusive.")
    headline = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text='Rows under the header: counts, or "<10" and "hidden" where disclosure control applies.',
    )
    trend = TrendPointSerializer(many=True)
    trend_word = serializers.CharField()
    note = serializers.CharField()
    suppressed = serializers.BooleanField()
    disclosure_control = serializers.BooleanField()


def _definition(metric: m.MetricDefinition, available: bool) -> dict[str, Any]:
    return {
        "id": metric.id,
        "name": metric.name,
        "definition": metric.definition,
        "formula": metric.formula,
        "unit": metric.unit,
        "owner": metric.owner,
        "source": metric.source,
        "version": metric.version,
        "period_field": metric.period_field,
        "available": available,
    }


def _scope_key(user: Any, params: Any) -> str:
    """The dashboard scope key for ?region=<code> or ?force=<code> (neither: the caller's default)."""
    region_code = params.get("region", "")
    force_code = params.get("force", "")
    if len(region_code) > MAX_CODE or len(force_code) > MAX_CODE:
        raise ValidationFailed("That is not a region or force code.", field="force" if force_code else "region")
    if force_code:
        force = Force.objects.filter(code=force_code).only("pk").first()
        if force is None:
            raise ValidationFailed(f"There is no force with the code {force_code!r}.", field="force")
        return f"force-{force.pk}"
    if region_code == "all":
        return "all"
    if region_code:
        region = Region.objects.filter(code=region_code).only("pk").first()
        if region is None:
            raise ValidationFailed(f"There is no region with the code {region_code!r}.", field="region")
        return f"region-{region.pk}"
    return ""


def _period(token: str) -> m.Period:
    try:
        period = m.parse_period(token or m.current_period("quarter", timezone.localdate()).token)
    except m.PeriodError as exc:
        raise ValidationFailed(str(exc), field="period") from None
    selectors.check_period(period)
    return period


@extend_schema_view(
    list=extend_schema(summary="The metric catalogue: every definition, and whether rocu can compute it now."),
    retrieve=extend_schema(
        summary="One metric's figures for a period and an organisation you may see.",
        parameters=[
            OpenApiParameter("id", str, OpenApiParameter.PATH, description="A metric id from the catalogue."),
            OpenApiParameter(
                "period",
                str,
                description="FY2025 (April 2025 to March 2026), 2025-Q3 (October to December 2025) or 2025-10. "
                "Default: the current quarter.",
            ),
            OpenApiParameter(
                "region", str, description="Region code, or 'all' (national lead). Default: your own scope."
            ),
            OpenApiParameter("force", str, description="Force code (ROCU head, PCC office or force SOC lead)."),
        ],
        responses=MetricValueSerializer,
    ),
)
class MetricViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """The metric catalogue and each metric's role-scoped figures (aggregates only)."""

    lookup_field = "id"
    lookup_value_regex = r"[A-Za-z0-9_]{1,60}"
    serializer_class = MetricDefinitionSerializer

    @property
    def allowed_query_params(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({"period", "region", "force"}) if self.action == "retrieve" else frozenset()

    def list(self, request: Request) -> Response:
        policy.require(request.user, PERFORMANCE_CATALOGUE)
        live = selectors.availability()
        rows = [_definition(metric, live[metric.id]) for metric in m.CATALOGUE]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MetricDefinitionSerializer(page, many=True).data)

    def get_queryset(self) -> Any:
        return []  # figures come from the selectors, not one model

    def retrieve(self, request: Request, id: str | None = None) -> Response:
        policy.require(request.user, PERFORMANCE_VIEW)
        metric = m.BY_ID.get(id or "")
        if metric is None:
            raise NotFound(f"There is no metric called {id!r}: GET /api/v1/metrics/ lists them.")
        user = signed_in_user(request)
        scope = selectors.scope_for(user, _scope_key(user, request.query_params))
        period = _period(request.query_params.get("period", ""))
        controlled = selectors.disclosure_controlled(user)
        result = selectors.compute([metric.id], scope, period, disclosure_control=controlled)[0]
        body = {
            "metric": _definition(metric, result.available),
            "catalogue_version": m.CATALOGUE_VERSION,
            "scope": scope.label,
            "scope_key": scope.key,
            "period": period.token,
            "period_label": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "headline": result.headline,
            "header": result.header,
            "rows": result.rows,
            "trend": [{"period": token, "value": value} for token, value in result.trend],
            "trend_word": result.trend_word,
            "note": result.note,
            "suppressed": result.suppressed,
            "disclosure_control": controlled,
        }
        return Response(MetricValueSerializer(body).data)
