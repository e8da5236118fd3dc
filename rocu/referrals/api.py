"""API for referrals: the queue, intake (one referral or a bulk file), check results, verdicts,
triage and assignment, and the funnel.

Triage and assignment name the row_version they were made from; a change saved since is
answered 409 with both versions, and nothing is written. A bulk file is answered 202: the
import runs as a background job whose progress and per-row errors the import resource shows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.accounts.models import Force, PartnerAgency, Region, User
from rocu.api.base import StrictQueryMixin
from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.intelligence import permissions as intel_perms
from rocu.intelligence import services as intel_services
from rocu.intelligence.models import MatchVerdict
from rocu.referrals import permissions as p
from rocu.referrals import selectors, services
from rocu.referrals.models import (
    CandidateMatch,
    HandlingCode,
    ImportMode,
    Referral,
    ReferralImport,
    ReferralStatus,
    ReferralSubject,
    ReferralTemplate,
    TriageDecision,
)


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
            "row_version",
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
            "row_version",
        ]
        extra_kwargs = {"partner": {"queryset": PartnerAgency.objects.all()}, "received_on": {"required": False}}


class CandidateSerializer(serializers.ModelSerializer[CandidateMatch]):
    class Meta:
        model = CandidateMatch
        fields = ["id", "subject", "holding_key", "match_probability", "match_weight", "evidence", "model_version"]


class VerdictSerializer(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(choices=MatchVerdict.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


VERSION_HELP = (
    "The row_version of the referral you read. If someone has triaged or assigned it since, "
    "the answer is 409 with both versions and nothing is written."
)


class WorkflowSerializer(serializers.ModelSerializer[Referral]):
    """A referral's triage and assignment, without its subjects."""

    status = serializers.CharField(read_only=True, help_text="received, checked or triaged")
    decision = serializers.CharField(read_only=True, help_text="nfa, disseminate, adopt, refer_partner or empty")
    handling_code = serializers.CharField(read_only=True, help_text="P, C or empty")

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "decision",
            "decision_reason",
            "decided_by",
            "triaged_at",
            "disseminated_to",
            "handling_code",
            "handling_conditions",
            "referred_to_partner",
            "assigned_to",
            "row_version",
        ]
        read_only_fields = fields


class ReferralTriageWrite(serializers.Serializer[Any]):
    # Plain text (checked below) rather than a choice: "decision" names other choice sets in the schema.
    decision = serializers.CharField(
        max_length=15,
        help_text="nfa (no further action), disseminate (to a force), adopt (by the ROCU) or refer_partner",
    )
    reason = serializers.CharField(max_length=2000, help_text="Why: always required.")
    force = serializers.PrimaryKeyRelatedField(
        queryset=Force.objects.all(), required=False, allow_null=True, help_text="For disseminate: the force"
    )
    handling_code = serializers.ChoiceField(
        choices=HandlingCode.choices, required=False, help_text="For disseminate: P, or C with conditions"
    )
    handling_conditions = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    partner = serializers.PrimaryKeyRelatedField(
        queryset=PartnerAgency.objects.all(), required=False, allow_null=True, help_text="For refer_partner"
    )
    row_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)

    def validate_decision(self, value: str) -> str:
        if value not in TriageDecision.values:
            raise serializers.ValidationError(f"Use one of: {', '.join(TriageDecision.values)}.")
        return value


