"""Changes to person records, each audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import NeedToKnowGroup, Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.classification import Classification
from rocu.core.errors import PermissionDenied, ValidationFailed
from rocu.core.policy import Perm
from rocu.intelligence.models import DataSubjectCategory, Nominal

NOMINAL_FIELDS = (
    "subject_category",
    "first_name",
    "surname",
    "date_of_birth",
    "aliases",
    "address",
    "town",
    "postcode",
    "phone",
    "email",
    "classification",
    "need_to_know_group",
)


def _check(actor: Any, *, region: Region, classification: str, group: NeedToKnowGroup | None) -> None:
    policy.require(actor, Perm.PERSONAL_DATA_VIEW)
    scope = policy.scope_for(actor)
    if not scope.all_regions and region.pk != scope.region_id:
        raise PermissionDenied("You can record people in your own region only.")
    if classification not in Classification.values:
        raise ValidationFailed("Unknown classification.", field="classification")
    if classification not in scope.classifications:
        raise ValidationFailed("Your vetting does not reach that classification.", field="classification")
    if group is not None and (group.region_id != region.pk or group.pk not in scope.group_ids):
        raise ValidationFailed("Choose a need-to-know group you belong to.", field="need_to_know_group")


def _clean(fields: dict[str, Any]) -> None:
    if fields.get("subject_category") not in DataSubjectCategory.values:
        raise ValidationFailed("Choose the category of data subject.", field="subject_category")
    if not str(fields.get("surname", "")).strip():
        raise ValidationFailed("Enter a surname.", field="surname")
    dob = fields.get("date_of_birth")
    if dob is not None and (dob > timezone.localdate() or dob < dt.date(1900, 1, 1)):
        raise ValidationFailed("The date of birth is not possible.", field="date_of_birth")
    if fields.get("postcode"):
        fields["postcode"] = str(fields["postcode"]).upper().strip()


@transaction.atomic
def nominal_create(*, actor: Any, region: Region, **fields: Any) -> Nominal:
    unknown = set(fields) - set(NOMINAL_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    fields.setdefault("classification", Classification.OFFICIAL_SENSITIVE)
    _check(actor, region=region, classification=fields["classification"], group=fields.get("need_to_know_group"))
    _clean(fields)
    nominal = Nominal(region=region, created_by=actor, reference="", **fields)
    nominal.save()
    nominal.reference = f"NOM-{nominal.pk:06d}"
    nominal.save(update_fields=["reference"])
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="intelligence.nominal.create",
        obj=nominal,
        region_id=region.pk,
        detail={"subject_category": nominal.subject_category},
    )
    return nominal


@transaction.atomic
def nominal_update(*, actor: Any, nominal: Nominal, **changes: Any) -> Nominal:
    unknown = set(changes) - set(NOMINAL_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    merged = {f: getattr(nominal, f) for f in NOMINAL_FIELDS} | changes
    _check(actor, region=nominal.region, classification=merged["classification"], group=merged["need_to_know_group"])
    _clean(merged)
    changed = sorted(f for f in NOMINAL_FIELDS if getattr(nominal, f) != merged[f])
    if not changed:
        return nominal
    for f in changed:
        setattr(nominal, f, merged[f])
    nominal.updated_at = timezone.now()
    nominal.save()
    # Field names only: the values are personal data and stay out of the trail.
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="intelligence.nominal.update",
        obj=nominal,
        region_id=nominal.region_id,
        detail={"fields": changed},
    )
    return nominal
