"""Records management writes: retention entries, review decisions, disposal, subject access.

Disposal erases a record's personal data in place and leaves an erasure event that
names the kind of record and the fields erased, never their contents (DPA 2018 s.62).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import Conflict, ValidationFailed
from rocu.engines import retention
from rocu.records.models import (
    RetentionRecord,
    RetentionStatus,
    ReviewDecision,
    ReviewDecisionKind,
    SubjectAccessRequest,
    SubjectAccessStatus,
)
from rocu.records.permissions import RECORDS_REVIEW, SUBJECT_ACCESS
from rocu.records.registry import RetainedModel, retained_model, retained_models

CONFIG_PATH = Path(__file__).with_name("retention.toml")
MAX_REASON = 1000


@lru_cache(maxsize=1)
def retention_config() -> retention.RetentionConfig:
    with CONFIG_PATH.open("rb") as fh:
        return retention.parse_config(tomllib.load(fh))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return timezone.localdate()


def _entry_values(entry: RetainedModel, obj: Model, existing: RetentionRecord | None) -> dict[str, Any]:
    config = retention_config()
    created = _as_date(entry.created(obj))
    changed = _as_date(entry.changed(obj))
    if existing is not None and existing.group_set_by_reviewer:
        group = existing.group
    else:
        group = entry.group_fn(obj) or config.default_group
    due = retention.next_review(
        config,
        group=group,
        created=created,
        last_changed=changed,
        last_reviewed=existing.last_reviewed if existing else None,
    )
    return {
        "reference": entry.reference(obj)[:40],
        "region_id": entry.region_id(obj),
        "group": group,
        "config_version": due.version,
        "next_review": due.next_review,
        "review_basis": due.why[:120],
        "record_created": created,
        "record_changed": changed,
    }


def retention_register(*, obj: Model) -> RetentionRecord | None:
    """Give one record its review group and date (called on every save of a registered model).

    Not audited: it reads no personal data and changes none; the decisions are audited.
    """
    entry = retained_model(f"{obj._meta.app_label}.{obj._meta.model_name}")
    if entry is None:
        return None
    existing = RetentionRecord.objects.filter(object_type=entry.object_type, object_id=str(obj.pk)).first()
    if existing is not None and existing.status == RetentionStatus.DISPOSED:
        return existing
    values = _entry_values(entry, obj, existing)
    if existing is None:
        return RetentionRecord.objects.create(object_type=entry.object_type, object_id=str(obj.pk), **values)
    for k, v in values.items():
        setattr(existing, k, v)
    existing.save()
    return existing


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0


def _sync_rows(entry: RetainedModel, queryset: Any) -> tuple[int, int]:
    """Entries for these rows of one registered model, in bulk: (created, updated)."""
    existing_qs = RetentionRecord.objects.filter(object_type=entry.object_type)
    if queryset.query.where:  # some rows: look up their entries in chunks the database accepts
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        known = {
            r.object_id: r for i in range(0, len(ids), 900) for r in existing_qs.filter(object_id__in=ids[i : i + 900])
        }
    else:
        known = {r.object_id: r for r in existing_qs.iterator(2000)}
    new_rows = []
    changed = []
    for obj in queryset.select_related(*entry.related()).iterator(chunk_size=2000):
        existing = known.get(str(obj.pk))
        if existing is not None and existing.status == RetentionStatus.DISPOSED:
            continue
        values = _entry_values(entry, obj, existing)
        if existing is None:
            new_rows.append(RetentionRecord(object_type=entry.object_type, object_id=str(obj.pk), **values))
        elif any(getattr(existing, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(existing, k, v)
            changed.append(existing)
    RetentionRecord.objects.bulk_create(new_rows, batch_size=1000)
    fields = ["reference", "region", "group", "config_version", "next_review", "review_basis"]
    RetentionRecord.objects.bulk_update(changed, [*fields, "record_created", "record_changed"], batch_size=1000)
    return len(new_rows), len(changed)


def retention_register_many(*, queryset: Any) -> tuple[int, int]:
    """`retention_register` for rows written in bulk (bulk_create sends no save signals).

    Call it in the transaction that wrote them. Not audited, for the same reason.
    """
    entry = retained_model(f"{queryset.model._meta.app_label}.{queryset.model._meta.model_name}")
    if entry is None:
        return 0, 0
    return _sync_rows(entry, queryset)


@transaction.atomic
def retention_sync(*, actor: Any = None, actor_username: str = "") -> SyncResult:
    """Make sure every row of every registered model has a retention entry, in bulk."""
    result = SyncResult()
    for entry in retained_models():
        created, updated = _sync_rows(entry, entry.model._default_manager.all())
        result.created += created
        result.updated += updated
    audit_record(
        actor=actor,
        actor_username=actor_username,
        category=Category.ALTERATION,
        action="records.retention.sync",
        object_type="records.retentionrecord",
        detail={"created": result.created, "updated": result.updated, "config": retention_config().version},
    )
    return result


def _reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"Give a reason for {what}.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    return reason


def _locked(actor: Any, record: RetentionRecord) -> RetentionRecord:
    policy.require(actor, RECORDS_REVIEW)
    locked = policy.get_visible(actor, RetentionRecord.objects.select_for_update(), RECORDS_REVIEW, pk=record.pk)
    if locked.status == RetentionStatus.DISPOSED:
        raise Conflict("This record has already been disposed of.")
    return locked


@transaction.atomic
def retention_decide(*, actor: Any, record: RetentionRecord, decision: str, reason: str) -> ReviewDecision:
    """Record a review: retain (and set the next review date) or dispose (erase the personal data)."""
    if decision not in ReviewDecisionKind.values:
        raise ValidationFailed("Choose retain or dispose.", field="decision")
    reason = _reason(reason, what="this decision")
    locked = _locked(actor, record)
    entry = retained_model(locked.object_type)
    config = retention_config()
    today = timezone.localdate()
    if decision == ReviewDecisionKind.DISPOSE:
        allowed, why = retention.may_dispose(config, group=locked.group, legal_hold=locked.legal_hold)
        if not allowed:
            raise ValidationFailed(why, field="decision")
        if entry is None:
            raise Conflict("rocu no longer knows how to dispose of this kind of record.")
        erased = entry.erased_values()
        entry.model._default_manager.filter(pk=locked.object_id).update(**erased)
        locked.status = RetentionStatus.DISPOSED
        locked.disposed_at = timezone.now()
        locked.last_reviewed = today
        locked.save(update_fields=["status", "disposed_at", "last_reviewed"])
        made = ReviewDecision.objects.create(record=locked, decision=decision, reason=reason, reviewer=actor)
        audit_record(
            actor=actor,
            category=Category.ERASURE,
            action="records.record.dispose",
            object_type=locked.object_type,
            object_id=locked.object_id,
            region_id=locked.region_id,
            reason=reason,
            detail={"record_kind": entry.kind_label, "group": locked.group, "fields_erased": sorted(erased)},
        )
        return made
    due = retention.next_review(
        config,
        group=locked.group,
        created=locked.record_created,
        last_changed=locked.record_changed,
        last_reviewed=today,
    )
    locked.last_reviewed = today
    locked.next_review = due.next_review
    locked.review_basis = due.why[:120]
    locked.config_version = due.version
    locked.save(update_fields=["last_reviewed", "next_review", "review_basis", "config_version"])
    made = ReviewDecision.objects.create(
        record=locked, decision=decision, reason=reason, reviewer=actor, next_review=due.next_review
    )
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="records.record.retain",
        object_type=locked.object_type,
        object_id=locked.object_id,
        region_id=locked.region_id,
        reason=reason,
        detail={"group": locked.group, "next_review": due.next_review.isoformat()},
    )
    return made


@transaction.atomic
def retention_set_hold(*, actor: Any, record: RetentionRecord, hold: bool, reason: str) -> RetentionRecord:
    """Place or lift a legal hold: while held, the record cannot be disposed of."""
    reason = _reason(reason, what="placing or lifting the hold")
    locked = _locked(actor, record)
    if locked.legal_hold == hold:
        raise ValidationFailed("The record is already held." if hold else "The record is not under legal hold.")
    locked.legal_hold = hold
    locked.legal_hold_reason = reason[:300] if hold else ""
    locked.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="records.record.hold" if hold else "records.record.release",
        object_type=locked.object_type,
        object_id=locked.object_id,
        region_id=locked.region_id,
        reason=reason,
    )
    return locked


@transaction.atomic
def retention_set_group(*, actor: Any, record: RetentionRecord, group: int, reason: str) -> RetentionRecord:
    """A reviewer's judgement of the MoPI group, which then outranks the automatic one."""
    reason = _reason(reason, what="changing the group")
    locked = _locked(actor, record)
    config = retention_config()
    if group not in config.groups:
        raise ValidationFailed("Choose a MoPI group from the configuration.", field="group")
    due = retention.next_review(
        config,
        group=group,
        created=locked.record_created,
        last_changed=locked.record_changed,
        last_reviewed=locked.last_reviewed,
    )
    old = locked.group
    locked.group = group
    locked.group_set_by_reviewer = True
    locked.next_review = due.next_review
    locked.review_basis = due.why[:120]
    locked.config_version = due.version
    locked.save()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="records.record.regroup",
        object_type=locked.object_type,
        object_id=locked.object_id,
        region_id=locked.region_id,
        reason=reason,
        detail={"from": old, "to": group},
    )
    return locked


