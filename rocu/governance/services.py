"""Every change to governance records: one transaction each, audited in it.

The rules of the oversight cycle live here: a recommendation's progress and its
outcome change separately and keep their history; closure needs evidence and an
approver who is not the owner; the PCC's response answers every recommendation
(with reasons unless accepted) before it can be published.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from rocu.accounts.models import Force, Region, UnitType, User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.concurrency import ConflictRow, EditConflict, save_if_unchanged
from rocu.core.errors import Conflict, PermissionDenied, ValidationFailed
from rocu.engines import report_structure
from rocu.governance import files
from rocu.governance import permissions as p
from rocu.governance.models import (
    PROGRESS_RANK,
    AccountableOfficer,
    AccountableSubject,
    CounterCorruptionMeasure,
    CounterCorruptionMeasureKind,
    Evidence,
    Finding,
    FindingKind,
    GoodPractice,
    GoodPracticeAdoption,
    InspectingBody,
    Inspection,
    InspectionResponse,
    MeasureStatus,
    Outcome,
    Position,
    ProgressStatus,
    RecommendationPosition,
    RecommendationTracking,
    ReportUpload,
    ThreatArea,
    TrackingChange,
)

MAX_TEXT = 20_000


def in_scope(actor: Any, region_id: int | None) -> bool:
    scope = policy.scope_for(actor)
    return scope.all_regions or (region_id is not None and region_id == scope.region_id)


def _require_in_region(actor: Any, perm: str, region_id: int | None) -> None:
    policy.require(actor, perm)
    if not in_scope(actor, region_id):
        raise PermissionDenied("You can do that for your own region only.")


def _text(value: Any, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed("This cannot be empty.", field=field)
    if len(text) > limit:
        raise ValidationFailed(f"Keep this under {limit:,} characters.", field=field)
    return text


def _date(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed("Enter a date.", field=field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed("Enter a real date, like 2021-02-10.", field=field) from None
    if not isinstance(value, dt.date) or not dt.date(1990, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise ValidationFailed("Enter a date between 1990 and 2100.", field=field)
    return value


def _required_date(value: Any, field: str) -> dt.date:
    date = _date(value, field)
    assert date is not None  # _date refuses an empty value when required
    return date


def _choice(value: Any, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed("Choose one of the options.", field=field)
    return str(value)


# --- Inspections and findings -------------------------------------------------


def _clean_findings(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        field = f"findings-{i}"
        ref = _text(row.get("reference"), field, limit=60)
        if ref.lower() in seen:
            raise ValidationFailed(f"Two findings share the reference {ref!r}.", field=field)
        seen.add(ref.lower())
        cleaned.append(
            {
                "kind": _choice(row.get("kind"), FindingKind, field),
                "reference": ref,
                "text": _text(row.get("text"), field),
                "paragraph_ref": _text(row.get("paragraph_ref"), field, required=False, limit=60),
                "addressed_to": _text(row.get("addressed_to"), field, required=False, limit=300),
                "due_date": _date(row.get("due_date"), field, required=False),
                "order": i,
            }
        )
    return cleaned


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    title: str,
    published: Any,
    body: str = InspectingBody.HMICFRS,
    scope: str = "",
    region: Region | None = None,
    findings: Iterable[dict[str, Any]] = (),
) -> Inspection:
    policy.require(actor, p.GOVERNANCE_MANAGE)
    if region is not None and not in_scope(actor, region.pk):
        raise PermissionDenied("You can record inspections of your own region only.")
    inspection = Inspection.objects.create(
        title=_text(title, "title", limit=200),
        published=_required_date(published, "published"),
        body=_choice(body, InspectingBody, "body"),
        scope=_text(scope, "scope", required=False),
        region=region,
        created_by=actor,
    )
    rows = _clean_findings(findings)
    Finding.objects.bulk_create([Finding(inspection=inspection, **row) for row in rows])
    _link_causes(inspection)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="governance.inspection.create",
        obj=inspection,
        region_id=region.pk if region else None,
        detail={"findings": len(rows)},
    )
    return inspection


def _link_causes(inspection: Inspection) -> None:
    """A cause of concern comes with recommendations: tie each one that follows it."""
    cause: Finding | None = None
    for finding in inspection.findings.order_by("order", "pk"):
        if finding.kind in (FindingKind.CAUSE_OF_CONCERN, FindingKind.ACCELERATED_CAUSE_OF_CONCERN):
            cause = finding
        elif finding.kind == FindingKind.RECOMMENDATION and cause is not None and finding.cause_id is None:
            finding.cause = cause
            finding.save(update_fields=["cause"])


@transaction.atomic
def finding_add(*, actor: Any, inspection: Inspection, **row: Any) -> Finding:
    policy.require(actor, p.GOVERNANCE_MANAGE)
    cleaned = _clean_findings([row])[0]
    if inspection.findings.filter(reference__iexact=cleaned["reference"]).exists():
        raise ValidationFailed("This inspection already has a finding with that reference.", field="reference")
    cleaned["order"] = inspection.findings.count()
    finding = Finding.objects.create(inspection=inspection, **cleaned)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="governance.finding.create",
        obj=finding,
        region_id=inspection.region_id,
        detail={"kind": finding.kind},
    )
    return finding


# --- Report ingestion -----------------------------------------------------------


def _proposal_dict(result: report_structure.ReportStructure) -> dict[str, Any]:
    return {
        "version": result.version,
        "title": result.title,
        "inspecting_body": "hmicfrs" if result.inspecting_body == "HMICFRS" else "other",
        "published": result.published.isoformat() if result.published else "",
        "response_due_in_text": result.response_due.isoformat() if result.response_due else "",
        "findings": [
            {
                "kind": f.kind,
                "reference": f.reference,
                "text": f.text,
                "due_date": f.due_date.isoformat() if f.due_date else "",
                "addressed_to": "; ".join(f.addressed_to),
                "paragraph_ref": f.paragraph_ref,
            }
            for f in result.findings
        ],
        "chief_constable_comments": result.chief_constable_comments,
        "pcc_response": result.pcc_response,
    }


def report_upload(*, actor: Any, upload: Any) -> ReportUpload:
    """Store the report and read it: text at once, a PDF as a background job.

    Refusals (wrong type, too big, encrypted or damaged PDF) happen before anything
    is stored; a full disk is `StorageFull`, with no file and no row left behind.
    """
    policy.require(actor, p.GOVERNANCE_MANAGE)
    checked = files.check_upload(upload, allowed=files.REPORT_EXTENSIONS, max_bytes=files.REPORT_MAX_BYTES)
    pages = 1
    if checked.content_type == "application/pdf":
        pages = len(files.pdf_reader(checked.content).pages)
    record = ReportUpload(
        region_id=policy.scope_for(actor).region_id,
        filename=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=pages,
        uploaded_by=actor,
    )
    with files.stored(record.file, checked.name, checked.content), transaction.atomic():
        record.save()
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="governance.report.upload",
            obj=record,
            detail={"sha256": checked.sha256, "size": checked.size, "pages": pages},
        )
        if checked.content_type == "application/pdf":
            from rocu.core.jobs import job_enqueue
            from rocu.governance.tasks import read_report

            job = job_enqueue(
                actor=actor,
                kind="governance.report.read",
                title=f"Reading {checked.name}",
                region=record.region,
                task=read_report,
                args=[record.pk],
            )
            record.job = job
            record.save(update_fields=["job"])
        else:
            text = checked.content.decode("utf-8")
            record.proposal = _proposal_dict(report_structure.extract(text))
            record.state = ReportUpload.State.PROPOSED
            record.save(update_fields=["proposal", "state"])
    return record


def report_read_pdf(*, upload_id: int, progress: Any = None) -> ReportUpload:
    """Extract each page's text (reporting progress), then propose findings."""
    record = ReportUpload.objects.get(pk=upload_id)
    with record.file.open("rb") as fh:
        content = fh.read()
    reader = files.pdf_reader(content)
    total = len(reader.pages)
    texts: list[str] = []
    for i, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - one unreadable page should not lose the rest
            texts.append("")
        if progress:
            progress(i, total, f"Read page {i} of {total}")
    result = report_structure.extract(texts)
    with transaction.atomic():
        record.proposal = _proposal_dict(result)
        record.state = ReportUpload.State.PROPOSED
        record.pages = total
        record.save(update_fields=["proposal", "state", "pages"])
    return record


