"""Every change to threats, OCGs, assessments and the T&CG, each audited in its transaction.

After any change that can move a level or a flag, `subject_refresh` recomputes them
through the engines, so the stored flags are never older than the last change.

Edits are optimistically locked (rocu/core/concurrency.py): a threat or OCG edit
carries the `row_version` it was made from; a new assessment names the latest version
it was scored from; a review must find the assessment still awaiting review. A stale
one is an EditConflict showing both versions, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rocu.accounts.models import Force, NeedToKnowGroup, Region, UnitType, User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.classification import Classification
from rocu.core.concurrency import ConflictRow, EditConflict, bump_version, save_if_unchanged
from rocu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from rocu.core.policy import Perm
from rocu.engines import scoring, tasking
from rocu.intelligence.models import Nominal
from rocu.threats import permissions as P
from rocu.threats.models import (
    FLAG_FIELDS,
    ActionStatus,
    Assessment,
    AssessmentStatus,
    Confidence,
    Decision,
    DecisionKind,
    HeldBy,
    Level,
    Meeting,
    MeetingStatus,
    MemberRole,
    OCGMembership,
    OCGStatus,
    OrganisedCrimeGroup,
    SubjectKind,
    TaskingAction,
    TaskingSubject,
    Threat,
    ThreatType,
)
from rocu.threats.scale import current_rule, current_scale

# --- 4P plans: supplied later by the investigations capability ---------------------

PlanProvider = Callable[[list[int]], set[int]]
_PLAN_PROVIDERS: list[PlanProvider] = []


def register_plan_provider(fn: PlanProvider) -> None:
    """Let the app that records 4P plans say which subjects (threat or OCG ids) have one.

    With no provider registered no plan exists, so every adopted priority is flagged
    "no 4P plan" — which is the truth until plans are recorded.
    """
    if fn not in _PLAN_PROVIDERS:
        _PLAN_PROVIDERS.append(fn)


def subjects_with_plan(ids: Iterable[int]) -> set[int]:
    wanted = list(ids)
    found: set[int] = set()
    for provider in _PLAN_PROVIDERS:
        found |= set(provider(wanted))
    return found


# --- Shared checks -------------------------------------------------------------------

SUBJECT_FIELDS = (
    "name",
    "area",
    "description",
    "classification",
    "need_to_know_group",
    "held_by",
    "holding_force",
    "owner",
    "lro",
)
# How the edit page names fields whose model names read badly in a conflict table.
FIELD_LABELS = {"Lro": "Lead responsible officer (LRO)", "Need to know group": "Need-to-know group"}
THREAT_FIELDS = (*SUBJECT_FIELDS, "threat_type")
OCG_FIELDS = (*SUBJECT_FIELDS, "threat_types", "status")


def _in_region(actor: Any, region_id: int) -> None:
    scope = policy.scope_for(actor)
    if not scope.all_regions and region_id != scope.region_id:
        raise PermissionDenied("You can work on your own region's threats and OCGs only.")


def _check_fields(actor: Any, region: Region, fields: dict[str, Any], forces: list[Force] | None) -> None:
    scope = policy.scope_for(actor)
    name = str(fields.get("name", "")).strip()
    if not name:
        raise ValidationFailed("Enter a name.", field="name")
    if len(name) > 200:
        raise ValidationFailed("The name is longer than 200 characters.", field="name")
    fields["name"] = name
    if len(str(fields.get("area", ""))) > 120:
        raise ValidationFailed("The area is longer than 120 characters.", field="area")
    if fields.get("classification") not in Classification.values:
        raise ValidationFailed("Choose a classification.", field="classification")
    if fields["classification"] not in scope.classifications:
        raise ValidationFailed("Your vetting does not reach that classification.", field="classification")
    group: NeedToKnowGroup | None = fields.get("need_to_know_group")
    if group is not None and (group.region_id != region.pk or group.pk not in scope.group_ids):
        raise ValidationFailed("Choose a need-to-know group you belong to.", field="need_to_know_group")
    if fields.get("held_by") not in HeldBy.values:
        raise ValidationFailed("Say who holds it: a force, the ROCU or the NCA.", field="held_by")
    holding: Force | None = fields.get("holding_force")
    if fields["held_by"] == HeldBy.FORCE:
        if holding is None:
            raise ValidationFailed("Name the force that holds it.", field="holding_force")
        if holding.region_id != region.pk:
            raise ValidationFailed("The holding force must be one of the region's forces.", field="holding_force")
    else:
        fields["holding_force"] = None
    if forces is not None and any(f.region_id != region.pk for f in forces):
        raise ValidationFailed("Forces affected must be the region's forces.", field="forces_affected")
    for role_field in ("owner", "lro"):
        person: User | None = fields.get(role_field)
        if person is not None and (person.region_id != region.pk or not person.is_active):
            raise ValidationFailed("Choose an active person of this region.", field=role_field)


def _next_reference(prefix: str, pk: int) -> str:
    return f"{prefix}-{pk:06d}"


def subject_refresh(subject: TaskingSubject, *, today: dt.date | None = None) -> list[str]:
    """Recompute the stored flags from the engine; returns the flags that now apply."""
    rule = current_rule()
    today = today or timezone.localdate()
    has_plan = subject.pk in subjects_with_plan([subject.pk]) if subject.is_priority else False
    flags = tasking.flags_for(
        tasking.FlagInput(
            assessed_level=subject.assessed_level or None,
            held_by=subject.held_by,
            is_priority=subject.is_priority,
            has_lro=subject.lro_id is not None,
            has_plan=has_plan,
            assessed_on=subject.assessed_on,
            today=today,
        ),
        rule,
    )
    changed = []
    for code, attr in FLAG_FIELDS.items():
        value = code in flags
        if getattr(subject, attr) != value:
            setattr(subject, attr, value)
            changed.append(attr)
    if changed:
        TaskingSubject.objects.filter(pk=subject.pk).update(**{a: getattr(subject, a) for a in changed})
    return list(flags)


def flags_refresh_all(*, region: Region | None = None) -> int:
    """Recompute every subject's flags (after a plan provider arrives, say); how many changed."""
    qs = TaskingSubject.objects.all() if region is None else TaskingSubject.objects.filter(region=region)
    changed = 0
    for subject in qs.iterator():
        before = [getattr(subject, a) for a in FLAG_FIELDS.values()]
        subject_refresh(subject)
        changed += before != [getattr(subject, a) for a in FLAG_FIELDS.values()]
    return changed


