"""The one place that decides what a user may see and do.

Default deny: a user holds only the permissions their roles grant, personal data only
through an operational role with in-date vetting, and records only inside their scope
(region, force for a force SOC lead, classification against vetting, need-to-know
groups). PCC and national roles hold aggregate permissions only. Selectors and the API
call `restrict` or `get_visible`; nothing else filters by permission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rocu.core.classification import classifications_reached
from rocu.core.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from rocu.accounts.models import User


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    DISRUPTION_OFFICER = "disruption_officer", "Disruption officer"
    SIO = "sio", "Senior investigating officer (SIO)"
    LRO = "lro", "Lead responsible officer (LRO)"
    ROCU_HEAD = "rocu_head", "ROCU head"
    FORCE_SOC_LEAD = "force_soc_lead", "Force SOC lead"
    PCC_OFFICE = "pcc_office", "PCC office"
    NATIONAL_LEAD = "national_lead", "National lead"
    AUDITOR = "auditor", "Auditor (counter-corruption)"


class Perm(StrEnum):
    """Permissions, named `<area>.<action>`; later capabilities add theirs here."""

    ORGANISATIONS_VIEW = "organisations.view"
    PEOPLE_VIEW = "people.view"
    PEOPLE_MANAGE = "people.manage"
    GROUPS_VIEW = "groups.view"
    PERSONAL_DATA_VIEW = "personal_data.view"
    AGGREGATES_VIEW = "aggregates.view"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"


# Roles that work cases and so may see personal data (DESIGN.md "who uses it").
OPERATIONAL_ROLES: frozenset[str] = frozenset(
    {Role.ANALYST, Role.DISRUPTION_OFFICER, Role.SIO, Role.LRO, Role.ROCU_HEAD, Role.FORCE_SOC_LEAD}
)
# Roles that may only ever see aggregates: no permission that reveals a person.
AGGREGATE_ONLY_ROLES: frozenset[str] = frozenset({Role.PCC_OFFICE, Role.NATIONAL_LEAD})
# Roles whose holders must sign in with a second factor.
TWO_FACTOR_ROLES: frozenset[str] = OPERATIONAL_ROLES | {Role.AUDITOR}

_BASE = {Perm.ORGANISATIONS_VIEW, Perm.AGGREGATES_VIEW}
_OPERATIONAL = _BASE | {Perm.PERSONAL_DATA_VIEW, Perm.GROUPS_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ANALYST: frozenset(_OPERATIONAL),
    Role.DISRUPTION_OFFICER: frozenset(_OPERATIONAL),
    Role.SIO: frozenset(_OPERATIONAL),
    Role.LRO: frozenset(_OPERATIONAL),
    Role.ROCU_HEAD: frozenset(_OPERATIONAL | {Perm.PEOPLE_VIEW, Perm.PEOPLE_MANAGE}),
    Role.FORCE_SOC_LEAD: frozenset(_OPERATIONAL),
    Role.PCC_OFFICE: frozenset(_BASE),
    Role.NATIONAL_LEAD: frozenset(_BASE),
    Role.AUDITOR: frozenset(_BASE | {Perm.AUDIT_VIEW, Perm.AUDIT_EXPORT, Perm.PEOPLE_VIEW}),
}
# Permissions that reveal people: never granted to an aggregate-only role, and only
# while the holder's vetting is in date.
PERSONAL_PERMS: frozenset[str] = frozenset({Perm.PERSONAL_DATA_VIEW, Perm.PEOPLE_VIEW, Perm.AUDIT_VIEW})


def register_role_permissions(role: str, perms: Iterable[str]) -> None:
    """Let a capability app grant its permissions to roles when it loads."""
    ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS.get(role, frozenset()) | frozenset(perms)


def register_personal_permissions(perms: Iterable[str]) -> None:
    """Mark permissions that reveal people: never held by aggregate-only roles or on lapsed vetting."""
    global PERSONAL_PERMS
    PERSONAL_PERMS = PERSONAL_PERMS | frozenset(perms)


@dataclass(frozen=True)
class PolicyFields:
    """How a model's rows are scoped: the field paths the policy filters on.

    Declare on a model as `policy = PolicyFields(region="region", ...)`. `force` may
    name several paths (a direct force and a many-to-many of affected forces).
    """

    region: str | None = "region"
    force: tuple[str, ...] = ()
    classification: str | None = None
    need_to_know_group: str | None = None
    personal_data: bool = False
    # A user always sees rows that name them here (their own user record, say).
    owner: str | None = None


@dataclass(frozen=True)
class Scope:
    """What a user's records are bounded by; computed once per request."""

    all_regions: bool
    region_id: int | None
    force_id: int | None
    force_bound: bool
    classifications: tuple[str, ...]
    group_ids: frozenset[int] = field(default_factory=frozenset)


