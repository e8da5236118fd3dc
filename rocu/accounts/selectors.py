"""Every read of people and organisations, already filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from rocu.accounts.models import Force, GroupMembership, NeedToKnowGroup, PartnerAgency, Region, Unit, User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.core.policy import Perm

PEOPLE_SORTS = {
    "username": "username",
    "-username": "-username",
    "name": "last_name",
    "-name": "-last_name",
    "vetting_expires": "vetting_expires",
    "-vetting_expires": "-vetting_expires",
    "force": "force__name",
    "-force": "-force__name",
}


def people_list(*, user: Any, q: str = "", role: str = "", sort: str = "username", active: str = "") -> QuerySet[User]:
    qs = policy.restrict(user, User.objects.all(), Perm.PEOPLE_VIEW)
    if not policy.has_perm(user, Perm.PEOPLE_VIEW):
        return qs.none()
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(job_title__icontains=q)
        )
    if role:
        qs = qs.filter(role_assignments__role=role)
    if active in ("yes", "no"):
        qs = qs.filter(is_active=active == "yes")
    return (
        qs.select_related("region", "force", "unit")
        .prefetch_related("role_assignments")
        .order_by(PEOPLE_SORTS.get(sort, "username"), "pk")
    )


def person_get(*, user: Any, pk: Any, audit: bool = True) -> User:
    """One person's record; looking at someone else's is a consultation of personal data."""
    person = policy.get_visible(
        user,
        User.objects.select_related("region", "force", "unit", "partner").prefetch_related(
            "role_assignments", "accreditations"
        ),
        Perm.PEOPLE_VIEW,
        pk=pk,
    )
    if audit and person.pk != user.pk:
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="accounts.user.view",
            obj=person,
            region_id=person.region_id,
        )
    return person


def regions_list(*, user: Any) -> QuerySet[Region]:
    return policy.restrict(user, Region.objects.annotate(force_count=Count("forces")), Perm.ORGANISATIONS_VIEW)


def forces_list(*, user: Any, region_id: int | None = None) -> QuerySet[Force]:
    qs = policy.restrict(user, Force.objects.select_related("region"), Perm.ORGANISATIONS_VIEW)
    return qs.filter(region_id=region_id) if region_id else qs


def units_list(*, user: Any, region_id: int | None = None) -> QuerySet[Unit]:
    qs = policy.restrict(user, Unit.objects.select_related("region"), Perm.ORGANISATIONS_VIEW)
    return qs.filter(region_id=region_id) if region_id else qs


def partners_list(*, user: Any) -> QuerySet[PartnerAgency]:
    return policy.restrict(user, PartnerAgency.objects.select_related("region"), Perm.ORGANISATIONS_VIEW)


def groups_list(*, user: Any) -> QuerySet[NeedToKnowGroup]:
    """Groups the user belongs to, plus, for people managers, the region's other groups
    by name only (their membership stays hidden)."""
    if not policy.has_perm(user, Perm.GROUPS_VIEW):
        return NeedToKnowGroup.objects.none()
    qs = NeedToKnowGroup.objects.select_related("region")
    mine = Q(memberships__user=user)
    if policy.has_perm(user, Perm.PEOPLE_MANAGE):
        return policy.restrict(user, qs, Perm.GROUPS_VIEW).distinct()
    return qs.filter(mine).distinct()


def group_get(*, user: Any, pk: Any) -> tuple[NeedToKnowGroup, bool]:
    """A group and whether the user is a member (and so may see who else is)."""
    try:
        group = groups_list(user=user).get(pk=pk)
    except (NeedToKnowGroup.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    return group, is_member(user=user, group=group)


def is_member(*, user: Any, group: NeedToKnowGroup) -> bool:
    return GroupMembership.objects.filter(group=group, user=user).exists()


def group_members(*, user: Any, group: NeedToKnowGroup) -> QuerySet[GroupMembership]:
    if not is_member(user=user, group=group):
        return GroupMembership.objects.none()
    return group.memberships.select_related("user", "added_by").order_by("user__last_name", "user__username")


def users_for_region(*, user: Any, region_id: Any) -> QuerySet[User]:
    """Active people of a region, for choosing group members and owners."""
    return policy.restrict(user, User.objects.filter(region_id=region_id, is_active=True), Perm.PEOPLE_VIEW).order_by(
        "last_name", "username"
    )
