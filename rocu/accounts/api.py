"""API for the caller, organisations, people and need-to-know groups."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from rocu.accounts import selectors
from rocu.accounts.models import Force, GroupMembership, NeedToKnowGroup, PartnerAgency, Region, Unit, User
from rocu.api.base import ReadOnlyViewSet, StrictAPIView, is_whole_number
from rocu.core import policy
from rocu.core.policy import Perm


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class ForceSerializer(serializers.ModelSerializer[Force]):
    class Meta:
        model = Force
        fields = ["id", "code", "name", "region"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "name", "unit_type", "region"]


class PartnerSerializer(serializers.ModelSerializer[PartnerAgency]):
    class Meta:
        model = PartnerAgency
        fields = ["id", "name", "kind", "region"]


class PersonSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    accreditations = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "region",
            "force",
            "unit",
            "partner",
            "vetting",
            "vetting_expires",
            "is_active",
            "roles",
            "accreditations",
        ]

    def get_roles(self, obj: User) -> list[str]:
        return obj.role_names()

    def get_accreditations(self, obj: User) -> list[dict[str, Any]]:
        return [{"kind": a.kind, "awarded": a.awarded, "expires": a.expires} for a in obj.accreditations.all()]


class GroupSerializer(serializers.ModelSerializer[NeedToKnowGroup]):
    members = serializers.SerializerMethodField()

    class Meta:
        model = NeedToKnowGroup
        fields = ["id", "name", "purpose", "region", "members"]

    def get_members(self, obj: NeedToKnowGroup) -> list[int] | None:
        """Member ids for members of the group; null (hidden) for everyone else."""
        user = self.context["request"].user
        memberships = list(GroupMembership.objects.filter(group=obj).values_list("user_id", flat=True))
        return sorted(memberships) if user.pk in memberships else None


class MeView(StrictAPIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "permissions": serializers.ListField(child=serializers.CharField()),
                "scope": inline_serializer(
                    "Scope",
                    {
                        "all_regions": serializers.BooleanField(),
                        "region": serializers.IntegerField(allow_null=True),
                        "force": serializers.IntegerField(allow_null=True),
                        "force_bound": serializers.BooleanField(),
                        "classifications": serializers.ListField(child=serializers.CharField()),
                        "vetting": serializers.CharField(),
                        "vetting_expires": serializers.DateField(allow_null=True),
                    },
                ),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        scope = policy.scope_for(user)
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": user.display_name,
                "roles": sorted(policy.roles_of(user)),
                "permissions": sorted(policy.permissions_for(user)),
                "scope": {
                    "all_regions": scope.all_regions,
                    "region": scope.region_id,
                    "force": scope.force_id,
                    "force_bound": scope.force_bound,
                    "classifications": list(scope.classifications),
                    "vetting": user.vetting,
                    "vetting_expires": user.vetting_expires,
                },
            }
        )


class RegionViewSet(ReadOnlyViewSet):
    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return selectors.regions_list(user=self.request.user).order_by("name")


class ForceViewSet(ReadOnlyViewSet):
    serializer_class = ForceSerializer
    allowed_query_params = frozenset({"region"})

    @extend_schema(parameters=[OpenApiParameter("region", int, description="Only this region's forces")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Force]:
        region = self.request.query_params.get("region")
        if region is not None and not is_whole_number(region, max_digits=18):
            raise serializers.ValidationError({"region": ["Must be a region id."]})
        return selectors.forces_list(user=self.request.user, region_id=int(region) if region else None).order_by("name")


class UnitViewSet(ReadOnlyViewSet):
    serializer_class = UnitSerializer

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.units_list(user=self.request.user).order_by("region__name", "name")


class PartnerViewSet(ReadOnlyViewSet):
    serializer_class = PartnerSerializer

    def get_queryset(self) -> QuerySet[PartnerAgency]:
        return selectors.partners_list(user=self.request.user).order_by("name")


class PersonViewSet(ReadOnlyViewSet):
    serializer_class = PersonSerializer
    allowed_query_params = frozenset({"q", "role", "active"})

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search in username, names and job title"),
            OpenApiParameter("role", str, enum=list(policy.Role.values)),
            OpenApiParameter("active", str, enum=["yes", "no"]),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        params = self.request.query_params
        role = params.get("role", "")
        if role and role not in policy.Role.values:
            raise serializers.ValidationError({"role": ["Unknown role."]})
        active = params.get("active", "")
        if active and active not in ("yes", "no"):
            raise serializers.ValidationError({"active": ["Use yes or no."]})
        q = params.get("q", "")
        if len(q) > 100:
            raise serializers.ValidationError({"q": ["At most 100 characters."]})
        policy.require(self.request.user, Perm.PEOPLE_VIEW)
        return selectors.people_list(user=self.request.user, q=q, role=role, active=active).prefetch_related(
            "accreditations"
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = selectors.person_get(user=request.user, pk=kwargs["pk"])
        return Response(self.get_serializer(person).data)


class GroupViewSet(ReadOnlyViewSet):
    serializer_class = GroupSerializer

    def get_queryset(self) -> QuerySet[NeedToKnowGroup]:
        return selectors.groups_list(user=self.request.user).order_by("name")