@transaction.atomic
def report_confirm(
    *,
    actor: Any,
    upload: ReportUpload,
    title: str,
    published: Any,
    body: str,
    scope: str = "",
    region: Region | None = None,
    findings: Iterable[dict[str, Any]],
    response_force: Force | None = None,
    chief_constable_comments: str = "",
    pcc_response: str = "",
) -> Inspection:
    """Save what the person confirmed (and only that) as an inspection."""
    locked = ReportUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.uploaded_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the report can confirm it.")
    if locked.state != ReportUpload.State.PROPOSED:
        raise Conflict("This report has already been confirmed, or is still being read.")
    inspection = inspection_create(
        actor=actor, title=title, published=published, body=body, scope=scope, region=region, findings=findings
    )
    if response_force is not None and (chief_constable_comments.strip() or pcc_response.strip()):
        response = response_open(actor=actor, inspection=inspection, force=response_force, any_role=True)
        response.chief_constable_comments = _text(chief_constable_comments, "chief_constable_comments", required=False)
        response.pcc_response = _text(pcc_response, "pcc_response", required=False)
        response.save(update_fields=["chief_constable_comments", "pcc_response"])
    locked.inspection = inspection
    locked.state = ReportUpload.State.CONFIRMED
    locked.save(update_fields=["inspection", "state"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.report.confirm",
        obj=locked,
        detail={"inspection": inspection.pk},
    )
    return inspection


# --- Recommendation tracking ------------------------------------------------------


def _change(
    tracking: RecommendationTracking,
    actor: Any,
    what: str,
    old: Any,
    new: Any,
    *,
    effective: dt.date | None = None,
    note: str = "",
) -> TrackingChange:
    return TrackingChange.objects.create(
        tracking=tracking,
        what=what,
        old_value=str(old or "")[:200],
        new_value=str(new or "")[:200],
        effective_date=effective or timezone.localdate(),
        note=note,
        changed_by=actor,
    )


def _check_people(region: Region, owner: User | None, approver: User | None) -> None:
    for who, field in ((owner, "owner"), (approver, "approver")):
        if who is not None and (who.region_id != region.pk or not who.is_active):
            raise ValidationFailed("Choose an active person of this region.", field=field)
    if owner is not None and approver is not None and owner.pk == approver.pk:
        raise ValidationFailed("The approver must be someone other than the owner.", field="approver")


@transaction.atomic
def tracking_start(
    *,
    actor: Any,
    finding: Finding,
    region: Region,
    owner: User | None = None,
    approver: User | None = None,
    due_date: Any = None,
) -> RecommendationTracking:
    _require_in_region(actor, p.GOVERNANCE_MANAGE, region.pk)
    if finding.kind != FindingKind.RECOMMENDATION:
        raise ValidationFailed("Only recommendations are tracked.", field="finding")
    _check_people(region, owner, approver)
    due = _date(due_date, "due_date", required=False) or finding.due_date
    try:
        with transaction.atomic():
            tracking = RecommendationTracking.objects.create(
                finding=finding, region=region, owner=owner, approver=approver, due_date=due
            )
    except IntegrityError:
        raise Conflict(f"{region} is already tracking this recommendation.") from None
    _change(tracking, actor, TrackingChange.What.CREATED, "", tracking.get_progress_display())
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="governance.tracking.start",
        obj=tracking,
        region_id=region.pk,
        detail={"finding": finding.pk},
    )
    return tracking