# --- Threats and OCGs ----------------------------------------------------------------


def _create_subject(
    model: type[Threat] | type[OrganisedCrimeGroup],
    *,
    actor: Any,
    region: Region,
    forces_affected: list[Force],
    allowed: tuple[str, ...],
    fields: dict[str, Any],
) -> Any:
    policy.require(actor, P.THREATS_MANAGE)
    _in_region(actor, region.pk)
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    fields.setdefault("classification", Classification.OFFICIAL_SENSITIVE)
    fields.setdefault("held_by", HeldBy.ROCU)
    fields.setdefault("owner", actor)
    _check_fields(actor, region, fields, forces_affected)
    kind = SubjectKind.THREAT if model is Threat else SubjectKind.OCG
    subject = model(region=region, kind=kind, reference="", created_by=actor, **fields)
    subject.save()
    subject.reference = _next_reference("THR" if kind == SubjectKind.THREAT else "OCG", subject.pk)
    subject.save(update_fields=["reference"])
    subject.forces_affected.set(forces_affected)
    subject_refresh(subject)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action=f"threats.{kind}.create",
        obj=subject,
        region_id=region.pk,
        detail={"reference": subject.reference, "forces": sorted(f.pk for f in forces_affected)},
    )
    return subject


def _clean_threat(fields: dict[str, Any]) -> None:
    if "threat_type" in fields and fields["threat_type"] not in ThreatType.values:
        raise ValidationFailed("Choose a threat type.", field="threat_type")


def _clean_ocg(fields: dict[str, Any]) -> None:
    types = fields.get("threat_types", [])
    if not isinstance(types, list) or any(t not in ThreatType.values for t in types):
        raise ValidationFailed("Choose threat types from the list.", field="threat_types")
    fields["threat_types"] = sorted(set(types))
    if "status" in fields and fields["status"] not in OCGStatus.values:
        raise ValidationFailed("Choose a status.", field="status")


@transaction.atomic
def threat_create(*, actor: Any, region: Region, forces_affected: Iterable[Force] = (), **fields: Any) -> Threat:
    if "threat_type" not in fields:
        raise ValidationFailed("Choose a threat type.", field="threat_type")
    _clean_threat(fields)
    return _create_subject(
        Threat, actor=actor, region=region, forces_affected=list(forces_affected), allowed=THREAT_FIELDS, fields=fields
    )


