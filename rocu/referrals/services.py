"""Every change to referrals: intake, checks against holdings, assignment, triage.

Each service runs in one transaction with its audit events. A check is a combination
of personal data (referral subjects against holdings) and is audited as one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import Force, PartnerAgency, Region, User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.classification import Classification
from rocu.core.concurrency import save_if_unchanged
from rocu.core.errors import Conflict, PermissionDenied, ValidationFailed
from rocu.core.uploads import check_upload
from rocu.intelligence import linking
from rocu.intelligence import permissions as intel_perms
from rocu.intelligence.models import MatchDecision, MatchVerdict
from rocu.records.services import retention_register_many
from rocu.referrals import intake, sla
from rocu.referrals import permissions as p
from rocu.referrals.models import (
    CandidateMatch,
    HandlingCode,
    ImportMode,
    ImportStatus,
    Referral,
    ReferralImport,
    ReferralStatus,
    ReferralSubject,
    ReferralTemplate,
    TriageDecision,
)

CANDIDATE_THRESHOLD = 0.01
Progress = Callable[[int, int, str], None]


def _own_region(actor: Any, region: Region) -> None:
    scope = policy.scope_for(actor)
    if not scope.all_regions and region.pk != scope.region_id:
        raise PermissionDenied("You can work on referrals of your own region only.")


def build_referral(
    *, actor: Any, region: Region, partner: PartnerAgency, template: str, head: dict[str, Any]
) -> Referral:
    received = head.get("received_on") or timezone.localdate()
    return Referral(
        region=region,
        partner=partner,
        template=template,
        partner_reference=head["partner_reference"],
        reference=uuid.uuid4().hex[:20],  # replaced by REF-<pk> once saved
        received_on=received,
        classification=head.get("classification") or Classification.OFFICIAL_SENSITIVE,
        seizure_date=head.get("seizure_date"),
        port=head.get("port", ""),
        commodity=head.get("commodity", ""),
        quantity=head.get("quantity"),
        unit=head.get("unit", ""),
        summary=head.get("summary", ""),
        check_due=sla.add_working_days(received, sla.CHECK_WITHIN),
        triage_due=sla.add_working_days(received, sla.TRIAGE_WITHIN),
        created_by=actor,
    )


def _subject(referral: Referral, person: dict[str, Any]) -> ReferralSubject:
    return ReferralSubject(
        referral=referral,
        role=person["role"],
        first_name=person.get("first_name", ""),
        surname=person.get("surname", ""),
        date_of_birth=person.get("date_of_birth"),
        address=person.get("address", ""),
        town=person.get("town", ""),
        postcode=person.get("postcode", ""),
        phone=person.get("phone", ""),
        email=person.get("email", ""),
        subject_key=linking.subject_key(
            first_name=person.get("first_name", ""),
            surname=person.get("surname", ""),
            dob=person.get("date_of_birth"),
            postcode=person.get("postcode", ""),
        ),
    )


def _save_batch(
    *, actor: Any, region: Region, partner: PartnerAgency, template: str, parsed: Sequence[intake.ParsedReferral]
) -> list[Referral]:
    referrals = [
        build_referral(actor=actor, region=region, partner=partner, template=template, head=r.head) for r in parsed
    ]
    return save_referrals(referrals, parsed)


def save_referrals(referrals: list[Referral], parsed: Sequence[intake.ParsedReferral]) -> list[Referral]:
    """Insert built referrals and their subjects in bulk (no audit: callers audit the batch).

    A partner reference already stored, for instance by an import of the same file
    running at the same time, is skipped by the database's unique constraint rather
    than duplicated or failing the batch: only the referrals inserted are returned
    (with their subjects saved), so the caller can count the rest as duplicates.
    """
    Referral.objects.bulk_create(referrals, batch_size=1000, ignore_conflicts=True)
    # Keys are not returned when conflicts are ignored: find the rows by their temporary references.
    temps = [r.reference for r in referrals]
    by_temp: dict[str, int] = {}
    for start in range(0, len(temps), 900):
        by_temp.update(Referral.objects.filter(reference__in=temps[start : start + 900]).values_list("reference", "pk"))
    inserted: list[tuple[Referral, intake.ParsedReferral]] = []
    for r, row in zip(referrals, parsed, strict=True):
        pk = by_temp.get(r.reference)
        if pk is None:
            continue
        r.pk = pk
        r.reference = f"REF-{pk:06d}"
        inserted.append((r, row))
    saved = [r for r, _ in inserted]
    Referral.objects.bulk_update(saved, ["reference"], batch_size=1000)
    subjects = [_subject(ref, person) for ref, row in inserted for person in row.subjects]
    ReferralSubject.objects.bulk_create(subjects, batch_size=1000)
    # bulk_create sends no save signals: give the subjects their review dates here.
    retention_register_many(queryset=ReferralSubject.objects.filter(referral__in=saved))
    return saved


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    region: Region,
    partner: PartnerAgency,
    template: str,
    head: dict[str, Any],
    subjects: list[dict[str, Any]],
    run_check: bool = True,
) -> Referral:
    """One referral typed in by hand or sent through the API; checked at once when asked."""
    policy.require(actor, p.REFERRALS_MANAGE)
    _own_region(actor, region)
    if template not in ReferralTemplate.values:
        raise ValidationFailed("Choose a referral template.", field="template")
    row = {k: ("" if v is None else str(v)) for k, v in head.items()}
    for person in subjects:
        role = person.get("role", "")
        for f in intake.PERSON_FIELDS:
            value = person.get("date_of_birth") if f == "dob" else person.get(f)
            row[f"{role}_{f}"] = (
                "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
            )
    for col in intake.template_columns(template):
        row.setdefault(col, "")
    parsed, errors = intake.validate(template, [row], today=timezone.localdate())
    if errors:
        first = errors[0]
        raise ValidationFailed(first.message, field=first.field)
    if Referral.objects.filter(partner=partner, partner_reference=parsed[0].head["partner_reference"]).exists():
        raise Conflict(f"{partner.name} referral {parsed[0].head['partner_reference']} is already recorded.")
    classification = head.get("classification") or Classification.OFFICIAL_SENSITIVE
    if classification not in policy.scope_for(actor).classifications:
        raise ValidationFailed("Your vetting does not reach that classification.", field="classification")
    parsed[0].head["classification"] = classification
    saved = _save_batch(actor=actor, region=region, partner=partner, template=template, parsed=parsed)
    if not saved:  # recorded by someone else since the check above
        raise Conflict(f"{partner.name} referral {parsed[0].head['partner_reference']} is already recorded.")
    (referral,) = saved
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="referrals.referral.create",
        obj=referral,
        region_id=region.pk,
        detail={"partner": partner.pk, "template": template, "subjects": len(parsed[0].subjects)},
    )
    if run_check and policy.has_perm(actor, intel_perms.INTEL_CHECK):
        referrals_check(actor=actor, referrals=[referral])
        referral.refresh_from_db()
    return referral


def referral_import_start(
    *, actor: Any, region: Region, partner: PartnerAgency, template: str, mode: str, filename: str, content: bytes
) -> ReferralImport:
    """Keep the file and queue its import; the job page shows progress."""
    from rocu.core.jobs import job_enqueue
    from rocu.referrals.tasks import referral_import_run

    policy.require(actor, p.REFERRALS_MANAGE)
    _own_region(actor, region)
    if template not in ReferralTemplate.values:
        raise ValidationFailed("Choose a referral template.", field="template")
    if mode not in ImportMode.values:
        raise ValidationFailed("Choose how to treat invalid rows.", field="mode")
    check_upload(filename, content, kinds=(".csv", ".xlsx"), too_big="Split it and upload the parts.")
    with transaction.atomic():
        upload = ReferralImport.objects.create(
            region=region,
            partner=partner,
            template=template,
            mode=mode,
            filename=filename[:200],
            content=content,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="referrals.import.upload",
            obj=upload,
            region_id=region.pk,
            detail={"bytes": len(content), "template": template, "mode": mode, "partner": partner.pk},
        )
        job = job_enqueue(
            actor=actor,
            kind="referrals.import",
            title=f"Import of {filename[:150]}",
            region=region,
            task=referral_import_run,
            args=[upload.pk],
        )
        upload.job = job
        upload.save(update_fields=["job"])
    return upload


def referral_import_process(*, upload: ReferralImport, progress: Progress | None = None) -> ReferralImport:
    """Validate every row, then write all (or the valid ones) and check them, in one transaction.

    Safe to run again (a retried job): an upload already imported or rejected is returned
    as it is, and a worker that died part way left it queued with its file, as before.
    """
    if upload.status != ImportStatus.QUEUED:
        return upload
    actor = upload.uploaded_by
    report = progress or (lambda done, total, msg: None)
    try:
        rows = intake.read_table(upload.filename, bytes(upload.content))
        report(0, len(rows), "Checking rows")
        parsed, errors = intake.validate(upload.template, rows, today=timezone.localdate())
    except intake.FileRefused as exc:
        upload.status = ImportStatus.REJECTED
        upload.errors = [{"row": 0, "field": "file", "message": str(exc)}]
        upload.content = b""
        upload.save(update_fields=["status", "errors", "content"])
        return upload
    total = 0 if rows and rows[0].get("__empty__") else len(rows)
    existing = set(
        Referral.objects.filter(
            partner=upload.partner, partner_reference__in=[r.head["partner_reference"] for r in parsed]
        ).values_list("partner_reference", flat=True)
    )
    fresh = [r for r in parsed if r.head["partner_reference"] not in existing]
    upload.rows_total = total
    upload.rows_invalid = len({e.row for e in errors})
    upload.rows_duplicate = len(parsed) - len(fresh)
    upload.errors = [e.as_dict() for e in errors[:5000]]
    upload.content = b""
    if errors and upload.mode == ImportMode.ALL_OR_NOTHING:
        upload.status = ImportStatus.REJECTED
        upload.save()
        return upload
    report(len(rows) // 2, len(rows), f"Saving {len(fresh)} referrals")
    with transaction.atomic():
        still_queued = ReferralImport.objects.select_for_update().filter(pk=upload.pk, status=ImportStatus.QUEUED)
        if not list(still_queued.values_list("pk", flat=True)):
            upload.refresh_from_db()  # another run of this job finished it meanwhile
            return upload
        referrals = _save_batch(
            actor=actor, region=upload.region, partner=upload.partner, template=upload.template, parsed=fresh
        )
        upload.rows_imported = len(referrals)
        # Rows another import (of the same file, say) stored since the count above are duplicates too.
        upload.rows_duplicate += len(fresh) - len(referrals)
        upload.status = ImportStatus.DONE
        upload.save()
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="referrals.import.complete",
            obj=upload,
            region_id=upload.region_id,
            detail={
                "imported": len(referrals),
                "duplicates": upload.rows_duplicate,
                "invalid": upload.rows_invalid,
            },
        )
        if referrals and policy.has_perm(actor, intel_perms.INTEL_CHECK):
            report(len(rows) * 3 // 4, len(rows), "Checking subjects against holdings")
            referrals_check(actor=actor, referrals=referrals)
    report(len(rows), len(rows), "Done")
    return upload


@transaction.atomic
def referrals_check(*, actor: Any, referrals: Sequence[Referral], threshold: float = CANDIDATE_THRESHOLD) -> int:
    """Check every subject of these referrals against the region's holdings.

    Pairs an analyst has ruled "not same as" are never raised again; earlier
    candidates of these subjects are replaced by this check's.
    """
    policy.require(actor, intel_perms.INTEL_CHECK)
    if not referrals:
        return 0
    regions = {r.region_id for r in referrals}
    if len(regions) != 1:
        raise ValidationFailed("Check referrals of one region at a time.")
    region_id = regions.pop()
    scope = policy.scope_for(actor)
    if not scope.all_regions and region_id != scope.region_id:
        raise PermissionDenied("You can check referrals of your own region only.")
    ids = [r.pk for r in referrals]
    subjects = list(ReferralSubject.objects.filter(referral_id__in=ids))
    found, searched = linking.check(subjects, region_id, threshold)
    by_pk = {str(s.pk): s for s in subjects}
    rejected = set(
        MatchDecision.objects.filter(
            region_id=region_id, subject_key__in={s.subject_key for s in subjects}, verdict=MatchVerdict.NOT_SAME_AS
        ).values_list("subject_key", "holding_key")
    )
    now = timezone.now()
    version = linking.model().version
    rows = []
    for c in found:
        subject = by_pk[c.subject_id]
        if (subject.subject_key, c.holding_id) in rejected:
            continue
        rows.append(
            CandidateMatch(
                subject=subject,
                holding_id=int(c.holding_id[1:]) if c.holding_id.startswith("h") else None,
                nominal_id=int(c.holding_id[1:]) if c.holding_id.startswith("n") else None,
                holding_key=c.holding_id,
                match_probability=c.match_probability,
                match_weight=c.match_weight,
                evidence=[{"field": e.field, "level": e.level, "weight": e.weight} for e in c.evidence],
                model_version=version,
                checked_at=now,
            )
        )
    CandidateMatch.objects.filter(subject__referral_id__in=ids).delete()
    CandidateMatch.objects.bulk_create(rows, batch_size=2000)
    Referral.objects.filter(pk__in=ids, status=ReferralStatus.RECEIVED).update(
        status=ReferralStatus.CHECKED, checked_at=now
    )
    Referral.objects.filter(pk__in=ids, checked_at__isnull=True).update(checked_at=now)
    audit_record(
        actor=actor,
        category=Category.COMBINATION,
        action="referrals.check.run",
        object_type="referrals.referral",
        object_id=str(ids[0]) if len(ids) == 1 else "",
        region_id=region_id,
        detail={
            "referrals": len(ids),
            "referral_ids": ids[:50],
            "subjects": len(subjects),
            "holdings_searched": searched,
            "candidates": len(rows),
            "model_version": version,
            "threshold": threshold,
        },
    )
    return len(rows)


ASSIGN_FIELDS = ("assigned_to", "status", "decision")
TRIAGE_FIELDS = (
    "decision",
    "decision_reason",
    "disseminated_to",
    "handling_code",
    "handling_conditions",
    "referred_to_partner",
    "status",
    "decided_by",
    "triaged_at",
    "assigned_to",
)


@transaction.atomic
def referral_assign(*, actor: Any, referral: Referral, assignee: User | None, expected_version: int | None) -> Referral:
    """Give the referral to someone who works the queue (or to nobody).

    Saved only if the referral is still at `expected_version`: an assignment or triage
    made since is an `EditConflict`, and nothing is written.
    """
    policy.require(actor, p.REFERRALS_MANAGE)
    _own_region(actor, referral.region)
    if assignee is not None:
        if not assignee.is_active or assignee.region_id != referral.region_id:
            raise ValidationFailed("Choose someone active in this region.", field="assignee")
        if not policy.has_perm(assignee, p.REFERRALS_MANAGE):
            raise ValidationFailed("That person does not work the referral queue.", field="assignee")
    previous = referral.assigned_to_id
    referral.assigned_to = assignee
    save_if_unchanged(referral, expected_version=expected_version, fields=ASSIGN_FIELDS, what=referral.reference)
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="referrals.referral.assign",
        obj=referral,
        region_id=referral.region_id,
        detail={"from": previous, "to": assignee.pk if assignee else None, "row_version": referral.row_version},
    )
    return referral


@transaction.atomic
def referral_triage(
    *,
    actor: Any,
    referral: Referral,
    decision: str,
    reason: str,
    force: Force | None = None,
    handling_code: str = "",
    handling_conditions: str = "",
    partner: PartnerAgency | None = None,
    expected_version: int | None,
) -> Referral:
    """Record the triage decision; a reason is always required, and dissemination names
    the receiving force and the handling code (with conditions when the code is C).

    Saved only if the referral is still at `expected_version` (the version the person
    read): a decision or assignment made since is an `EditConflict` with both versions,
    and nothing is written or audited.
    """
    policy.require(actor, p.REFERRALS_MANAGE)
    _own_region(actor, referral.region)
    if referral.status == ReferralStatus.RECEIVED:
        raise ValidationFailed("Check the referral against holdings before triage.", field="decision")
    if decision not in TriageDecision.values:
        raise ValidationFailed("Choose a decision.", field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason for the decision.", field="reason")
    if len(reason) > 2000:
        raise ValidationFailed("Keep the reason under 2,000 characters.", field="reason")
    if decision == TriageDecision.DISSEMINATE:
        if force is None:
            raise ValidationFailed("Choose the force that receives the referral.", field="force")
        if handling_code not in HandlingCode.values:
            raise ValidationFailed("Choose a handling code (P or C).", field="handling_code")
        if handling_code == HandlingCode.C and not handling_conditions.strip():
            raise ValidationFailed("Handling code C needs its conditions.", field="handling_conditions")
        if len(handling_conditions) > 500:
            raise ValidationFailed("Keep the conditions under 500 characters.", field="handling_conditions")
    if decision == TriageDecision.REFER_PARTNER and partner is None:
        raise ValidationFailed("Choose the partner the referral goes to.", field="partner")
    referral.decision = decision
    referral.decision_reason = reason
    referral.decided_by_id = actor.pk  # the id: `actor` may be a lazy request.user
    referral.triaged_at = timezone.now()
    referral.status = ReferralStatus.TRIAGED
    referral.disseminated_to = force if decision == TriageDecision.DISSEMINATE else None
    referral.handling_code = handling_code if decision == TriageDecision.DISSEMINATE else ""
    referral.handling_conditions = handling_conditions.strip() if handling_code == HandlingCode.C else ""
    referral.referred_to_partner = partner if decision == TriageDecision.REFER_PARTNER else None
    save_if_unchanged(referral, expected_version=expected_version, fields=TRIAGE_FIELDS, what=referral.reference)
    audit_record(
        actor=actor,
        category=Category.DISCLOSURE
        if decision in (TriageDecision.DISSEMINATE, TriageDecision.REFER_PARTNER)
        else Category.ALTERATION,
        action="referrals.referral.triage",
        obj=referral,
        region_id=referral.region_id,
        recipient=(force.name if force and decision == TriageDecision.DISSEMINATE else "")
        or (partner.name if partner and decision == TriageDecision.REFER_PARTNER else ""),
        detail={"decision": decision, "handling_code": referral.handling_code, "row_version": referral.row_version},
    )
    return referral


def due_dates(received: dt.date) -> tuple[dt.date, dt.date]:
    return sla.add_working_days(received, sla.CHECK_WITHIN), sla.add_working_days(received, sla.TRIAGE_WITHIN)