@transaction.atomic
def tracking_start_network(*, actor: Any, finding: Finding) -> int:
    """Track a recommendation made to every ROCU in each region; returns how many began."""
    policy.require(actor, p.GOVERNANCE_MANAGE)
    regions = Region.objects.all() if policy.scope_for(actor).all_regions else Region.objects.filter(pk=actor.region_id)
    have = set(RecommendationTracking.objects.filter(finding=finding).values_list("region_id", flat=True))
    started = 0
    for region in regions:
        if region.pk not in have:
            tracking_start(actor=actor, finding=finding, region=region)
            started += 1
    return started


def may_act(actor: Any, tracking: RecommendationTracking) -> bool:
    if tracking.owner_id == actor.pk:
        return True
    return policy.has_perm(actor, p.GOVERNANCE_MANAGE) and in_scope(actor, tracking.region_id)


def _require_act(actor: Any, tracking: RecommendationTracking) -> None:
    if not may_act(actor, tracking):
        raise PermissionDenied("Only the recommendation's owner or a governance manager of its region can do that.")


def _lock(tracking: RecommendationTracking) -> RecommendationTracking:
    return RecommendationTracking.objects.select_for_update().select_related("region").get(pk=tracking.pk)


@transaction.atomic
def tracking_assign(
    *,
    actor: Any,
    tracking: RecommendationTracking,
    owner: User | None,
    approver: User | None,
    due_date: Any,
    note: str = "",
) -> RecommendationTracking:
    _require_in_region(actor, p.GOVERNANCE_MANAGE, tracking.region_id)
    t = _lock(tracking)
    _check_people(t.region, owner, approver)
    due = _date(due_date, "due_date", required=False)
    changed = []
    for what, attr, new in (
        (TrackingChange.What.OWNER, "owner", owner),
        (TrackingChange.What.APPROVER, "approver", approver),
    ):
        old = getattr(t, attr)
        if (old.pk if old else None) != (new.pk if new else None):
            _change(t, actor, what, old.display_name if old else "", new.display_name if new else "", note=note)
            setattr(t, attr, new)
            changed.append(attr)
    if due != t.due_date:
        _change(t, actor, TrackingChange.What.DUE_DATE, t.due_date, due, note=note)
        t.due_date = due
        changed.append("due_date")
    if changed:
        t.save(update_fields=changed)
        _bump(t)
        audit_record(
            actor=actor,
            category=Category.ALTERATION,
            action="governance.tracking.assign",
            obj=t,
            region_id=t.region_id,
            detail={"fields": changed},
        )
    return t