@transaction.atomic
def ocg_create(
    *, actor: Any, region: Region, forces_affected: Iterable[Force] = (), **fields: Any
) -> OrganisedCrimeGroup:
    _clean_ocg(fields)
    return _create_subject(
        OrganisedCrimeGroup,
        actor=actor,
        region=region,
        forces_affected=list(forces_affected),
        allowed=OCG_FIELDS,
        fields=fields,
    )


def _update_subject(
    subject: Any,
    *,
    actor: Any,
    allowed: tuple[str, ...],
    changes: dict[str, Any],
    forces: list[Force] | None,
    expected_version: int | None,
) -> Any:
    policy.require(actor, P.THREATS_MANAGE)
    _in_region(actor, subject.region_id)
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    # Compare with the row as stored now (under lock), not the copy the caller read.
    TaskingSubject.objects.select_for_update().filter(pk=subject.pk).first()
    subject.refresh_from_db()
    merged = {f: getattr(subject, f) for f in allowed} | changes
    _check_fields(actor, subject.region, merged, forces)
    changed = sorted(f for f in allowed if getattr(subject, f) != merged[f])
    old_forces = set(subject.forces_affected.values_list("pk", flat=True))
    forces_changed = forces is not None and {f.pk for f in forces} != old_forces
    if not changed and not forces_changed:
        return subject
    for f in changed:
        setattr(subject, f, merged[f])
    try:
        save_if_unchanged(subject, expected_version=expected_version, fields=changed, what=subject.reference)
    except EditConflict as conflict:
        conflict.rows = [ConflictRow(FIELD_LABELS.get(r.label, r.label), r.theirs, r.yours) for r in conflict.rows]
        raise
    subject.updated_at = timezone.now()
    TaskingSubject.objects.filter(pk=subject.pk).update(updated_at=subject.updated_at)
    if forces is not None and forces_changed:
        subject.forces_affected.set(forces)
        changed.append("forces_affected")
    subject_refresh(subject)
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action=f"threats.{subject.kind}.update",
        obj=subject,
        region_id=subject.region_id,
        detail={"fields": changed},
    )
    return subject


@transaction.atomic
def threat_update(
    *,
    actor: Any,
    threat: Threat,
    expected_version: int | None,
    forces_affected: Iterable[Force] | None = None,
    **changes: Any,
) -> Threat:
    """Change a threat made from `expected_version` of it (its `row_version` when read)."""
    _clean_threat(changes)
    forces = list(forces_affected) if forces_affected is not None else None
    return _update_subject(
        threat, actor=actor, allowed=THREAT_FIELDS, changes=changes, forces=forces, expected_version=expected_version
    )


@transaction.atomic
def ocg_update(
    *,
    actor: Any,
    ocg: OrganisedCrimeGroup,
    expected_version: int | None,
    forces_affected: Iterable[Force] | None = None,
    **changes: Any,
) -> OrganisedCrimeGroup:
    if "threat_types" in changes or "status" in changes:
        probe = {
            "threat_types": changes.get("threat_types", ocg.threat_types),
            "status": changes.get("status", ocg.status),
        }
        _clean_ocg(probe)
        changes.update(probe)
    forces = list(forces_affected) if forces_affected is not None else None
    return _update_subject(
        ocg, actor=actor, allowed=OCG_FIELDS, changes=changes, forces=forces, expected_version=expected_version
    )


@transaction.atomic
def ocg_link(*, actor: Any, ocg: OrganisedCrimeGroup, other: OrganisedCrimeGroup, linked: bool = True) -> None:
    policy.require(actor, P.THREATS_MANAGE)
    _in_region(actor, ocg.region_id)
    if other.pk == ocg.pk:
        raise ValidationFailed("A group cannot be linked to itself.", field="other")
    if other.region_id != ocg.region_id:
        raise ValidationFailed("Link groups of the same region only.", field="other")
    if linked:
        ocg.linked_ocgs.add(other)
    else:
        ocg.linked_ocgs.remove(other)
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="threats.ocg.link" if linked else "threats.ocg.unlink",
        obj=ocg,
        region_id=ocg.region_id,
        detail={"other": other.pk},
    )


