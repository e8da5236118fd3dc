"""API for threats, OCGs, assessments, T&CG meetings and decisions, and the counts view.

Reads go through the selectors (so through the policy); writes go through the services.
OCG members are not in the OCG payload: they are person records, read through their own
endpoint so that each read is audited as a consultation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.accounts.models import Force, Region, UnitType, User
from rocu.api.base import ReadOnlyViewSet, StrictQueryMixin
from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.threats import permissions as P
from rocu.threats import selectors, services
from rocu.threats.models import (
    Assessment,
    Confidence,
    Decision,
    DecisionKind,
    Flag,
    HeldBy,
    Level,
    Meeting,
    OCGMembership,
    OrganisedCrimeGroup,
    Threat,
    ThreatType,
)
from rocu.threats.scale import current_scale


class SubjectFields(serializers.ModelSerializer[Any]):
    flags = serializers.SerializerMethodField()
    # Plain strings where one choice set would otherwise get several schema names.
    assessed_level = serializers.CharField(read_only=True, help_text="local, regional, national, or empty")
    forces_affected = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]

    def get_flags(self, obj: Any) -> list[str]:
        return obj.flags()


COMMON = [
    "id",
    "reference",
    "name",
    "area",
    "description",
    "forces_affected",
    "owner",
    "classification",
    "need_to_know_group",
    "held_by",
    "holding_force",
    "assessed_level",
    "level",
    "is_priority",
    "adopted_on",
    "lro",
    "harm",
    "likelihood",
    "risk",
    "priority_score",
    "confidence",
    "scale_version",
    "assessed_on",
    "flags",
    "row_version",
]


class ThreatSerializer(SubjectFields):
    class Meta:
        model = Threat
        fields = [*COMMON, "threat_type"]


class OCGSerializer(SubjectFields):
    linked_ocgs = serializers.SerializerMethodField()

    class Meta:
        model = OrganisedCrimeGroup
        fields = [*COMMON, "threat_types", "status", "linked_ocgs"]

    def get_linked_ocgs(self, obj: OrganisedCrimeGroup) -> list[int]:
        visible = selectors.ocgs_list(user=self.context["request"].user)
        return sorted(visible.filter(pk__in=obj.linked_ocgs.values("pk")).values_list("pk", flat=True))


class SubjectWrite(serializers.Serializer[Any]):
    """What a client may send to create or change a threat or OCG."""

    name = serializers.CharField(max_length=200)
    area = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    forces_affected = serializers.PrimaryKeyRelatedField(many=True, queryset=Force.objects.all(), required=False)
    classification = serializers.CharField(max_length=20, required=False)
    held_by = serializers.ChoiceField(choices=HeldBy.choices, required=False)
    holding_force = serializers.PrimaryKeyRelatedField(queryset=Force.objects.all(), required=False, allow_null=True)
    lro = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    row_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="Required on a change: the row_version you read. If someone saved since, the answer is 409 "
        "with both versions and nothing is written.",
    )


class ThreatWrite(SubjectWrite):
    threat_type = serializers.ChoiceField(choices=ThreatType.choices)


class OCGWrite(SubjectWrite):
    threat_types = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text="Threat type codes, as for threat_type"
    )


class MemberSerializer(serializers.ModelSerializer[OCGMembership]):
    reference = serializers.CharField(source="nominal.reference")
    name = serializers.CharField(source="nominal.full_name")
    subject_category = serializers.CharField(source="nominal.subject_category")

    class Meta:
        model = OCGMembership
        fields = ["id", "nominal", "reference", "name", "subject_category", "role"]


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    proposed_level = serializers.CharField(read_only=True, help_text="local, regional or national")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "subject",
            "version",
            "harm_inputs",
            "likelihood",
            "confidence",
            "organisational_position",
            "opportunity",
            "rationale",
            "harm",
            "risk",
            "priority_score",
            "proposed_level",
            "scale_version",
            "rule_version",
            "scored_by",
            "scored_at",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]


class AssessmentWrite(serializers.Serializer[Any]):
    subject = serializers.IntegerField()
    harm = serializers.DictField(child=serializers.IntegerField(), help_text="Each harm dimension scored 0-4")
    likelihood = serializers.IntegerField()
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    organisational_position = serializers.IntegerField(default=3)
    opportunity = serializers.IntegerField(default=3)
    rationale = serializers.CharField(max_length=4000, allow_blank=True)
    scored_from = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        help_text="The latest version of the subject's assessment you scored from (0 if there was none). "
        "If someone has scored it since, the answer is 409 with both scores and nothing is recorded.",
    )


class ReviewWrite(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    class Meta:
        model = Meeting
        fields = ["id", "region", "title", "held_on", "chair", "members", "status", "minutes", "changes_since"]


class MeetingWrite(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=160)
    held_on = serializers.DateField()
    changes_since = serializers.DateField(required=False, allow_null=True)
    members = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)


DECISION_KINDS = ", ".join(DecisionKind.values)
UNIT_TYPES = ", ".join(UnitType.values)


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    kind = serializers.CharField(read_only=True, help_text=f"One of: {DECISION_KINDS}")
    new_level = serializers.CharField(read_only=True, help_text="For move_level: local, regional or national")
    capability = serializers.CharField(read_only=True, help_text=f"For allocate: one of {UNIT_TYPES}")

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "subject",
            "kind",
            "rationale",
            "owner",
            "due_on",
            "new_level",
            "capability",
            "recorded_by",
            "recorded_at",
        ]


class DecisionWrite(serializers.Serializer[Any]):
    meeting = serializers.IntegerField()
    subject = serializers.IntegerField()
    kind = serializers.CharField(max_length=20, help_text=f"One of: {DECISION_KINDS}")
    rationale = serializers.CharField(max_length=4000, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_on = serializers.DateField()
    new_level = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    capability = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    lro = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)


def _region(user: Any) -> Region:
    region = Region.objects.filter(pk=user.region_id).first()
    if region is None:
        raise NotFound("You have no home region.")
    return region


def _write(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _change(serializer_class: type[serializers.Serializer[Any]], request: Request) -> tuple[int, dict[str, Any]]:
    """A partial change and the row_version it was made from (which it must name)."""
    serializer = serializer_class(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    if "row_version" not in data:
        raise ValidationError({"row_version": ["Send the row_version you read, so a later change is not overwritten."]})
    return data.pop("row_version"), data


THREAT_PARAMS = [
    OpenApiParameter("q", str, description="Search in name, area and reference"),
    OpenApiParameter("force", int, description="Only threats affecting this force"),
    OpenApiParameter("threat_type", str, enum=list(ThreatType.values)),
    OpenApiParameter("level", str, enum=[*Level.values, "none"], description="Assessed level"),
    OpenApiParameter("flag", str, enum=list(Flag.values)),
    OpenApiParameter("sort", str, enum=list(selectors.THREAT_SORTS)),
]


class ThreatViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    serializer_class = ThreatSerializer
    allowed_query_params = frozenset({"q", "force", "threat_type", "level", "flag", "sort"})
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(parameters=THREAT_PARAMS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Threat]:
        if getattr(self, "swagger_fake_view", False):
            return Threat.objects.none()
        policy.require(self.request.user, P.THREATS_VIEW)
        p = self.request.query_params
        errors = {}
        force = p.get("force", "")
        if force and not force.isdigit():
            errors["force"] = ["Must be a force id."]
        for name, allowed in (
            ("threat_type", ThreatType.values),
            ("level", [*Level.values, "none"]),
            ("flag", Flag.values),
            ("sort", list(selectors.THREAT_SORTS)),
        ):
            if p.get(name) and p[name] not in allowed:
                errors[name] = [f"Use one of: {', '.join(allowed)}."]
        if len(p.get("q", "")) > 100:
            errors["q"] = ["At most 100 characters."]
        if errors:
            raise ValidationError(errors)
        filters = selectors.ThreatFilters(
            q=p.get("q", ""),
            force=int(force) if force else None,
            threat_type=p.get("threat_type", ""),
            level=p.get("level", ""),
            flag=p.get("flag", ""),
            sort=p.get("sort", "priority"),
        )
        return selectors.threats_list(user=self.request.user, filters=filters)

    def get_object(self) -> Threat:
        policy.require(self.request.user, P.THREATS_VIEW)
        return selectors.threat_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=ThreatWrite, responses={201: ThreatSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, P.THREATS_MANAGE)
        data = _write(ThreatWrite, request)
        data.pop("row_version", None)
        forces = data.pop("forces_affected", [])
        created = services.threat_create(
            actor=request.user, region=_region(request.user), forces_affected=forces, **data
        )
        return Response(ThreatSerializer(created, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ThreatWrite, responses=ThreatSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, P.THREATS_MANAGE)
        found = self.get_object()
        version, data = _change(ThreatWrite, request)
        forces = data.pop("forces_affected", None)
        updated = services.threat_update(
            actor=request.user, threat=found, expected_version=version, forces_affected=forces, **data
        )
        return Response(ThreatSerializer(updated, context={"request": request}).data)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ThreatImport",
                {"file": serializers.FileField(), "import_valid_rows": serializers.BooleanField(required=False)},
            )
        },
        responses=inline_serializer(
            "ThreatImportReport",
            {
                "imported": serializers.ListField(child=serializers.CharField()),
                "rows": serializers.IntegerField(),
                "errors": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def bulk_import(self, request: Request) -> Response:
        policy.require(request.user, P.THREATS_MANAGE)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach a CSV file."]})
        if upload.size and upload.size > services.MAX_IMPORT_BYTES:
            raise ValidationError({"file": ["The file is larger than 2 MB; split it."]})
        valid_only = str(request.POST.get("import_valid_rows", "")).lower() in ("1", "true", "yes", "on")
        report = services.threats_import(
            actor=request.user, region=_region(request.user), content=upload.read(), import_valid_rows=valid_only
        )
        body = {
            "imported": report.imported,
            "rows": len(report.rows),
            "errors": [{"line": r.line, "errors": r.errors} for r in report.invalid],
        }
        return Response(body, status=status.HTTP_201_CREATED if report.imported else status.HTTP_200_OK)


class OCGViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    serializer_class = OCGSerializer
    allowed_query_params = frozenset({"q", "flag"})
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("flag", str, enum=list(Flag.values))])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[OrganisedCrimeGroup]:
        if getattr(self, "swagger_fake_view", False):
            return OrganisedCrimeGroup.objects.none()
        policy.require(self.request.user, P.THREATS_VIEW)
        p = self.request.query_params
        if p.get("flag") and p["flag"] not in Flag.values:
            raise ValidationError({"flag": [f"Use one of: {', '.join(Flag.values)}."]})
        if len(p.get("q", "")) > 100:
            raise ValidationError({"q": ["At most 100 characters."]})
        return selectors.ocgs_list(user=self.request.user, q=p.get("q", ""), flag=p.get("flag", ""))

    def get_object(self) -> OrganisedCrimeGroup:
        policy.require(self.request.user, P.THREATS_VIEW)
        return selectors.ocg_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=OCGWrite, responses={201: OCGSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, P.THREATS_MANAGE)
        data = _write(OCGWrite, request)
        data.pop("row_version", None)
        forces = data.pop("forces_affected", [])
        created = services.ocg_create(actor=request.user, region=_region(request.user), forces_affected=forces, **data)
        return Response(OCGSerializer(created, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OCGWrite, responses=OCGSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, P.THREATS_MANAGE)
        found = self.get_object()
        version, data = _change(OCGWrite, request)
        forces = data.pop("forces_affected", None)
        updated = services.ocg_update(
            actor=request.user, ocg=found, expected_version=version, forces_affected=forces, **data
        )
        return Response(OCGSerializer(updated, context={"request": request}).data)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @extend_schema(responses=MemberSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole list, as the schema says
    def members(self, request: Request, pk: str) -> Response:
        """Members of the group: each read audited as a consultation of personal data."""
        found = self.get_object()
        policy.require(request.user, policy.Perm.PERSONAL_DATA_VIEW)
        members = selectors.ocg_members(user=request.user, ocg=found)
        return Response(MemberSerializer(members, many=True).data)


class AssessmentViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    serializer_class = AssessmentSerializer
    allowed_query_params = frozenset({"status", "subject"})
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["awaiting_review", "approved", "returned"]),
            OpenApiParameter("subject", int, description="Only this threat's or OCG's versions"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Assessment]:
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        policy.require(self.request.user, P.THREATS_VIEW)
        p = self.request.query_params
        st = p.get("status", "")
        if st and st not in ("awaiting_review", "approved", "returned"):
            raise ValidationError({"status": ["Use awaiting_review, approved or returned."]})
        qs = selectors.assessments_list(user=self.request.user, status=st)
        subject = p.get("subject", "")
        if subject:
            if not subject.isdigit() or len(subject) > 18:
                raise ValidationError({"subject": ["Must be a threat or OCG id."]})
            qs = qs.filter(subject_id=int(subject))
        return qs

    def get_object(self) -> Assessment:
        policy.require(self.request.user, P.THREATS_VIEW)
        return selectors.assessment_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=AssessmentWrite, responses={201: AssessmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Score a threat or OCG: a new version, awaiting another analyst's review."""
        policy.require(request.user, P.THREATS_SCORE)
        data = _write(AssessmentWrite, request)
        subject = selectors.subject_get(user=request.user, pk=data["subject"])
        keys = set(current_scale().dimension_keys)
        unknown = set(data["harm"]) - keys
        if unknown:
            raise ValidationError({"harm": [f"Unknown dimension(s): {', '.join(sorted(unknown))}."]})
        created = services.assessment_create(
            actor=request.user,
            subject=subject,
            request=services.ScoreRequest(
                harm=data["harm"],
                likelihood=data["likelihood"],
                confidence=data["confidence"],
                organisational_position=data["organisational_position"],
                opportunity=data["opportunity"],
                rationale=data["rationale"],
            ),
            scored_from=data["scored_from"],
        )
        return Response(AssessmentSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewWrite, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """Approve or return another analyst's score (never your own)."""
        policy.require(request.user, P.THREATS_REVIEW)
        found = self.get_object()
        data = _write(ReviewWrite, request)
        reviewed = services.assessment_review(
            actor=request.user, assessment=found, approve=data["approve"], comment=data["comment"]
        )
        return Response(AssessmentSerializer(reviewed).data)


class MeetingViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    serializer_class = MeetingSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        policy.require(self.request.user, P.TASKING_VIEW)
        return selectors.meetings_list(user=self.request.user).prefetch_related("members")

    def get_object(self) -> Meeting:
        policy.require(self.request.user, P.TASKING_VIEW)
        return selectors.meeting_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=MeetingWrite, responses={201: MeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require(request.user, P.TASKING_RUN)
        data = _write(MeetingWrite, request)
        created = services.meeting_create(
            actor=request.user,
            region=_region(request.user),
            title=data["title"],
            held_on=data["held_on"],
            members=data.get("members", []),
            changes_since=data.get("changes_since"),
        )
        return Response(MeetingSerializer(created).data, status=status.HTTP_201_CREATED)


class DecisionViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    serializer_class = DecisionSerializer
    allowed_query_params = frozenset({"meeting"})
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(parameters=[OpenApiParameter("meeting", int, description="Only this meeting's decisions")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Decision]:
        if getattr(self, "swagger_fake_view", False):
            return Decision.objects.none()
        policy.require(self.request.user, P.TASKING_VIEW)
        qs = selectors.decisions_list(user=self.request.user)
        meeting = self.request.query_params.get("meeting", "")
        if meeting:
            if not meeting.isdigit() or len(meeting) > 18:
                raise ValidationError({"meeting": ["Must be a meeting id."]})
            qs = qs.filter(meeting_id=int(meeting))
        return qs

    def get_object(self) -> Decision:
        policy.require(self.request.user, P.TASKING_VIEW)
        return selectors.decision_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=DecisionWrite, responses={201: DecisionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a T&CG decision; it changes the threat or OCG in the same transaction."""
        policy.require(request.user, P.TASKING_DECIDE)
        data = _write(DecisionWrite, request)
        meeting = selectors.meeting_get(user=request.user, pk=data["meeting"])
        subject = selectors.subject_get(user=request.user, pk=data["subject"])
        created = services.decision_record(
            actor=request.user,
            meeting=meeting,
            subject=subject,
            request=services.DecisionRequest(
                kind=data["kind"],
                rationale=data["rationale"],
                owner=data["owner"],
                due_on=data["due_on"],
                new_level=data["new_level"],
                capability=data["capability"],
                lro=data.get("lro"),
            ),
        )
        return Response(DecisionSerializer(created).data, status=status.HTTP_201_CREATED)


class CountSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    count = serializers.IntegerField()


class ThreatCountsViewSet(StrictQueryMixin, viewsets.ViewSet):
    """Counts by type, level and flag: the only threat data PCC and national roles get."""

    @extend_schema(
        responses=inline_serializer(
            "ThreatCounts",
            {
                "scope": serializers.CharField(),
                "threats": serializers.IntegerField(),
                "priorities": serializers.IntegerField(),
                "ocgs": serializers.IntegerField(),
                "by_type": CountSerializer(many=True),
                "by_level": CountSerializer(many=True),
                "by_flag": CountSerializer(many=True),
            },
        )
    )
    def list(self, request: Request) -> Response:
        agg = selectors.aggregates(user=request.user)

        def rows(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
            return [{"name": label, "count": n} for label, n in pairs]

        return Response(
            {
                "scope": agg.scope,
                "threats": agg.total,
                "priorities": agg.priorities,
                "ocgs": agg.ocgs,
                "by_type": rows(agg.by_type),
                "by_level": rows(agg.by_level),
                "by_flag": rows(agg.by_flag),
            }
        )