def _effective(value: Any) -> dt.date:
    date = _date(value, "effective_date", required=False) or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationFailed("The effective date cannot be in the future.", field="effective_date")
    return date


def _stale(t: RecommendationTracking, expected_version: int | None, attempted: dict[str, str]) -> None:
    """Refuse an update made from an older version of the tracking row, showing both.

    Called after the lock and the permission check, before anything is written.
    """
    if expected_version is not None and int(expected_version) == t.row_version:
        return
    theirs = {
        "Progress status": f"{t.get_progress_display()} since {t.progress_since:%d %b %Y}",
        "Outcome assessment": f"{t.get_outcome_display()} since {t.outcome_since:%d %b %Y}",
        "Closure requested": f"{t.closure_requested_at:%d %b %Y}" if t.closure_requested_at else "No",
    }
    latest = t.changes.select_related("changed_by").first()
    theirs["Last change"] = (
        f"{latest.get_what_display()} by {latest.changed_by.display_name}: {latest.note}".rstrip(": ") if latest else ""
    )
    yours = {**theirs, "Last change": "", **attempted}
    raise EditConflict(
        current_version=t.row_version,
        rows=[ConflictRow(label, theirs[label], yours[label]) for label in theirs],
        what=f"{t.finding.reference} ({t.region})",
    )


def _bump(t: RecommendationTracking) -> None:
    """Move the row's version on after a change an open page did not see."""
    RecommendationTracking.objects.filter(pk=t.pk).update(row_version=F("row_version") + 1)
    t.row_version += 1