# --- Subject access ------------------------------------------------------------------


@transaction.atomic
def subject_access_create(
    *,
    actor: Any,
    surname: str,
    first_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    received_on: dt.date | None = None,
) -> SubjectAccessRequest:
    policy.require(actor, SUBJECT_ACCESS)
    surname = (surname or "").strip()
    if not surname:
        raise ValidationFailed("Enter the requester's surname.", field="surname")
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationFailed("The request cannot have been received in the future.", field="received_on")
    if date_of_birth is not None and (date_of_birth > today or date_of_birth < dt.date(1900, 1, 1)):
        raise ValidationFailed("The date of birth is not possible.", field="date_of_birth")
    region = Region.objects.filter(pk=actor.region_id).first()
    if region is None:
        raise ValidationFailed("You have no home region to record the request in.")
    sar = SubjectAccessRequest.objects.create(
        reference="",
        region=region,
        received_on=received_on,
        first_name=(first_name or "").strip()[:100],
        surname=surname[:100],
        date_of_birth=date_of_birth,
        postcode=(postcode or "").upper().strip()[:10],
        created_by=actor,
    )
    sar.reference = f"SAR-{sar.pk:05d}"
    sar.save(update_fields=["reference"])
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="records.subject_access.create",
        obj=sar,
        region_id=region.pk,
    )
    return sar


