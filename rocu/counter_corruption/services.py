"""Counter-corruption writes: declarations, alert triage, casework, the senior grant.

Triage (assign, close, reopen, escalate) moves an alert's `row_version` on, so a client
working from a stale copy gets a conflict showing both versions, not a silent overwrite.

Every write is audited in its own transaction. Nobody may act on an alert or case
about themselves: the selectors hide them, and the services refuse them as missing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.concurrency import ConflictRow, EditConflict
from rocu.core.errors import Conflict, NotFound, ValidationFailed
from rocu.core.policy import Role
from rocu.counter_corruption import selectors
from rocu.counter_corruption.models import (
    OPEN_ALERT_STATUSES,
    Alert,
    AlertOutcome,
    AlertStatus,
    Case,
    CaseNote,
    CaseOutcome,
    CaseStatus,
    CorruptionCategory,
    Declaration,
    DeclarationKind,
    SeniorGrant,
)
from rocu.counter_corruption.permissions import CC_CASEWORK, DECLARE

DECLARATION_FIELDS = ("first_name", "surname", "organisation", "address", "postcode", "relationship", "details")


@transaction.atomic
def declaration_create(*, actor: Any, kind: str, **fields: Any) -> Declaration:
    policy.require(actor, DECLARE)
    unknown = set(fields) - set(DECLARATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if kind not in DeclarationKind.values:
        raise ValidationFailed("Choose what you are declaring.", field="kind")
    clean = {k: str(fields.get(k) or "").strip() for k in DECLARATION_FIELDS}
    clean["postcode"] = clean["postcode"].upper()
    if kind == DeclarationKind.ASSOCIATION_PERSON and not clean["surname"]:
        raise ValidationFailed("Give the person's surname.", field="surname")
    if kind == DeclarationKind.ASSOCIATION_ADDRESS and not (clean["address"] or clean["postcode"]):
        raise ValidationFailed("Give the address or its postcode.", field="address")
    if (
        kind in (DeclarationKind.ASSOCIATION_ORGANISATION, DeclarationKind.BUSINESS_INTEREST)
        and not clean["organisation"]
    ):
        raise ValidationFailed("Give the name of the business or organisation.", field="organisation")
    if actor.region_id is None:
        raise ValidationFailed("You have no home region to declare in; ask your ROCU head.")
    for name, limit in (("first_name", 100), ("surname", 100), ("organisation", 160), ("address", 200)):
        if len(clean[name]) > limit:
            raise ValidationFailed(f"Keep this under {limit} characters.", field=name)
    if len(clean["postcode"]) > 10:
        raise ValidationFailed("That is not a postcode.", field="postcode")
    if len(clean["relationship"]) > 120 or len(clean["details"]) > 2000:
        raise ValidationFailed("That is too long.", field="details")
    declaration = Declaration.objects.create(declarant=actor, region_id=actor.region_id, kind=kind, **clean)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="counter_corruption.declaration.create",
        obj=declaration,
        detail={"kind": kind},
    )
    return declaration


@transaction.atomic
def declaration_withdraw(*, actor: Any, declaration: Declaration) -> Declaration:
    """Only the declarant withdraws; the declaration stays on the register, marked withdrawn."""
    if declaration.declarant_id != actor.pk:
        raise NotFound()
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.withdrawn_at is not None:
        raise Conflict("This declaration has already been withdrawn.")
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor, category=Category.ALTERATION, action="counter_corruption.declaration.withdraw", obj=locked
    )
    return locked


def _team_member(actor: Any, username_or_user: Any) -> User | None:
    if username_or_user in (None, ""):
        return None
    user = username_or_user
    if not isinstance(user, User):
        user = User.objects.filter(username=str(username_or_user), region_id=actor.region_id).first()
    if user is None or user.region_id != actor.region_id or not policy.has_perm(user, CC_CASEWORK):
        raise ValidationFailed("Assign to a member of the region's counter-corruption team.", field="assigned_to")
    return user


def _triage_view(alert: Alert) -> dict[str, str]:
    """The triage fields as a person reads them, for showing two versions side by side."""
    return {
        "Status": alert.get_status_display(),
        "Assigned to": alert.assigned_to.username if alert.assigned_to_id and alert.assigned_to else "",
        "Category": alert.get_category_display() if alert.category else "",
        "Outcome": alert.get_outcome_display() if alert.outcome else "",
        "Triage note": alert.triage_note,
    }


def _alert_for_update(
    actor: Any, alert: Alert, expected_version: int | None = None, attempted: dict[str, str] | None = None
) -> Alert:
    """The alert, locked; refused as missing if the actor may not work on it.

    `expected_version` is the alert's `row_version` as the caller saw it (the API
    requires it; the pages rely on the status checks). A stale one is an EditConflict
    showing the alert as saved beside what the caller tried (`attempted`, by label),
    and nothing is written.
    """
    policy.require(actor, CC_CASEWORK)
    locked = policy.get_visible(
        actor, selectors.alerts_visible(user=actor).select_for_update(of=("self",)), CC_CASEWORK, pk=alert.pk
    )
    if expected_version is not None and int(expected_version) != locked.row_version:
        theirs = _triage_view(locked)
        yours = {**theirs, **(attempted or {})}
        raise EditConflict(
            current_version=locked.row_version,
            rows=[ConflictRow(label, theirs[label], yours[label]) for label in theirs],
            what=f"alert {locked.pk}",
        )
    return locked


def _still_open(alert: Alert) -> None:
    if alert.status not in OPEN_ALERT_STATUSES:
        raise Conflict(f"This alert has already been dealt with ({alert.get_status_display().lower()}).")


def _save_triage(alert: Alert, fields: list[str]) -> None:
    alert.updated_at = timezone.now()
    alert.row_version += 1
    alert.save(update_fields=[*fields, "updated_at", "row_version"])


@transaction.atomic
def alert_assign(*, actor: Any, alert: Alert, assignee: Any, expected_version: int | None = None) -> Alert:
    attempted = {"Status": AlertStatus.ASSIGNED.label, "Assigned to": str(getattr(assignee, "username", assignee))}
    locked = _alert_for_update(actor, alert, expected_version, attempted)
    _still_open(locked)
    member = _team_member(actor, assignee)
    if member is None:
        raise ValidationFailed("Choose who should look at it.", field="assigned_to")
    if member.pk == locked.subject_id:
        raise ValidationFailed("Nobody may look into an alert about themselves.", field="assigned_to")
    locked.assigned_to = member
    locked.status = AlertStatus.ASSIGNED
    _save_triage(locked, ["assigned_to", "status"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="counter_corruption.alert.assign",
        obj=locked,
        detail={"assigned_to": member.pk},
    )
    return locked


@transaction.atomic
def alert_close(
    *,
    actor: Any,
    alert: Alert,
    category: str,
    outcome: str,
    note: str,
    expected_version: int | None = None,
) -> Alert:
    """Close an alert without a case: the corruption category it was judged under, what was done, why."""
    attempted = {
        "Status": AlertStatus.CLOSED.label,
        "Category": str(dict(CorruptionCategory.choices).get(category, category)),
        "Outcome": str(dict(AlertOutcome.choices).get(outcome, outcome)),
        "Triage note": str(note or "").strip(),
    }
    locked = _alert_for_update(actor, alert, expected_version, attempted)
    _still_open(locked)
    if category not in CorruptionCategory.values:
        raise ValidationFailed("Choose the category of corruption intelligence.", field="category")
    if outcome not in AlertOutcome.values:
        raise ValidationFailed("Choose the outcome.", field="outcome")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Say why the alert can be closed.", field="note")
    if len(note) > 500:
        raise ValidationFailed("Keep the note under 500 characters.", field="note")
    locked.status = AlertStatus.CLOSED
    locked.category = category
    locked.outcome = outcome
    locked.triage_note = note
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    _save_triage(locked, ["status", "category", "outcome", "triage_note", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="counter_corruption.alert.close",
        obj=locked,
        detail={"category": category, "outcome": outcome},
    )
    return locked


@transaction.atomic
def alert_reopen(*, actor: Any, alert: Alert, note: str, expected_version: int | None = None) -> Alert:
    """Take a closed alert back into triage (an alert escalated to a case stays with the case)."""
    attempted = {"Status": "Reopened", "Category": "", "Outcome": "", "Triage note": str(note or "").strip()}
    locked = _alert_for_update(actor, alert, expected_version, attempted)
    if locked.status != AlertStatus.CLOSED:
        raise Conflict("Only a closed alert can be reopened.")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Say why the alert is being reopened.", field="note")
    if len(note) > 500:
        raise ValidationFailed("Keep the note under 500 characters.", field="note")
    before = {"category": locked.category, "outcome": locked.outcome}
    locked.status = AlertStatus.ASSIGNED if locked.assigned_to_id else AlertStatus.NEW
    locked.category = locked.outcome = ""
    locked.triage_note = note
    locked.closed_at = None
    locked.closed_by = None
    _save_triage(locked, ["status", "category", "outcome", "triage_note", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="counter_corruption.alert.reopen",
        obj=locked,
        detail={"was": before},
    )
    return locked


@transaction.atomic
def case_open(*, actor: Any, alert: Alert, title: str, note: str = "", expected_version: int | None = None) -> Case:
    """Escalate an alert into a case about the same person (or join their open case)."""
    attempted = {"Status": AlertStatus.ESCALATED.label}
    locked = _alert_for_update(actor, alert, expected_version, attempted)
    _still_open(locked)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("Give the case a title.", field="title")
    case = (
        Case.objects.filter(subject_id=locked.subject_id, region=locked.region)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )
    if case is None:
        case = Case.objects.create(
            reference="",
            region_id=locked.region_id,
            subject_id=locked.subject_id,
            title=title[:200],
            opened_by=actor,
            assigned_to=locked.assigned_to or actor,
        )
        case.reference = f"CC-{case.pk:05d}"
        case.save(update_fields=["reference"])
        audit_record(actor=actor, category=Category.COLLECTION, action="counter_corruption.case.open", obj=case)
    if note.strip():
        CaseNote.objects.create(case=case, author=actor, text=note.strip()[:4000])
    locked.case = case
    locked.status = AlertStatus.ESCALATED
    _save_triage(locked, ["case", "status"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="counter_corruption.alert.escalate",
        obj=locked,
        detail={"case": case.pk},
    )
    return case


def _case_for_update(actor: Any, case: Case) -> Case:
    policy.require(actor, CC_CASEWORK)
    locked = policy.get_visible(
        actor, selectors.cases_visible(user=actor).select_for_update(of=("self",)), CC_CASEWORK, pk=case.pk
    )
    if locked.status == CaseStatus.CLOSED:
        raise Conflict("This case is closed.")
    return locked


@transaction.atomic
def case_add_note(*, actor: Any, case: Case, text: str) -> CaseNote:
    locked = _case_for_update(actor, case)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Write the note.", field="text")
    if len(text) > 4000:
        raise ValidationFailed("Keep a note under 4,000 characters.", field="text")
    note = CaseNote.objects.create(case=locked, author=actor, text=text)
    if locked.status == CaseStatus.OPEN:
        locked.status = CaseStatus.INVESTIGATING
        locked.save(update_fields=["status"])
    audit_record(actor=actor, category=Category.ALTERATION, action="counter_corruption.case.note", obj=locked)
    return note


@transaction.atomic
def case_assign(*, actor: Any, case: Case, assignee: Any) -> Case:
    locked = _case_for_update(actor, case)
    member = _team_member(actor, assignee)
    if member is None:
        raise ValidationFailed("Choose who should investigate.", field="assigned_to")
    if member.pk == locked.subject_id:
        raise ValidationFailed("Nobody may investigate themselves.", field="assigned_to")
    locked.assigned_to = member
    locked.save(update_fields=["assigned_to"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="counter_corruption.case.assign",
        obj=locked,
        detail={"assigned_to": member.pk},
    )
    return locked


@transaction.atomic
def case_close(*, actor: Any, case: Case, category: str, outcome: str, summary: str) -> Case:
    locked = _case_for_update(actor, case)
    if category not in CorruptionCategory.values:
        raise ValidationFailed("Choose the category of corruption intelligence.", field="category")
    if outcome not in CaseOutcome.values:
        raise ValidationFailed("Choose the outcome.", field="outcome")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationFailed("Summarise what was found.", field="summary")
    locked.category = category
    locked.outcome = outcome
    locked.closing_summary = summary[:4000]
    locked.status = CaseStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="counter_corruption.case.close",
        obj=locked,
        detail={"category": category, "outcome": outcome},
    )
    return locked


@transaction.atomic
def senior_grant(*, actor: Any, user: User, grant: bool = True) -> None:
    """A ROCU head (or the CLI, actor None) makes a counter-corruption investigator senior."""
    if actor is not None and Role.ROCU_HEAD not in policy.roles_of(actor):
        raise ValidationFailed("Only a ROCU head gives or withdraws the senior counter-corruption role.")
    if grant and Role.AUDITOR not in policy.roles_of(user):
        raise ValidationFailed("Only a counter-corruption investigator (auditor role) can be made senior.")
    if grant:
        SeniorGrant.objects.get_or_create(user=user, defaults={"granted_by": actor})
    else:
        SeniorGrant.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        actor_username="" if actor else "cli",
        category=Category.ALTERATION,
        action="counter_corruption.senior.grant" if grant else "counter_corruption.senior.withdraw",
        obj=user,
        region_id=user.region_id,
    )