@transaction.atomic
def ocg_member_add(*, actor: Any, ocg: OrganisedCrimeGroup, nominal: Nominal, role: str) -> OCGMembership:
    policy.require(actor, P.THREATS_MANAGE)
    policy.require(actor, Perm.PERSONAL_DATA_VIEW)
    _in_region(actor, ocg.region_id)
    if role not in MemberRole.values:
        raise ValidationFailed("Choose the person's role in the group.", field="role")
    if nominal.region_id != ocg.region_id or not policy.can_see(actor, nominal, Perm.PERSONAL_DATA_VIEW):
        raise ValidationFailed("Choose a person record of this region that you can see.", field="nominal")
    if OCGMembership.objects.filter(ocg=ocg, nominal=nominal).exists():
        raise Conflict("That person is already a member of this group.", field="nominal")
    membership = OCGMembership.objects.create(ocg=ocg, nominal=nominal, role=role, added_by=actor)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="threats.ocg.member.add",
        obj=ocg,
        region_id=ocg.region_id,
        detail={"nominal": nominal.pk, "role": role},
    )
    return membership


@transaction.atomic
def ocg_member_remove(*, actor: Any, membership: OCGMembership) -> None:
    policy.require(actor, P.THREATS_MANAGE)
    _in_region(actor, membership.ocg.region_id)
    ocg = membership.ocg
    nominal_id = membership.nominal_id
    membership.delete()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="threats.ocg.member.remove",
        obj=ocg,
        region_id=ocg.region_id,
        detail={"nominal": nominal_id},
    )


# --- Assessments ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRequest:
    harm: dict[str, int]
    likelihood: int
    confidence: str
    organisational_position: int
    opportunity: int
    rationale: str


def _conflict(message: str, *, current_version: int, rows: list[ConflictRow]) -> EditConflict:
    """An EditConflict whose message fits append-only versions (nothing is ever replaced)."""
    conflict = EditConflict(current_version=current_version, rows=rows)
    conflict.message = message
    conflict.args = (message,)
    return conflict


def _assessment_rows(latest: Assessment, yours: dict[str, Any]) -> list[ConflictRow]:
    theirs = latest.comparable()
    theirs["Rationale"] = latest.rationale
    theirs["Scored by"] = f"{latest.scored_by.display_name}, {timezone.localtime(latest.scored_at):%d %b %Y %H:%M}"
    theirs["Status"] = latest.get_status_display()
    return [ConflictRow(label, str(value), str(yours.get(label, ""))) for label, value in theirs.items()]


@transaction.atomic
def assessment_create(
    *, actor: Any, subject: TaskingSubject, request: ScoreRequest, scored_from: int | None
) -> Assessment:
    """Score a subject: always a new version, awaiting another analyst's review.

    `scored_from` is the latest version the scorer saw (0 when there was none): if
    someone has scored it since, the new score would be made blind to theirs, so it is
    refused with both side by side; scoring again from the new latest succeeds.
    """
    policy.require(actor, P.THREATS_SCORE)
    _in_region(actor, subject.region_id)
    if not policy.can_see(actor, subject, P.THREATS_VIEW):
        raise NotFound()
    rationale = request.rationale.strip()
    if not rationale:
        raise ValidationFailed("Explain the score: the rationale is required.", field="rationale")
    if len(rationale) > 4000:
        raise ValidationFailed("The rationale is longer than 4,000 characters.", field="rationale")
    scale = current_scale()
    rule = current_rule()
    inputs = scoring.ScoreInput(
        harm=dict(request.harm),
        likelihood=request.likelihood,
        confidence=request.confidence,
        organisational_position=request.organisational_position,
        opportunity=request.opportunity,
    )
    try:
        result = scoring.score(inputs, scale)
    except scoring.ScaleError as exc:
        raise ValidationFailed(str(exc), field=exc.field or None) from None
    level = tasking.tasking_level(
        tasking.LevelInput(
            risk=result.risk, scope=request.harm.get("scope", 0), forces_affected=subject.forces_affected.count()
        ),
        rule,
    )
    # Lock the subject's row so two analysts scoring at once get consecutive versions.
    TaskingSubject.objects.select_for_update().filter(pk=subject.pk).first()
    last = subject.assessments.aggregate(v=Max("version"))["v"] or 0
    if scored_from is None or int(scored_from) != last:
        latest = subject.assessments.select_related("scored_by").filter(version=last).first()
        if latest is not None:
            labels = {d.key: d.label for d in scale.dimensions}
            yours: dict[str, Any] = {labels.get(k, k): v for k, v in request.harm.items()}
            yours.update(
                {
                    "Likelihood": request.likelihood,
                    "Organisational position": request.organisational_position,
                    "Opportunity": request.opportunity,
                    "Harm": result.harm,
                    "Risk": result.risk,
                    "Priority": result.priority,
                    "Confidence": dict(Confidence.choices).get(request.confidence, request.confidence),
                    "Proposed level": dict(Level.choices).get(level, level),
                    "Scale version": result.scale_version,
                    "Rationale": rationale,
                    "Scored by": actor.display_name,
                    "Status": "Not saved",
                }
            )
            raise _conflict(
                f"{latest.scored_by.display_name} scored {subject.reference} (version {last}) after you opened "
                "the form, so your score was not recorded. Compare theirs with yours below; nothing has been "
                f"overwritten. Record your score again to add it as version {last + 1}, made knowing theirs.",
                current_version=last,
                rows=_assessment_rows(latest, yours),
            )
        raise _conflict(
            f"Say which version of {subject.reference}'s assessment you scored from (0 for the first).",
            current_version=last,
            rows=[],
        )
    assessment = Assessment.objects.create(
        subject=subject,
        version=last + 1,
        harm_inputs={k: request.harm[k] for k in scale.dimension_keys},
        likelihood=request.likelihood,
        confidence=request.confidence,
        organisational_position=request.organisational_position,
        opportunity=request.opportunity,
        rationale=rationale,
        harm=result.harm,
        risk=result.risk,
        priority_score=result.priority,
        proposed_level=level,
        scale_version=result.scale_version,
        rule_version=rule.version,
        scored_by=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="threats.assessment.create",
        obj=assessment,
        region_id=subject.region_id,
        detail={"subject": subject.pk, "version": assessment.version, "risk": result.risk, "level": level},
    )
    return assessment