@transaction.atomic
def tracking_progress(
    *,
    actor: Any,
    tracking: RecommendationTracking,
    progress: str,
    expected_version: int | None,
    effective_date: Any = None,
    note: str = "",
) -> RecommendationTracking:
    """Move between awaiting review and being progressed; completion goes through closure.

    `expected_version` is the tracking row's `row_version` when the page was drawn: if
    someone changed it since, nothing is written and both versions are shown.
    """
    t = _lock(tracking)
    _require_act(actor, t)
    progress = _choice(progress, ProgressStatus, "progress")
    _stale(
        t,
        expected_version,
        {"Progress status": f"{ProgressStatus(progress).label} from {_effective(effective_date):%d %b %Y}"},
    )
    progress = _choice(progress, ProgressStatus, "progress")
    if progress == ProgressStatus.COMPLETE:
        raise ValidationFailed(
            "A recommendation is complete only when an approver accepts its closure: request closure instead.",
            field="progress",
        )
    if t.progress == ProgressStatus.COMPLETE:
        raise Conflict("This recommendation is complete; its closure was approved.")
    if t.closure_requested_at:
        raise Conflict("Closure has been requested: wait for the approver's decision.")
    if progress == t.progress:
        return t
    effective = _effective(effective_date)
    _change(
        t,
        actor,
        TrackingChange.What.PROGRESS,
        t.get_progress_display(),
        ProgressStatus(progress).label,
        effective=effective,
        note=_text(note, "note", required=False),
    )
    t.progress, t.progress_since = progress, effective
    save_if_unchanged(t, expected_version=t.row_version, fields=["progress", "progress_since"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.tracking.progress",
        obj=t,
        region_id=t.region_id,
        detail={"progress": progress},
    )
    return t


@transaction.atomic
def tracking_outcome(
    *,
    actor: Any,
    tracking: RecommendationTracking,
    outcome: str,
    expected_version: int | None,
    effective_date: Any = None,
    note: str = "",
) -> RecommendationTracking:
    """The outcome is judged apart from progress: done is not the same as achieved.

    Optimistically locked like `tracking_progress`.
    """
    t = _lock(tracking)
    _require_act(actor, t)
    outcome = _choice(outcome, Outcome, "outcome")
    _stale(
        t,
        expected_version,
        {"Outcome assessment": f"{Outcome(outcome).label} from {_effective(effective_date):%d %b %Y}"},
    )
    if outcome == t.outcome:
        return t
    effective = _effective(effective_date)
    _change(
        t,
        actor,
        TrackingChange.What.OUTCOME,
        t.get_outcome_display(),
        Outcome(outcome).label,
        effective=effective,
        note=_text(note, "note", required=outcome != Outcome.NOT_ASSESSED),
    )
    t.outcome, t.outcome_since = outcome, effective
    save_if_unchanged(t, expected_version=t.row_version, fields=["outcome", "outcome_since"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.tracking.outcome",
        obj=t,
        region_id=t.region_id,
        detail={"outcome": outcome},
    )
    return t


@transaction.atomic
def tracking_closure_request(*, actor: Any, tracking: RecommendationTracking, note: str = "") -> RecommendationTracking:
    t = _lock(tracking)
    _require_act(actor, t)
    if t.progress == ProgressStatus.COMPLETE:
        raise Conflict("This recommendation is already complete.")
    if t.closure_requested_at:
        raise Conflict("Closure has already been requested.")
    if not t.evidence.exists():
        raise ValidationFailed("Add evidence that the recommendation is done before asking to close it.", field="note")
    if t.approver_id is None:
        raise ValidationFailed("Name an approver (someone other than the owner) first.", field="note")
    t.closure_requested_at, t.closure_requested_by = timezone.now(), actor
    t.save(update_fields=["closure_requested_at", "closure_requested_by"])
    _bump(t)
    _change(t, actor, TrackingChange.What.CLOSURE_REQUESTED, "", "", note=_text(note, "note", required=False))
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.tracking.closure_request",
        obj=t,
        region_id=t.region_id,
    )
    return t


@transaction.atomic
def tracking_closure_decide(
    *, actor: Any, tracking: RecommendationTracking, approve: bool, note: str = ""
) -> RecommendationTracking:
    """The approver (or a governance approver of the region), never the owner, decides."""
    t = _lock(tracking)
    if t.owner_id == actor.pk:
        raise PermissionDenied("The owner cannot approve their own closure: another person must.")
    named = t.approver_id == actor.pk
    if not named:
        _require_in_region(actor, p.GOVERNANCE_APPROVE, t.region_id)
    if not t.closure_requested_at:
        raise Conflict("Nobody has asked to close this recommendation.")
    note = _text(note, "note", required=not approve)
    if approve:
        _change(t, actor, TrackingChange.What.CLOSURE_APPROVED, t.get_progress_display(), "Complete", note=note)
        t.progress, t.progress_since = ProgressStatus.COMPLETE, timezone.localdate()
        t.closed_at, t.closed_by = timezone.now(), actor
    else:
        _change(t, actor, TrackingChange.What.CLOSURE_REJECTED, "", t.get_progress_display(), note=note)
    t.closure_requested_at, t.closure_requested_by = None, None
    t.row_version += 1
    t.save()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.tracking.closure_approve" if approve else "governance.tracking.closure_reject",
        obj=t,
        region_id=t.region_id,
    )
    return t