def _vetting_in_date(user: User, today: dt.date | None = None) -> bool:
    if user.vetting_expires is None:
        return False
    return user.vetting_expires >= (today or timezone.localdate())


def roles_of(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_rocu_roles", None)
    if cached is None:
        cached = frozenset(user.role_names())
        user._rocu_roles = cached
    return cached


def permissions_for(user: Any) -> frozenset[str]:
    """Every permission the user holds now; empty for anonymous or inactive users."""
    roles = roles_of(user)
    if not roles:
        return frozenset()
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    if roles <= AGGREGATE_ONLY_ROLES:
        perms -= PERSONAL_PERMS
    if not _vetting_in_date(user):
        perms -= PERSONAL_PERMS
    return frozenset(perms)


def roles_granting(perm: str) -> frozenset[str]:
    """The roles whose holders get `perm` (vetting and aggregate-only limits aside): for
    offering only people who could act, as when a referral is assigned."""
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)


def has_perm(user: Any, perm: str) -> bool:
    return perm in permissions_for(user)


def require(user: Any, perm: str) -> None:
    """Refuse a whole area (403). Use `get_visible` for single records (404)."""
    if not has_perm(user, perm):
        raise PermissionDenied("You do not have permission to do that.")


def requires_two_factor(user: Any) -> bool:
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def scope_for(user: Any) -> Scope:
    cached = getattr(user, "_rocu_scope", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    reach = tuple(classifications_reached(user.vetting)) if _vetting_in_date(user) else ()
    force_bound = bool(roles) and roles <= {Role.FORCE_SOC_LEAD, Role.PCC_OFFICE}
    scope = Scope(
        all_regions=Role.NATIONAL_LEAD in roles,
        region_id=user.region_id,
        force_id=user.force_id,
        force_bound=force_bound,
        classifications=reach,
        group_ids=frozenset(user.need_to_know_memberships.values_list("group_id", flat=True)),
    )
    user._rocu_scope = scope
    return scope


_M = TypeVar("_M", bound=models.Model)


def _fields(model: type[models.Model]) -> PolicyFields:
    spec = getattr(model, "policy", None)
    if not isinstance(spec, PolicyFields):
        raise TypeError(f"{model.__name__} declares no PolicyFields; the policy denies it by default")
    return spec


def scope_q(user: Any, model: type[models.Model]) -> Q:
    """The filter that keeps only rows of `model` inside the user's scope."""
    spec = _fields(model)
    scope = scope_for(user)
    q = Q()
    if spec.region and not scope.all_regions:
        if scope.region_id is None:
            return Q(pk__in=[])
        q &= Q(**{spec.region: scope.region_id})
    if spec.force and scope.force_bound:
        if scope.force_id is None:
            return Q(pk__in=[])
        force_q = Q()
        for path in spec.force:
            force_q |= Q(**{path: scope.force_id})
        q &= force_q
    if spec.classification:
        q &= Q(**{f"{spec.classification}__in": scope.classifications})
    if spec.need_to_know_group:
        q &= Q(**{f"{spec.need_to_know_group}__isnull": True}) | Q(
            **{f"{spec.need_to_know_group}__in": list(scope.group_ids)}
        )
    if spec.owner and q:  # an empty q already means every row; OR-ing would narrow it
        q |= Q(**{spec.owner: user.pk})
    return q


def restrict(user: Any, queryset: models.QuerySet[_M], perm: str) -> models.QuerySet[_M]:
    """Only the rows the user may see for `perm`; none when the permission is missing."""
    spec = _fields(queryset.model)
    if not has_perm(user, perm):
        if spec.owner and getattr(user, "is_authenticated", False):
            return queryset.filter(**{spec.owner: user.pk})
        return queryset.none()
    if spec.personal_data and not has_perm(user, Perm.PERSONAL_DATA_VIEW):
        return queryset.none()
    q = scope_q(user, queryset.model)
    has_m2m_force = any("__" in p or _is_m2m(queryset.model, p) for p in spec.force)
    filtered = queryset.filter(q)
    return filtered.distinct() if has_m2m_force and scope_for(user).force_bound else filtered


def _is_m2m(model: type[models.Model], path: str) -> bool:
    try:
        return bool(model._meta.get_field(path.split("__")[0]).many_to_many)
    except Exception:  # noqa: BLE001 - an unknown path is caught by the query itself
        return False


def get_visible(user: Any, queryset: models.QuerySet[_M], perm: str, **lookup: Any) -> _M:
    """One record the user may see, or the same NotFound as for a missing one."""
    try:
        return restrict(user, queryset, perm).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def can_see(user: Any, obj: models.Model, perm: str) -> bool:
    return restrict(user, type(obj)._default_manager.filter(pk=obj.pk), perm).exists()