@transaction.atomic
def assessment_review(*, actor: Any, assessment: Assessment, approve: bool, comment: str = "") -> Assessment:
    """A second analyst approves (the score becomes current) or returns it with a comment."""
    policy.require(actor, P.THREATS_REVIEW)
    subject = TaskingSubject.objects.select_for_update().get(pk=assessment.subject_id)
    _in_region(actor, subject.region_id)
    current = Assessment.objects.select_for_update(of=("self",)).select_related("reviewed_by").get(pk=assessment.pk)
    if current.status != AssessmentStatus.AWAITING_REVIEW:
        # Someone reviewed it after this reviewer opened it: show their review beside this one.
        reviewer = current.reviewed_by.display_name if current.reviewed_by else ""
        when = f", {timezone.localtime(current.reviewed_at):%d %b %Y %H:%M}" if current.reviewed_at else ""
        raise _conflict(
            f"{reviewer or 'Someone'} reviewed version {current.version} after you opened it: it is now "
            f"{current.get_status_display().lower()}, and your review was not recorded. Nothing has been "
            "overwritten. To change the score, record a new version for review.",
            current_version=current.version,
            rows=[
                ConflictRow(
                    "Review",
                    current.get_status_display(),
                    str(AssessmentStatus.APPROVED.label if approve else AssessmentStatus.RETURNED.label),
                ),
                ConflictRow("Reviewed by", f"{reviewer}{when}", actor.display_name),
                ConflictRow("Comment", current.review_comment, comment.strip()),
            ],
        )
    if current.scored_by_id == actor.pk:
        raise PermissionDenied("Another analyst must review your assessment.")
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationFailed("Say why you are returning it.", field="comment")
    if len(comment) > 2000:
        raise ValidationFailed("The comment is longer than 2,000 characters.", field="comment")
    newer = subject.assessments.filter(version__gt=current.version, status=AssessmentStatus.APPROVED).exists()
    if approve and newer:
        raise Conflict("A later version of this assessment is already approved.")
    current.status = AssessmentStatus.APPROVED if approve else AssessmentStatus.RETURNED
    current.reviewed_by = actor
    current.reviewed_at = timezone.now()
    current.review_comment = comment
    current.save()
    if approve:
        subject.harm = current.harm
        subject.likelihood = current.likelihood
        subject.risk = current.risk
        subject.priority_score = current.priority_score
        subject.confidence = current.confidence
        subject.scale_version = current.scale_version
        subject.assessed_level = current.proposed_level
        subject.assessed_on = timezone.localdate()
        if not subject.decisions.filter(kind=DecisionKind.MOVE_LEVEL).exists():
            subject.level = current.proposed_level
        subject.updated_at = timezone.now()
        subject.save()
        subject_refresh(subject)
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="threats.assessment.approve" if approve else "threats.assessment.return",
        obj=current,
        region_id=subject.region_id,
        detail={"subject": subject.pk, "version": current.version},
    )
    return current


# --- T&CG ------------------------------------------------------------------------------