# --- Evidence ---------------------------------------------------------------------


def evidence_add(
    *,
    actor: Any,
    upload: Any,
    description: str,
    tracking: RecommendationTracking | None = None,
    measure: CounterCorruptionMeasure | None = None,
    shared: bool = False,
    personal_data: bool = False,
) -> Evidence:
    if (tracking is None) == (measure is None):
        raise ValidationFailed("Evidence belongs to one recommendation or one measure.")
    if tracking is not None:
        _require_act(actor, tracking)
        region_id = tracking.region_id
    else:
        assert measure is not None
        if measure.owner_id != actor.pk:
            _require_in_region(actor, p.GOVERNANCE_MEASURES_MANAGE, measure.region_id)
        region_id = measure.region_id
    description = _text(description, "description", limit=300)
    checked = files.check_upload(upload, allowed=files.EVIDENCE_EXTENSIONS, max_bytes=files.EVIDENCE_MAX_BYTES)
    evidence = Evidence(
        region_id=region_id,
        tracking=tracking,
        measure=measure,
        description=description,
        filename=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        shared=bool(shared),
        personal_data=bool(personal_data),
        uploaded_by=actor,
    )
    # The file and its row are kept together or not at all (a full disk is StorageFull).
    with files.stored(evidence.file, checked.name, checked.content), transaction.atomic():
        evidence.save()
        if tracking is not None:
            _change(tracking, actor, TrackingChange.What.EVIDENCE, "", checked.name[:200], note=description)
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="governance.evidence.add",
            obj=evidence,
            region_id=region_id,
            detail={
                "sha256": checked.sha256,
                "size": checked.size,
                "type": checked.content_type,
                "shared": evidence.shared,
            },
        )
    return evidence


# --- The 56-day response ------------------------------------------------------------


def require_responder(actor: Any, force: Force) -> None:
    if not (policy.has_perm(actor, p.GOVERNANCE_CC_COMMENT) or policy.has_perm(actor, p.GOVERNANCE_PCC_RESPOND)):
        raise PermissionDenied("Only the chief constable's office or the PCC's office writes the response.")
    scope = policy.scope_for(actor)
    if scope.all_regions:
        return
    if scope.force_bound:
        if force.pk != scope.force_id:
            raise PermissionDenied("You can respond for your own force only.")
    elif force.region_id != scope.region_id:
        raise PermissionDenied("You can respond for forces of your own region only.")


@transaction.atomic
def response_open(*, actor: Any, inspection: Inspection, force: Force, any_role: bool = False) -> InspectionResponse:
    """The response of one force to one inspection, started if it does not exist yet."""
    if not any_role:
        require_responder(actor, force)
    elif not in_scope(actor, force.region_id):
        raise PermissionDenied("You can respond for forces of your own region only.")
    response, created = InspectionResponse.objects.get_or_create(
        inspection=inspection, force=force, defaults={"region_id": force.region_id}
    )
    if created:
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="governance.response.create",
            obj=response,
            region_id=force.region_id,
        )
    return response


def _lock_response(response: InspectionResponse) -> InspectionResponse:
    r = InspectionResponse.objects.select_for_update().select_related("force", "inspection").get(pk=response.pk)
    if r.state == InspectionResponse.State.PUBLISHED:
        raise Conflict("This response has been published and can no longer be changed.")
    return r


