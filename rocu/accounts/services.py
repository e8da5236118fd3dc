"""Every change to organisations and people: one transaction, one audit event each."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rocu.accounts.models import (
    Accreditation,
    ApiToken,
    Force,
    GroupMembership,
    NeedToKnowGroup,
    PartnerAgency,
    Region,
    RoleAssignment,
    Unit,
    User,
)
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.classification import Vetting
from rocu.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from rocu.core.policy import Perm, Role

# Fields whose old and new values may be copied into the audit trail; other changes
# are recorded by field name only.
_AUDITABLE_VALUES = {"region", "force", "unit", "partner", "vetting", "vetting_expires", "is_active", "job_title"}
USER_FIELDS = (
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
)


def _require_manage(actor: Any, region: Region | None) -> None:
    policy.require(actor, Perm.PEOPLE_MANAGE)
    scope = policy.scope_for(actor)
    if not scope.all_regions and (region is None or region.pk != scope.region_id):
        raise PermissionDenied("You can manage people and units of your own region only.")


def _check_org_consistency(*, region: Region | None, force: Force | None, unit: Unit | None) -> None:
    if force is not None and region is not None and force.region_id != region.pk:
        raise ValidationFailed(f"{force} is not a force of {region}.", field="force")
    if unit is not None and region is not None and unit.region_id != region.pk:
        raise ValidationFailed(f"{unit} is not a unit of {region}.", field="unit")


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned = sorted(set(roles))
    unknown = [r for r in cleaned if r not in Role.values]
    if unknown:
        raise ValidationFailed(f"Unknown role: {', '.join(unknown)}.", field="roles")
    return cleaned


def _clean_vetting(vetting: str, expires: dt.date | None) -> None:
    if vetting not in Vetting.values:
        raise ValidationFailed("Unknown vetting level.", field="vetting")
    if vetting != Vetting.NONE and expires is None:
        raise ValidationFailed("A vetting level needs its expiry date.", field="vetting_expires")


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    region: Region | None,
    force: Force | None = None,
    unit: Unit | None = None,
    partner: PartnerAgency | None = None,
    job_title: str = "",
    vetting: str = Vetting.NONE,
    vetting_expires: dt.date | None = None,
    roles: Iterable[str] = (),
    password: str | None = None,
) -> User:
    _require_manage(actor, region)
    _check_org_consistency(region=region, force=force, unit=unit)
    role_list = _clean_roles(roles)
    _clean_vetting(vetting, vetting_expires)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("That username is taken.", field="username")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        region=region,
        force=force,
        unit=unit,
        partner=partner,
        job_title=job_title,
        vetting=vetting,
        vetting_expires=vetting_expires,
    )
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()  # signs in through OIDC, or is given a password later
    user.save()
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in role_list)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="accounts.user.create",
        obj=user,
        region_id=region.pk if region else None,
        detail={"roles": role_list, "vetting": vetting},
    )
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **changes: Any) -> User:
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise ValidationFailed(f"Cannot change {', '.join(sorted(unknown))}.")
    _require_manage(actor, user.region)
    new_region = changes.get("region", user.region)
    _require_manage(actor, new_region)
    _check_org_consistency(
        region=new_region, force=changes.get("force", user.force), unit=changes.get("unit", user.unit)
    )
    _clean_vetting(changes.get("vetting", user.vetting), changes.get("vetting_expires", user.vetting_expires))
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(user, name)
        if old != value:
            setattr(user, name, value)
            diff[name] = [_plain(old), _plain(value)] if name in _AUDITABLE_VALUES else "changed"
    if diff:
        user.save()
        audit_record(
            actor=actor,
            category=Category.ALTERATION,
            action="accounts.user.update",
            obj=user,
            region_id=user.region_id,
            detail={"changes": diff},
        )
    return user


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def user_set_roles(*, actor: Any, user: User, roles: Iterable[str]) -> User:
    _require_manage(actor, user.region)
    wanted = set(_clean_roles(roles))
    if user.pk == actor.pk and Role.ROCU_HEAD in set(user.role_names()) - wanted:
        raise ValidationFailed("You cannot remove your own ROCU head role.", field="roles")
    current = set(user.role_names())
    RoleAssignment.objects.filter(user=user, role__in=current - wanted).delete()
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in sorted(wanted - current))
    if wanted != current:
        audit_record(
            actor=actor,
            category=Category.ALTERATION,
            action="accounts.user.roles",
            obj=user,
            region_id=user.region_id,
            detail={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
        )
    user.__dict__.pop("_rocu_roles", None)
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool, reason: str) -> User:
    _require_manage(actor, user.region)
    if not reason.strip():
        raise ValidationFailed("Give a reason.", field="reason")
    if user.pk == actor.pk and not active:
        raise ValidationFailed("You cannot deactivate your own account.")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            category=Category.ALTERATION,
            action="accounts.user.activate" if active else "accounts.user.deactivate",
            obj=user,
            region_id=user.region_id,
            reason=reason,
        )
    return user


@transaction.atomic
def accreditation_set(
    *, actor: Any, user: User, kind: str, awarded: dt.date, expires: dt.date | None = None
) -> Accreditation:
    _require_manage(actor, user.region)
    if expires is not None and expires < awarded:
        raise ValidationFailed("The expiry date is before the award date.", field="expires")
    if awarded > timezone.localdate():
        raise ValidationFailed("The award date is in the future.", field="awarded")
    acc, created = Accreditation.objects.update_or_create(
        user=user, kind=kind, defaults={"awarded": awarded, "expires": expires}
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION if created else Category.ALTERATION,
        action="accounts.accreditation.set",
        obj=user,
        region_id=user.region_id,
        detail={"kind": kind, "awarded": awarded.isoformat(), "expires": expires.isoformat() if expires else None},
    )
    return acc


@transaction.atomic
def accreditation_remove(*, actor: Any, accreditation: Accreditation) -> None:
    user = accreditation.user
    _require_manage(actor, user.region)
    kind = accreditation.kind
    accreditation.delete()
    audit_record(
        actor=actor,
        category=Category.ERASURE,
        action="accounts.accreditation.remove",
        obj=user,
        region_id=user.region_id,
        detail={"kind": kind},
    )


@transaction.atomic
def group_create(*, actor: Any, region: Region, name: str, purpose: str = "") -> NeedToKnowGroup:
    _require_manage(actor, region)
    if NeedToKnowGroup.objects.filter(region=region, name__iexact=name).exists():
        raise ValidationFailed("A group with that name exists in this region.", field="name")
    group = NeedToKnowGroup.objects.create(region=region, name=name, purpose=purpose)
    GroupMembership.objects.create(group=group, user=actor, added_by=actor)
    audit_record(
        actor=actor, category=Category.COLLECTION, action="accounts.group.create", obj=group, region_id=region.pk
    )
    return group


@transaction.atomic
def group_add_member(*, actor: Any, group: NeedToKnowGroup, user: User) -> GroupMembership:
    _require_group_admin(actor, group)
    if user.region_id != group.region_id:
        raise ValidationFailed("Members must belong to the group's region.", field="user")
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(group=group, user=user, added_by=actor)
    except IntegrityError:
        raise ValidationFailed(f"{user.display_name} is already a member.", field="user") from None
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="accounts.group.add_member",
        obj=group,
        region_id=group.region_id,
        detail={"user": user.pk},
    )
    return membership


@transaction.atomic
def group_remove_member(*, actor: Any, group: NeedToKnowGroup, user: User) -> None:
    _require_group_admin(actor, group)
    deleted, _ = GroupMembership.objects.filter(group=group, user=user).delete()
    if not deleted:
        raise ValidationFailed("That person is not a member.", field="user")
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="accounts.group.remove_member",
        obj=group,
        region_id=group.region_id,
        detail={"user": user.pk},
    )


def _require_group_admin(actor: Any, group: NeedToKnowGroup) -> None:
    """Group membership is changed by a member who may manage people in the region."""
    _require_manage(actor, group.region)
    if not GroupMembership.objects.filter(group=group, user=actor).exists():
        raise PermissionDenied("Only a member of the group can change its membership.")


@transaction.atomic
def unit_create(*, actor: Any, region: Region, unit_type: str, name: str) -> Unit:
    _require_manage(actor, region)
    if Unit.objects.filter(region=region, name__iexact=name).exists():
        raise ValidationFailed("A unit with that name exists in this region.", field="name")
    unit = Unit.objects.create(region=region, unit_type=unit_type, name=name)
    audit_record(
        actor=actor, category=Category.COLLECTION, action="accounts.unit.create", obj=unit, region_id=region.pk
    )
    return unit


@transaction.atomic
def partner_create(*, actor: Any, name: str, kind: str, region: Region | None) -> PartnerAgency:
    _require_manage(actor, region)
    if PartnerAgency.objects.filter(name__iexact=name).exists():
        raise ValidationFailed("A partner with that name exists.", field="name")
    partner = PartnerAgency.objects.create(name=name, kind=kind, region=region)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="accounts.partner.create",
        obj=partner,
        region_id=region.pk if region else None,
    )
    return partner


TOKEN_PREFIX = "rocu"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token; the caller shows the returned secret once, and only once."""
    if not name.strip() or len(name) > 80:
        raise ValidationFailed("Give the token a name of up to 80 characters.", field="name")
    if not user.is_active:
        raise ApplicationError("That user is not active.")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=prefix, digest=token_digest(raw))
    audit_record(
        actor=actor,
        actor_username="cli" if actor is None else "",
        category=Category.COLLECTION,
        action="accounts.api_token.create",
        obj=token,
        region_id=user.region_id,
        detail={"user": user.pk, "prefix": prefix},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            actor_username="cli" if actor is None else "",
            category=Category.ALTERATION,
            action="accounts.api_token.revoke",
            obj=token,
            region_id=token.user.region_id,
            detail={"user": token.user_id, "prefix": token.prefix},
        )
    return token