def _check_members(region_id: int, people: Iterable[User]) -> list[User]:
    people = list(people)
    if any(p.region_id != region_id for p in people):
        raise ValidationFailed("Members must be people of this region.", field="members")
    return people


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    region: Region,
    title: str,
    held_on: dt.date,
    members: Iterable[User] = (),
    changes_since: dt.date | None = None,
) -> Meeting:
    policy.require(actor, P.TASKING_RUN)
    _in_region(actor, region.pk)
    title = title.strip()
    if not title or len(title) > 160:
        raise ValidationFailed("Enter a title of up to 160 characters.", field="title")
    if changes_since is None:
        last = Meeting.objects.filter(region=region, held_on__lt=held_on).order_by("-held_on").first()
        changes_since = last.held_on if last else held_on - dt.timedelta(days=31)
    if changes_since > held_on:
        raise ValidationFailed("The agenda cannot start after the meeting.", field="changes_since")
    people = _check_members(region.pk, members)
    meeting = Meeting.objects.create(
        region=region, title=title, held_on=held_on, chair=actor, changes_since=changes_since, created_by=actor
    )
    meeting.members.set([*people, actor])
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="threats.meeting.create",
        obj=meeting,
        region_id=region.pk,
        detail={"held_on": held_on.isoformat(), "members": sorted({p.pk for p in [*people, actor]})},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, minutes: str | None = None, status: str | None = None) -> Meeting:
    policy.require(actor, P.TASKING_RUN)
    _in_region(actor, meeting.region_id)
    changed = []
    if minutes is not None:
        if len(minutes) > 20000:
            raise ValidationFailed("The minutes are longer than 20,000 characters.", field="minutes")
        if minutes != meeting.minutes:
            meeting.minutes = minutes
            changed.append("minutes")
    if status is not None:
        if status not in MeetingStatus.values:
            raise ValidationFailed("Choose a status.", field="status")
        if status != meeting.status:
            meeting.status = status
            changed.append("status")
    if changed:
        meeting.save()
        audit_record(
            actor=actor,
            category=Category.ALTERATION,
            action="threats.meeting.update",
            obj=meeting,
            region_id=meeting.region_id,
            detail={"fields": changed},
        )
    return meeting


HELD_BY_FOR_LEVEL = {Level.LOCAL: HeldBy.FORCE, Level.REGIONAL: HeldBy.ROCU, Level.NATIONAL: HeldBy.NCA}


