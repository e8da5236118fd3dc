"""API for referrals: the queue, intake of one referral, check results, verdicts and the funnel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.accounts.models import PartnerAgency, Region
from rocu.api.base import StrictQueryMixin
from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.intelligence import permissions as intel_perms
from rocu.intelligence import services as intel_services
from rocu.intelligence.models import MatchVerdict
from rocu.referrals import permissions as p
from rocu.referrals import selectors, services
from rocu.referrals.models import CandidateMatch, Referral, ReferralStatus, ReferralSubject


class SubjectSerializer(serializers.ModelSerializer[ReferralSubject]):
    class Meta:
        model = ReferralSubject
        fields = [
            "id",
            "role",
            "first_name",
            "surname",
            "date_of_birth",
            "address",
            "town",
            "postcode",
            "phone",
            "email",
        ]


class SubjectInSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=["sender", "recipient", "subject"])
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    surname = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    town = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    # Workflow fields are read-only text here; their values are listed in the docs of each page.
    status = serializers.CharField(read_only=True, help_text="received, checked or triaged")
    decision = serializers.CharField(read_only=True, help_text="nfa, disseminate, adopt, refer_partner or empty")
    handling_code = serializers.CharField(read_only=True, help_text="P, C or empty")
    subjects = SubjectSerializer(many=True, read_only=True)
    subjects_in = serializers.ListField(
        child=SubjectInSerializer(), write_only=True, source="subjects_input", min_length=1, max_length=5
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "partner",
            "template",
            "partner_reference",
            "received_on",
            "classification",
            "seizure_date",
            "port",
            "commodity",
            "quantity",
            "unit",
            "summary",
            "status",
            "check_due",
            "triage_due",
            "checked_at",
            "triaged_at",
            "decision",
            "decision_reason",
            "disseminated_to",
            "handling_code",
            "handling_conditions",
            "assigned_to",
            "subjects",
            "subjects_in",
        ]
        read_only_fields = [
            "id",
            "reference",
            "status",
            "check_due",
            "triage_due",
            "checked_at",
            "triaged_at",
            "decision",
            "decision_reason",
            "disseminated_to",
            "handling_code",
            "handling_conditions",
            "assigned_to",
        ]
        extra_kwargs = {"partner": {"queryset": PartnerAgency.objects.all()}, "received_on": {"required": False}}


class CandidateSerializer(serializers.ModelSerializer[CandidateMatch]):
    class Meta:
        model = CandidateMatch
        fields = ["id", "subject", "holding_key", "match_probability", "match_weight", "evidence", "model_version"]


class VerdictSerializer(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(choices=MatchVerdict.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReferralViewSet(
    StrictQueryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals the caller may see; creating one checks its subjects against holdings at once."""

    serializer_class = ReferralSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    allowed_query_params = frozenset({"status", "partner"})

    def get_queryset(self) -> QuerySet[Referral]:
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        policy.require(self.request.user, p.REFERRALS_VIEW)
        q = self.request.query_params
        status_ = q.get("status", "")
        if status_ and status_ not in ReferralStatus.values:
            raise serializers.ValidationError({"status": ["Unknown status."]})
        partner = q.get("partner", "")
        if partner and (not partner.isdigit() or len(partner) > 9):
            raise serializers.ValidationError({"partner": ["A partner id."]})
        return (
            selectors.referrals_queue(user=self.request.user, status=status_, partner=int(partner) if partner else None)
            .prefetch_related("subjects")
            .order_by("-received_on", "-pk")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(ReferralStatus.values)),
            OpenApiParameter("partner", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        shown = [r["id"] for r in response.data.get("results", [])]
        selectors.audit_queue(user=request.user, shown=list(Referral.objects.filter(pk__in=shown)))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, p.REFERRALS_VIEW)
        found = selectors.referral_get(user=request.user, pk=kwargs["pk"])
        return Response(self.get_serializer(found).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, p.REFERRALS_MANAGE)  # before the body is read: 403, not 415
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Referral]) -> None:
        user: Any = self.request.user
        policy.require(user, p.REFERRALS_MANAGE)
        data = dict(serializer.validated_data)
        subjects = [dict(s) for s in data.pop("subjects_input")]
        partner = data.pop("partner")
        template = data.pop("template")
        try:
            region = Region.objects.get(pk=user.region_id)
        except Region.DoesNotExist:
            raise NotFound("You have no home region.") from None
        serializer.instance = services.referral_create(
            actor=user, region=region, partner=partner, template=template, head=data, subjects=subjects
        )

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def candidates(self, request: Request, pk: str | None = None) -> Response:
        """Candidate matches in holdings for each subject (confirmed first); check permission only."""
        policy.require(request.user, intel_perms.INTEL_CHECK)
        found = selectors.referral_get(user=request.user, pk=pk)
        rows = [
            item["candidate"]
            for items in selectors.candidates_for(user=request.user, referral=found).values()
            for item in items
        ]
        return Response(CandidateSerializer(rows, many=True).data)

    @extend_schema(
        request=VerdictSerializer, responses={201: inline_serializer("Verdict", {"verdict": serializers.CharField()})}
    )
    @action(detail=False, methods=["post"], url_path=r"candidates/(?P<candidate_id>[0-9]{1,18})/verdict")
    def verdict(self, request: Request, candidate_id: str | None = None) -> Response:
        """Same as / not same as on one candidate; kept and reused by later checks."""
        policy.require(request.user, intel_perms.INTEL_CHECK)
        candidate = selectors.candidate_get(user=request.user, pk=candidate_id)
        body = VerdictSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = intel_services.match_decide(
            actor=request.user,
            candidate=candidate,
            verdict=body.validated_data["verdict"],
            reason=body.validated_data["reason"],
        )
        return Response({"verdict": decision.verdict}, status=status.HTTP_201_CREATED)


class FunnelViewSet(StrictQueryMixin, viewsets.ViewSet):
    """Counts per funnel stage: aggregates only, for everyone who oversees referrals."""

    allowed_query_params = frozenset({"partner"})

    @extend_schema(
        parameters=[OpenApiParameter("partner", int)],
        responses=inline_serializer(
            "ReferralFunnel",
            {
                "stages": serializers.ListField(child=serializers.DictField()),
                "by_month": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def list(self, request: Request) -> Response:
        partner = request.query_params.get("partner", "")
        if partner and (not partner.isdigit() or len(partner) > 9):
            raise serializers.ValidationError({"partner": ["A partner id."]})
        data = selectors.funnel_counts(user=request.user, partner=int(partner) if partner else None)
        return Response(
            {
                "stages": data["stages"],
                "by_month": [{**r, "month": r["month"].isoformat()} for r in data["table"]],
            }
        )