class ReferralAssignWrite(serializers.Serializer[Any]):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, help_text="A person id, or null for nobody"
    )
    row_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


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

    @extend_schema(request=ReferralTriageWrite, responses=WorkflowSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, pk: str | None = None) -> Response:
        """Record the triage decision, with its reason (and force and handling code to disseminate)."""
        policy.require(request.user, p.REFERRALS_MANAGE)
        found = selectors.referral_get(user=request.user, pk=pk, audit=False)
        body = ReferralTriageWrite(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        done = services.referral_triage(
            actor=request.user,
            referral=found,
            decision=d["decision"],
            reason=d["reason"],
            force=d.get("force"),
            handling_code=d.get("handling_code", ""),
            handling_conditions=d["handling_conditions"],
            partner=d.get("partner"),
            expected_version=d["row_version"],
        )
        return Response(WorkflowSerializer(done).data)

    @extend_schema(request=ReferralAssignWrite, responses=WorkflowSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Give the referral to someone in the region who works the queue, or to nobody (null)."""
        policy.require(request.user, p.REFERRALS_MANAGE)
        found = selectors.referral_get(user=request.user, pk=pk, audit=False)
        body = ReferralAssignWrite(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.referral_assign(
            actor=request.user,
            referral=found,
            assignee=body.validated_data["assignee"],
            expected_version=body.validated_data["row_version"],
        )
        return Response(WorkflowSerializer(done).data)

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole list, as the schema says
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


class ImportJobSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, succeeded or failed")
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    percent = serializers.IntegerField()
    message = serializers.CharField()
    error = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The job's page, with its progress bar")

    def get_url(self, obj: Any) -> str:
        return reverse("core:job", args=[obj.pk])


class ImportSerializer(serializers.ModelSerializer[ReferralImport]):
    status = serializers.CharField(read_only=True, help_text="queued, done, rejected or failed")
    template = serializers.CharField(read_only=True, help_text="border_force_parcel or partner_general")
    mode = serializers.CharField(read_only=True, help_text="all_or_nothing or valid_rows")
    job = ImportJobSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="This import, to poll until its status is not queued")
    errors_csv = serializers.SerializerMethodField(help_text="The per-row error report as CSV")

    class Meta:
        model = ReferralImport
        fields = [
            "id",
            "partner",
            "template",
            "mode",
            "filename",
            "status",
            "rows_total",
            "rows_imported",
            "rows_duplicate",
            "rows_invalid",
            "created_at",
            "job",
            "url",
            "errors_csv",
        ]
        read_only_fields = fields

    def get_url(self, obj: ReferralImport) -> str:
        return reverse("referral-import-detail", args=[obj.pk])

    def get_errors_csv(self, obj: ReferralImport) -> str:
        return reverse("referrals:import-errors", args=[obj.pk])


class ImportRowErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="The line of the file (the header is line 1); 0 for the whole file")
    field = serializers.CharField()
    message = serializers.CharField()


class ImportDetailSerializer(ImportSerializer):
    row_errors = ImportRowErrorSerializer(source="errors", many=True, read_only=True)

    class Meta(ImportSerializer.Meta):
        fields = [*ImportSerializer.Meta.fields, "row_errors"]
        read_only_fields = fields


class ImportWrite(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX with the template's columns")
    partner = serializers.PrimaryKeyRelatedField(queryset=PartnerAgency.objects.all())
    template = serializers.ChoiceField(choices=ReferralTemplate.choices)
    mode = serializers.ChoiceField(
        choices=ImportMode.choices,
        default=ImportMode.ALL_OR_NOTHING,
        help_text="all_or_nothing: import only if every row is valid; valid_rows: import those, report the rest",
    )


class ReferralImportViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """Bulk intake: upload a file, then follow its job; imports of the caller's region."""

    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[ReferralImport]:
        if getattr(self, "swagger_fake_view", False):
            return ReferralImport.objects.none()
        policy.require(self.request.user, p.REFERRALS_MANAGE)
        return selectors.imports_visible(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportSerializer(page, many=True).data)

    @extend_schema(responses=ImportDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        """Status, counts, the job's progress and every row's problem (row, field, message)."""
        policy.require(request.user, p.REFERRALS_MANAGE)
        return Response(ImportDetailSerializer(selectors.import_get(user=request.user, pk=pk)).data)

    @extend_schema(
        request={"multipart/form-data": ImportWrite}, responses={202: ImportSerializer}, operation_id="referral_import"
    )
    def create(self, request: Request) -> Response:
        """Queue a file's import (as the import page does) and answer 202 with where to follow it."""
        policy.require(request.user, p.REFERRALS_MANAGE)  # before the body is read: 403, not 415
        body = ImportWrite(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        user: Any = request.user
        try:
            region = Region.objects.get(pk=user.region_id)
        except Region.DoesNotExist:
            raise NotFound("You have no home region.") from None
        started = services.referral_import_start(
            actor=user,
            region=region,
            partner=d["partner"],
            template=d["template"],
            mode=d["mode"],
            filename=d["file"].name,
            content=d["file"].read(),
        )
        started.refresh_from_db()
        data = ImportSerializer(started).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


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