@dataclass
class DecisionRequest:
    kind: str
    rationale: str
    owner: User | None
    due_on: dt.date | None
    new_level: str = ""
    capability: str = ""
    lro: User | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def decision_record(*, actor: Any, meeting: Meeting, subject: TaskingSubject, request: DecisionRequest) -> Decision:
    """Record a T&CG decision and apply it to the subject in the same transaction."""
    policy.require(actor, P.TASKING_DECIDE)
    _in_region(actor, meeting.region_id)
    if subject.region_id != meeting.region_id or not policy.can_see(actor, subject, P.THREATS_VIEW):
        raise NotFound("No such threat or OCG in this meeting's region.")
    if request.kind not in DecisionKind.values:
        raise ValidationFailed("Choose a decision.", field="kind")
    rationale = request.rationale.strip()
    if not rationale:
        raise ValidationFailed("Record the rationale for the decision.", field="rationale")
    if len(rationale) > 4000:
        raise ValidationFailed("The rationale is longer than 4,000 characters.", field="rationale")
    if request.owner is None or request.owner.region_id != meeting.region_id or not request.owner.is_active:
        raise ValidationFailed("Name an owner from this region.", field="owner")
    if request.due_on is None:
        raise ValidationFailed("Enter a due date.", field="due_on")
    if request.due_on < meeting.held_on:
        raise ValidationFailed("The due date cannot be before the meeting.", field="due_on")
    subject = TaskingSubject.objects.select_for_update().get(pk=subject.pk)
    new_level, capability = "", ""
    changed: list[str] = []
    if request.kind == DecisionKind.ADOPT:
        if request.lro is not None and (request.lro.region_id != meeting.region_id or not request.lro.is_active):
            raise ValidationFailed("Choose an LRO from this region.", field="lro")
        subject.is_priority = True
        subject.adopted_on = meeting.held_on
        changed += ["is_priority", "adopted_on"]
        if request.lro is not None:
            subject.lro = request.lro
            changed.append("lro")
    elif request.kind == DecisionKind.DECLINE:
        subject.is_priority = False
        subject.adopted_on = None
        changed += ["is_priority", "adopted_on"]
    elif request.kind == DecisionKind.MOVE_LEVEL:
        if request.new_level not in Level.values:
            raise ValidationFailed("Choose the level to move it to.", field="new_level")
        if request.new_level == subject.level and subject.held_by == HELD_BY_FOR_LEVEL[Level(request.new_level)]:
            raise ValidationFailed("It is already at that level and held there.", field="new_level")
        new_level = request.new_level
        subject.level = new_level
        subject.held_by = HELD_BY_FOR_LEVEL[Level(new_level)]
        changed += ["level", "held_by"]
        if subject.held_by == HeldBy.FORCE and subject.holding_force_id is None:
            first = subject.forces_affected.order_by("name").first()
            if first is None:
                raise ValidationFailed("Record a force affected before moving it to a force.", field="new_level")
            subject.holding_force = first
            changed.append("holding_force")
        elif subject.held_by != HeldBy.FORCE:
            subject.holding_force = None
    elif request.kind == DecisionKind.ALLOCATE:
        if request.capability not in UnitType.values:
            raise ValidationFailed("Choose the capability to allocate.", field="capability")
        capability = request.capability
    if changed:
        subject.updated_at = timezone.now()
        subject.save()
        if set(changed) & set(SUBJECT_FIELDS):
            bump_version(subject)  # an edit page opened before the decision is now stale
    decision = Decision.objects.create(
        meeting=meeting,
        subject=subject,
        kind=request.kind,
        rationale=rationale,
        owner=request.owner,
        due_on=request.due_on,
        new_level=new_level,
        capability=capability,
        recorded_by=actor,
    )
    if request.kind in (DecisionKind.REQUIRE_PLAN, DecisionKind.ALLOCATE):
        text = (
            f"Write a 4P plan for {subject.reference}"
            if request.kind == DecisionKind.REQUIRE_PLAN
            else f"Allocate {UnitType(capability).label} to {subject.reference}"
        )
        TaskingAction.objects.create(
            meeting=meeting, decision=decision, description=text, owner=request.owner, due_on=request.due_on
        )
    subject_refresh(subject)
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action=f"threats.decision.{request.kind}",
        obj=decision,
        region_id=meeting.region_id,
        detail={"meeting": meeting.pk, "subject": subject.pk, "fields": changed},
    )
    return decision


@transaction.atomic
def action_create(
    *, actor: Any, meeting: Meeting, description: str, owner: User | None, due_on: dt.date | None
) -> TaskingAction:
    policy.require(actor, P.TASKING_RUN)
    _in_region(actor, meeting.region_id)
    description = description.strip()
    if not description or len(description) > 500:
        raise ValidationFailed("Describe the action in up to 500 characters.", field="description")
    if owner is None or owner.region_id != meeting.region_id:
        raise ValidationFailed("Name an owner from this region.", field="owner")
    if due_on is None:
        raise ValidationFailed("Enter a due date.", field="due_on")
    action = TaskingAction.objects.create(meeting=meeting, description=description, owner=owner, due_on=due_on)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="threats.action.create",
        obj=action,
        region_id=meeting.region_id,
        detail={"meeting": meeting.pk},
    )
    return action


@transaction.atomic
def action_set_status(*, actor: Any, action: TaskingAction, status: str) -> TaskingAction:
    """The action's owner or the T&CG chair's role may move an action on."""
    if action.owner_id != actor.pk:
        policy.require(actor, P.TASKING_RUN)
    _in_region(actor, action.meeting.region_id)
    if status not in ActionStatus.values:
        raise ValidationFailed("Choose a status.", field="status")
    if status == action.status:
        return action
    before = action.status
    action.status = status
    action.updated_at = timezone.now()
    action.save()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="threats.action.status",
        obj=action,
        region_id=action.meeting.region_id,
        detail={"from": before, "to": status},
    )
    return action


# --- Bulk import ------------------------------------------------------------------------

IMPORT_COLUMNS = ("name", "threat_type", "area", "forces", "classification", "held_by", "holding_force", "description")
REQUIRED_COLUMNS = ("name", "threat_type")
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 2_000_000


@dataclass
class ImportRow:
    line: int
    fields: dict[str, Any]
    forces: list[Force]
    errors: list[str]


@dataclass
class ImportReport:
    rows: list[ImportRow]
    imported: list[str] = field(default_factory=list)

    @property
    def valid(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors]

    @property
    def invalid(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]