@dataclass(frozen=True)
class HeldRecord:
    """One record found for a subject access request, with the personal data it holds."""

    object_type: str
    kind_label: str
    object_id: str
    reference: str
    fields: list[tuple[str, str]]
    url: str = ""


def _subject_q(entry: RetainedModel, sar: SubjectAccessRequest) -> Q | None:
    s = entry.subject
    if not s.surname:
        return None
    name = Q(**{f"{s.surname}__iexact": sar.surname})
    if s.aliases:
        name |= Q(**{f"{s.aliases}__icontains": sar.surname})
    q = name
    if sar.first_name and s.first_name:
        q &= Q(**{f"{s.first_name}__iexact": sar.first_name}) | Q(**{f"{s.first_name}": ""})
    if sar.date_of_birth and s.date_of_birth:
        q &= Q(**{s.date_of_birth: sar.date_of_birth}) | Q(**{f"{s.date_of_birth}__isnull": True})
    return q


def subject_access_find(*, actor: Any, sar: SubjectAccessRequest, audit: bool = True) -> list[HeldRecord]:
    """Everything rocu holds that may be about the requester, across every registered model.

    Deliberately wide (a missing first name or date of birth does not rule a record out):
    the disclosure review decides what is really theirs. The search is a combination of
    the request with rocu's holdings, so it is audited as one.
    """
    policy.require(actor, SUBJECT_ACCESS)
    found: list[HeldRecord] = []
    for entry in retained_models():
        q = _subject_q(entry, sar)
        if q is None:
            continue
        qs = entry.model._default_manager.filter(q)
        if entry.region_field:
            qs = qs.filter(**{f"{entry.region_field}_id": sar.region_id})
        for obj in qs.order_by("pk")[:500]:
            fields = []
            for name in entry.personal_fields:
                value = getattr(obj, name)
                if value in ("", None):
                    continue
                label = str(getattr(entry.model._meta.get_field(name), "verbose_name", name)).capitalize()
                fields.append((label, value.isoformat() if isinstance(value, dt.date) else str(value)))
            for name in ("subject_category", "classification"):
                if hasattr(obj, f"get_{name}_display"):
                    fields.append((name.replace("_", " ").capitalize(), getattr(obj, f"get_{name}_display")()))
            found.append(HeldRecord(entry.object_type, entry.kind_label, str(obj.pk), entry.reference(obj), fields))
    if audit:
        audit_record(
            actor=actor,
            category=Category.COMBINATION,
            action="records.subject_access.search",
            obj=sar,
            region_id=sar.region_id,
            detail={"found": len(found), "types": sorted({h.object_type for h in found})},
        )
    return found


EXPORT_HEADER = ["request", "record kind", "record type", "record id", "reference", "field", "value"]


@transaction.atomic
def subject_access_export(
    *, actor: Any, sar: SubjectAccessRequest, recipient: str, reason: str
) -> tuple[list[str], list[list[str]]]:
    """The held records as rows for disclosure review; the export is audited as a disclosure."""
    policy.require(actor, SUBJECT_ACCESS)
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationFailed("Say who receives the export (the disclosure reviewer).", field="recipient")
    reason = _reason(reason, what="the export")
    held = subject_access_find(actor=actor, sar=sar, audit=False)
    rows = [
        [sar.reference, h.kind_label, h.object_type, h.object_id, h.reference, label, value]
        for h in held
        for label, value in h.fields
    ]
    audit_record(
        actor=actor,
        category=Category.DISCLOSURE,
        action="records.subject_access.export",
        obj=sar,
        region_id=sar.region_id,
        recipient=recipient[:200],
        reason=reason,
        detail={"records": len(held), "rows": len(rows), "ids": [f"{h.object_type}:{h.object_id}" for h in held]},
    )
    if sar.status == SubjectAccessStatus.OPEN:
        sar.status = SubjectAccessStatus.DISCLOSED
        sar.save(update_fields=["status"])
    return EXPORT_HEADER, rows