@transaction.atomic
def response_cc_comments(*, actor: Any, response: InspectionResponse, text: str) -> InspectionResponse:
    policy.require(actor, p.GOVERNANCE_CC_COMMENT)
    r = _lock_response(response)
    require_responder(actor, r.force)
    r.chief_constable_comments = _text(text, "chief_constable_comments")
    r.cc_updated_by = actor
    r.save(update_fields=["chief_constable_comments", "cc_updated_by"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.response.cc_comments",
        obj=r,
        region_id=r.region_id,
    )
    return r


@transaction.atomic
def response_pcc(*, actor: Any, response: InspectionResponse, text: str) -> InspectionResponse:
    policy.require(actor, p.GOVERNANCE_PCC_RESPOND)
    r = _lock_response(response)
    require_responder(actor, r.force)
    r.pcc_response = _text(text, "pcc_response")
    r.pcc_updated_by = actor
    r.save(update_fields=["pcc_response", "pcc_updated_by"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.response.pcc_response",
        obj=r,
        region_id=r.region_id,
    )
    return r


@transaction.atomic
def position_set(
    *, actor: Any, response: InspectionResponse, finding: Finding, position: str, reasons: str = ""
) -> RecommendationPosition:
    r = _lock_response(response)
    require_responder(actor, r.force)
    if finding.inspection_id != r.inspection_id or finding.kind != FindingKind.RECOMMENDATION:
        raise ValidationFailed("Choose a recommendation of this inspection.", field="finding")
    position = _choice(position, Position, "position")
    reasons = _text(reasons, "reasons", required=position != Position.ACCEPTED)
    row, _ = RecommendationPosition.objects.update_or_create(
        response=r, finding=finding, defaults={"position": position, "reasons": reasons, "recorded_by": actor}
    )
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="governance.response.position",
        obj=row,
        region_id=r.region_id,
        detail={"finding": finding.pk, "position": position},
    )
    return row


def response_missing(response: InspectionResponse) -> list[str]:
    """What stops the response being published, in words a person can act on."""
    missing = []
    if not response.chief_constable_comments.strip():
        missing.append("the chief constable's comments")
    if not response.pcc_response.strip():
        missing.append("the PCC's response")
    answered = set(response.positions.values_list("finding_id", flat=True))
    unanswered = [
        f.reference
        for f in response.inspection.findings.filter(kind=FindingKind.RECOMMENDATION)
        if f.pk not in answered
    ]
    if unanswered:
        missing.append("a position on " + ", ".join(unanswered))
    return missing


@transaction.atomic
def response_publish(*, actor: Any, response: InspectionResponse) -> InspectionResponse:
    policy.require(actor, p.GOVERNANCE_PCC_RESPOND)
    r = _lock_response(response)
    require_responder(actor, r.force)
    missing = response_missing(r)
    if missing:
        raise ValidationFailed("Before publishing, add " + "; ".join(missing) + ".")
    r.state = InspectionResponse.State.PUBLISHED
    r.published_at, r.published_by = timezone.now(), actor
    r.public_slug = f"{slugify(r.force.name)[:40]}-{r.inspection.published:%Y}-{secrets.token_hex(4)}"
    r.save(update_fields=["state", "published_at", "published_by", "public_slug"])
    audit_record(
        actor=actor,
        category=Category.DISCLOSURE,
        action="governance.response.publish",
        obj=r,
        region_id=r.region_id,
        recipient="the public",
        detail={
            "late": r.published_on is not None and r.published_on > r.due,
            "url": reverse("governance:public-response", args=[r.public_slug]),
        },
    )
    return r


# --- Accountable officers -------------------------------------------------------------


@transaction.atomic
def accountable_appoint(
    *,
    actor: Any,
    region: Region,
    subject: str,
    officer_name: str,
    starts: Any,
    officer: User | None = None,
    capability: str = "",
    tracking: RecommendationTracking | None = None,
) -> AccountableOfficer:
    """Appoint someone; whoever held the same accountability before stops the day before."""
    _require_in_region(actor, p.GOVERNANCE_MANAGE, region.pk)
    subject = _choice(subject, AccountableSubject, "subject")
    capability = _choice(capability, UnitType, "capability") if subject == AccountableSubject.CAPABILITY else ""
    if subject == AccountableSubject.RECOMMENDATION:
        if tracking is None or tracking.region_id != region.pk:
            raise ValidationFailed("Choose a recommendation this region is tracking.", field="tracking")
    else:
        tracking = None
    if officer is not None and officer.region_id != region.pk:
        raise ValidationFailed("Choose a person of this region.", field="officer")
    name = _text(officer_name or (officer.display_name if officer else ""), "officer_name", limit=150)
    start = _date(starts, "starts")
    assert start is not None
    current = AccountableOfficer.objects.select_for_update().filter(
        region=region, subject=subject, capability=capability, tracking=tracking, ends__isnull=True
    )
    for previous in current:
        if previous.starts >= start:
            raise ValidationFailed(
                f"{previous.officer_name} was appointed from {previous.starts:%d %B %Y}: start after that.",
                field="starts",
            )
        previous.ends = start - dt.timedelta(days=1)
        previous.save(update_fields=["ends"])
    appointment = AccountableOfficer.objects.create(
        region=region,
        subject=subject,
        capability=capability,
        tracking=tracking,
        officer=officer,
        officer_name=name,
        starts=start,
        appointed_by=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="governance.accountable.appoint",
        obj=appointment,
        region_id=region.pk,
        detail={"subject": subject, "capability": capability},
    )
    return appointment


# --- Counter-corruption measures --------------------------------------------------------


@transaction.atomic
def measure_save(
    *,
    actor: Any,
    region: Region,
    kind: str,
    title: str,
    status: str,
    owner: User | None = None,
    notes: str = "",
    review_date: Any = None,
    measure: CounterCorruptionMeasure | None = None,
) -> CounterCorruptionMeasure:
    _require_in_region(actor, p.GOVERNANCE_MEASURES_MANAGE, region.pk)
    if owner is not None and owner.region_id != region.pk:
        raise ValidationFailed("Choose a person of this region.", field="owner")
    fields = {
        "kind": _choice(kind, CounterCorruptionMeasureKind, "kind"),
        "title": _text(title, "title", limit=200),
        "status": _choice(status, MeasureStatus, "status"),
        "owner": owner,
        "notes": _text(notes, "notes", required=False),
        "review_date": _date(review_date, "review_date", required=False),
        "updated_at": timezone.now(),
    }
    if measure is None:
        if CounterCorruptionMeasure.objects.filter(region=region, title__iexact=fields["title"]).exists():
            raise ValidationFailed("This region already has a measure with that title.", field="title")
        measure = CounterCorruptionMeasure.objects.create(region=region, **fields)
        category, action = Category.COLLECTION, "governance.measure.create"
    else:
        if measure.region_id != region.pk:
            raise PermissionDenied("That measure belongs to another region.")
        for k, v in fields.items():
            setattr(measure, k, v)
        measure.save()
        category, action = Category.ALTERATION, "governance.measure.update"
    audit_record(
        actor=actor,
        category=category,
        action=action,
        obj=measure,
        region_id=region.pk,
        detail={"status": measure.status},
    )
    return measure


# --- Good practice -------------------------------------------------------------------------


@transaction.atomic
def practice_create(
    *, actor: Any, title: str, summary: str, threat: str, capability: str, finding: Finding | None = None
) -> GoodPractice:
    policy.require(actor, p.GOVERNANCE_PRACTICE_WRITE)
    if actor.region_id is None:
        raise PermissionDenied("Good practice is recorded by a region; you have no home region.")
    practice = GoodPractice.objects.create(
        region_id=actor.region_id,
        title=_text(title, "title", limit=200),
        summary=_text(summary, "summary"),
        threat=_choice(threat, ThreatArea, "threat"),
        capability=_choice(capability, UnitType, "capability"),
        finding=finding,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="governance.practice.create",
        obj=practice,
        region_id=actor.region_id,
    )
    return practice


@transaction.atomic
def practice_adopt(*, actor: Any, practice: GoodPractice, adopted_on: Any, note: str = "") -> GoodPracticeAdoption:
    policy.require(actor, p.GOVERNANCE_MANAGE)
    if actor.region_id is None:
        raise PermissionDenied("A region adopts good practice; you have no home region.")
    when = _date(adopted_on, "adopted_on")
    assert when is not None
    if when > timezone.localdate():
        raise ValidationFailed("The adoption date cannot be in the future.", field="adopted_on")
    if GoodPracticeAdoption.objects.filter(practice=practice, region_id=actor.region_id).exists():
        raise Conflict("Your region has already adopted this practice.")
    adoption = GoodPracticeAdoption.objects.create(
        practice=practice,
        region_id=actor.region_id,
        adopted_on=when,
        note=_text(note, "note", required=False, limit=300),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="governance.practice.adopt",
        obj=adoption,
        region_id=actor.region_id,
    )
    return adoption


def progress_rank(progress: str) -> int:
    return PROGRESS_RANK.get(ProgressStatus(progress), 0)