def _decode(content: bytes) -> str:
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationFailed("The file is larger than 2 MB; split it.", field="file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"The file is not UTF-8 text (bad byte at position {exc.start}); save it as CSV UTF-8.", field="file"
        ) from None


def _lookup_forces(region: Region) -> dict[str, Force]:
    found: dict[str, Force] = {}
    for force in Force.objects.filter(region=region):
        found[force.code.lower()] = force
        found[force.name.lower()] = force
    return found


def threats_import_check(*, actor: Any, region: Region, content: bytes) -> ImportReport:
    """Parse and validate every row, writing nothing; the report names each bad row and field."""
    policy.require(actor, P.THREATS_MANAGE)
    _in_region(actor, region.pk)
    text = _decode(content)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not valid CSV: {exc}.", field="file") from None
    if not header:
        raise ValidationFailed("The file is empty.", field="file")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown)}")
        raise ValidationFailed(
            f"Wrong columns — {'; '.join(parts)}. Expected: {', '.join(IMPORT_COLUMNS)}.", field="file"
        )
    reader.fieldnames = header
    forces = _lookup_forces(region)
    scope = policy.scope_for(actor)
    rows: list[ImportRow] = []
    try:
        for line, raw in enumerate(reader, start=2):
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ValidationFailed(f"The file has more than {MAX_IMPORT_ROWS} rows; split it.", field="file")
            rows.append(_check_row(line, raw, forces, scope))
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not valid CSV near line {reader.line_num}: {exc}.", field="file") from None
    if not rows:
        raise ValidationFailed("The file has a header but no rows.", field="file")
    return ImportReport(rows=rows)


def _check_row(line: int, raw: dict[str, Any], forces: dict[str, Force], scope: policy.Scope) -> ImportRow:
    if None in raw:
        return ImportRow(line, {}, [], ["more cells than columns"])
    cell = {k: (v or "").strip() for k, v in raw.items()}
    errors: list[str] = []
    name = cell.get("name", "")
    if not name:
        errors.append("name: enter a name")
    elif len(name) > 200:
        errors.append("name: longer than 200 characters")
    threat_type = cell.get("threat_type", "")
    if threat_type not in ThreatType.values:
        errors.append(f"threat_type: {threat_type!r} is not one of {', '.join(ThreatType.values)}")
    classification = cell.get("classification") or Classification.OFFICIAL_SENSITIVE
    if classification not in Classification.values:
        errors.append(f"classification: {classification!r} is not one of {', '.join(Classification.values)}")
    elif classification not in scope.classifications:
        errors.append("classification: your vetting does not reach it")
    held_by = cell.get("held_by") or HeldBy.ROCU
    if held_by not in HeldBy.values:
        errors.append(f"held_by: {held_by!r} is not one of {', '.join(HeldBy.values)}")
    affected = []
    for token in filter(None, (t.strip().lower() for t in cell.get("forces", "").split(";"))):
        if token in forces:
            affected.append(forces[token])
        else:
            errors.append(f"forces: {token!r} is not a force of this region")
    holding = None
    if held_by == HeldBy.FORCE:
        key = cell.get("holding_force", "").lower()
        holding = forces.get(key)
        if holding is None:
            errors.append("holding_force: name the region's force that holds it")
    if len(cell.get("area", "")) > 120:
        errors.append("area: longer than 120 characters")
    if len(cell.get("description", "")) > 4000:
        errors.append("description: longer than 4,000 characters")
    fields = {
        "name": name,
        "threat_type": threat_type,
        "area": cell.get("area", ""),
        "description": cell.get("description", ""),
        "classification": classification,
        "held_by": held_by,
        "holding_force": holding,
    }
    return ImportRow(line, fields, list(dict.fromkeys(affected)), errors)


@transaction.atomic
def threats_import(*, actor: Any, region: Region, content: bytes, import_valid_rows: bool = False) -> ImportReport:
    """Import every row, or none: a file with errors imports nothing unless the user
    chooses to import just its valid rows."""
    report = threats_import_check(actor=actor, region=region, content=content)
    if report.invalid and not import_valid_rows:
        return report
    for row in report.valid:
        threat = threat_create(actor=actor, region=region, forces_affected=row.forces, **row.fields)
        report.imported.append(threat.reference)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="threats.threat.import",
        object_type="threats.threat",
        region_id=region.pk,
        detail={"imported": len(report.imported), "skipped_rows": [r.line for r in report.invalid]},
    )
    return report
