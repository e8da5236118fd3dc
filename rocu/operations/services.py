"""Every write to operations and plans: validated, audited, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from rocu.accounts.models import Accreditation, AccreditationKind, GroupMembership, NeedToKnowGroup, User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.concurrency import save_if_unchanged
from rocu.core.errors import NotFound, PermissionDenied, ValidationFailed
from rocu.core.policy import Role
from rocu.engines import grading
from rocu.operations import permissions as p
from rocu.operations import selectors
from rocu.operations.models import (
    ActionStatus,
    DecisionEntry,
    JointReview,
    Operation,
    OperationAction,
    OperationStatus,
    Plan,
    PlanAction,
    PlanObjective,
    PlanStatus,
    StatusChange,
    TeamMember,
)
from rocu.operations.templates_data import PLAN_TEMPLATES
from rocu.threats.services import subject_refresh

TRANSITIONS: dict[str, set[str]] = {
    OperationStatus.SCOPING: {OperationStatus.LIVE, OperationStatus.CLOSED},
    OperationStatus.LIVE: {OperationStatus.SUSPENDED, OperationStatus.CLOSED},
    OperationStatus.SUSPENDED: {OperationStatus.LIVE, OperationStatus.CLOSED},
    OperationStatus.CLOSED: set(),
}


def _next_reference(model: Any, prefix: str) -> str:
    last = model.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True)
    n = int(last[0][len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def _check_sio(sio: User, today: dt.date | None = None) -> None:
    acc = Accreditation.objects.filter(user=sio, kind=AccreditationKind.PIP3).first()
    if acc is None or not acc.in_date(today):
        raise ValidationFailed(
            f"{sio.display_name} does not hold an in-date PIP3 accreditation, which an SIO must.", field="sio"
        )


def _require_work(actor: Any, operation: Operation) -> None:
    selectors.operation_get(user=actor, pk=operation.pk)  # 404 when not visible
    if not selectors.may_work_on(actor, operation):
        raise PermissionDenied("Only the team, the plan's LRO and the ROCU head may add to this operation.")


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationFailed("The date cannot be in the future.", field=field)


def _add_member(operation: Operation, user: User, role: str, actor: Any) -> None:
    TeamMember.objects.get_or_create(operation=operation, user=user, defaults={"role": role})
    GroupMembership.objects.get_or_create(group=operation.need_to_know_group, user=user, defaults={"added_by": actor})


@transaction.atomic
def operation_open(
    *,
    actor: Any,
    code_name: str,
    sio: User,
    force: Any,
    summary: str = "",
    threat: Any = None,
    ocg: Any = None,
    plan: Plan | None = None,
    classification: str = "",
    team: Iterable[User] = (),
    referrals: Iterable[Any] = (),
    need_to_know_group: NeedToKnowGroup | None = None,
    opened_on: dt.date | None = None,
) -> Operation:
    policy.require(actor, p.OPERATIONS_OPEN)
    code_name = (code_name or "").strip()
    if not code_name:
        raise ValidationFailed("Give the operation a code name.", field="code_name")
    region = actor.region
    if region is None:
        raise PermissionDenied("You have no home region.")
    if Operation.objects.filter(region=region, code_name__iexact=code_name).exists():
        raise ValidationFailed("An operation with that code name already exists in this region.", field="code_name")
    _check_sio(sio)
    if sio.region_id != region.pk:
        raise ValidationFailed("The SIO must belong to this ROCU.", field="sio")
    if force.region_id != region.pk:
        raise ValidationFailed("Choose one of this region's forces.", field="force")
    for subject in (threat, ocg):
        if subject is not None and subject.region_id != region.pk:
            raise ValidationFailed("Link a threat or OCG of this region.", field="threat")
    if plan is not None and plan.region_id != region.pk:
        raise ValidationFailed("Link a plan of this region.", field="plan")
    opened_on = opened_on or timezone.localdate()
    _not_future(opened_on, "opened_on")
    group = need_to_know_group or NeedToKnowGroup.objects.create(
        region=region, name=f"{code_name} team"[:120], purpose=f"Team of {code_name}: members only."
    )
    op = Operation.objects.create(
        region=region,
        reference=_next_reference(Operation, "OP-"),
        code_name=code_name,
        summary=summary,
        sio=sio,
        force=force,
        threat=threat,
        ocg=ocg,
        plan=plan,
        classification=classification or Operation._meta.get_field("classification").default,
        need_to_know_group=group,
        opened_on=opened_on,
        created_by=actor,
    )
    StatusChange.objects.create(
        operation=op, from_status="", to_status=OperationStatus.SCOPING, changed_by=actor, changed_on=opened_on
    )
    _add_member(op, sio, "SIO", actor)
    for member in team:
        if member.pk != sio.pk:
            _add_member(op, member, "Investigator", actor)
    refs = list(referrals)
    if refs:
        op.referrals.add(*refs)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.operation.open",
        obj=op,
        region_id=region.pk,
        detail={"reference": op.reference, "team": op.team.count(), "referrals": len(refs)},
    )
    return op


def operation_open_from_referral(
    *, actor: Any, referral: Any, sio: User, code_name: str, force: Any = None
) -> Operation:
    """What "adopt by the ROCU" calls: an operation linked to the adopted referral, so
    the referral funnel's investigated and outcome stages count real records."""
    from rocu.referrals.models import TriageDecision

    if referral.decision != TriageDecision.ADOPT:
        raise ValidationFailed("Only a referral adopted by the ROCU opens an operation.", field="referral")
    if referral.region_id != getattr(actor, "region_id", None):
        raise ValidationFailed("Adopt a referral of your own ROCU.", field="referral")
    return operation_open(
        actor=actor,
        code_name=code_name,
        sio=sio,
        force=force or referral.disseminated_to or sio.force,
        summary=f"Opened from referral {referral.reference}.",
        referrals=[referral],
    )


@transaction.atomic
def team_member_add(*, actor: Any, operation: Operation, user: User, role: str = "Investigator") -> TeamMember:
    _require_work(actor, operation)
    if user.region_id != operation.region_id:
        raise ValidationFailed("Team members must belong to this ROCU.", field="user")
    if TeamMember.objects.filter(operation=operation, user=user).exists():
        raise ValidationFailed("That person is already on the team.", field="user")
    _add_member(operation, user, role, actor)
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.team.add",
        obj=operation,
        region_id=operation.region_id,
        detail={"user_id": user.pk, "group_id": operation.need_to_know_group_id},
    )
    return TeamMember.objects.get(operation=operation, user=user)


@transaction.atomic
def team_member_remove(*, actor: Any, operation: Operation, user: User) -> None:
    _require_work(actor, operation)
    if user.pk == operation.sio_id:
        raise ValidationFailed("The SIO cannot leave the team; appoint another SIO first.", field="user")
    deleted, _ = TeamMember.objects.filter(operation=operation, user=user).delete()
    if not deleted:
        raise ValidationFailed("That person is not on the team.", field="user")
    GroupMembership.objects.filter(group=operation.need_to_know_group, user=user).delete()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.team.remove",
        obj=operation,
        region_id=operation.region_id,
        detail={"user_id": user.pk, "group_id": operation.need_to_know_group_id},
    )


@transaction.atomic
def operation_status_change(
    *, actor: Any, operation: Operation, to_status: str, reason: str = "", on: dt.date | None = None
) -> Operation:
    _require_work(actor, operation)
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if to_status not in TRANSITIONS.get(operation.status, set()):
        raise ValidationFailed(
            f"An operation that is {operation.get_status_display().lower()} cannot become {to_status}.",
            field="to_status",
        )
    if to_status in (OperationStatus.SUSPENDED, OperationStatus.CLOSED) and not reason.strip():
        raise ValidationFailed("Say why the operation is suspended or closed.", field="reason")
    on = on or timezone.localdate()
    _not_future(on, "on")
    StatusChange.objects.create(
        operation=operation,
        from_status=operation.status,
        to_status=to_status,
        reason=reason.strip(),
        changed_by=actor,
        changed_on=on,
    )
    previous = operation.status
    operation.status = to_status
    if to_status == OperationStatus.LIVE:
        operation.live_since = on
    operation.save(update_fields=["status", "live_since"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.operation.status",
        obj=operation,
        region_id=operation.region_id,
        detail={"from": previous, "to": to_status},
    )
    return operation


@transaction.atomic
def decision_record(
    *, actor: Any, operation: Operation, decision: str, rationale: str, corrects: DecisionEntry | None = None
) -> DecisionEntry:
    """Append to the decision log; a correction points back to the entry it corrects."""
    selectors.operation_get(user=actor, pk=operation.pk)
    is_head = Role.ROCU_HEAD in policy.roles_of(actor) and policy.has_perm(actor, p.OPERATIONS_OPEN)
    if actor.pk != operation.sio_id and not is_head:
        raise PermissionDenied("Only the SIO records decisions in the decision log.")
    if not (decision or "").strip():
        raise ValidationFailed("Record the decision.", field="decision")
    if not (rationale or "").strip():
        raise ValidationFailed("Every decision needs its rationale.", field="rationale")
    if corrects is not None and corrects.operation_id != operation.pk:
        raise ValidationFailed("A correction must point to an entry of this operation's log.", field="corrects")
    Operation.objects.select_for_update().filter(pk=operation.pk).first()
    number = (DecisionEntry.objects.filter(operation=operation).aggregate(n=Max("number"))["n"] or 0) + 1
    entry = DecisionEntry(
        operation=operation,
        number=number,
        decision=decision.strip(),
        rationale=rationale.strip(),
        decided_by=actor,
        corrects=corrects,
    )
    entry.save()
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.decision.record",
        obj=entry,
        region_id=operation.region_id,
        detail={"operation_id": operation.pk, "number": number, "corrects": corrects.number if corrects else None},
    )
    return entry


@transaction.atomic
def operation_action_add(
    *, actor: Any, operation: Operation, description: str, owner: User, due_on: dt.date
) -> OperationAction:
    _require_work(actor, operation)
    if not (description or "").strip():
        raise ValidationFailed("Describe the action.", field="description")
    if not TeamMember.objects.filter(operation=operation, user=owner).exists():
        raise ValidationFailed("The owner must be on the team.", field="owner")
    action = OperationAction.objects.create(
        operation=operation, description=description.strip(), owner=owner, due_on=due_on
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.action.add",
        obj=action,
        region_id=operation.region_id,
        detail={"operation_id": operation.pk},
    )
    return action


@transaction.atomic
def operation_action_set_status(*, actor: Any, action: OperationAction, status: str) -> OperationAction:
    _require_work(actor, action.operation)
    _check_action_status(status)
    previous = action.status
    action.status = status
    action.save(update_fields=["status"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.action.status",
        obj=action,
        region_id=action.operation.region_id,
        detail={"operation_id": action.operation_id, "from": previous, "to": status},
    )
    return action


# --- plans ----------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    subject: Any,
    lro: User,
    title: str,
    partners: str = "",
    template: str = "",
    next_review_on: dt.date | None = None,
) -> Plan:
    policy.require(actor, p.PLANS_MANAGE)
    region = actor.region
    if subject.region_id != getattr(region, "pk", None):
        raise ValidationFailed("Choose a priority of this region.", field="subject")
    if not subject.is_priority:
        raise ValidationFailed("A 4P plan is written against a priority adopted by tasking.", field="subject")
    if Role.LRO not in policy.roles_of(lro) or lro.region_id != subject.region_id:
        raise ValidationFailed("The LRO must hold the LRO role in this ROCU.", field="lro")
    if not (title or "").strip():
        raise ValidationFailed("Give the plan a title.", field="title")
    if template and template not in PLAN_TEMPLATES:
        raise ValidationFailed("Unknown plan template.", field="template")
    plan = Plan.objects.create(
        region=subject.region,
        reference=_next_reference(Plan, "PLAN-"),
        title=title.strip(),
        subject=subject,
        lro=lro,
        partners=partners.strip(),
        template=template,
        next_review_on=next_review_on,
        created_by=actor,
    )
    if template:
        for code, (objectives, actions) in PLAN_TEMPLATES[template][1].items():
            objective = None
            for text in objectives:
                objective = PlanObjective.objects.create(plan=plan, p=code, text=text)
            for text in actions:
                # Due by the plan's first review, where one is set, so nothing starts undated.
                PlanAction.objects.create(
                    plan=plan,
                    p=code,
                    description=text,
                    objective=objective,
                    owner=lro.display_name,
                    due_on=next_review_on,
                )
    subject_refresh(subject)  # the priority has a plan now: its "no 4P plan" flag goes
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.plan.create",
        obj=plan,
        region_id=plan.region_id,
        detail={"reference": plan.reference, "template": template, "subject_id": subject.pk},
    )
    return plan


def _require_plan_owner(actor: Any, plan: Plan) -> None:
    selectors.plan_get(user=actor, pk=plan.pk)
    if plan.lro_id != actor.pk and not (
        Role.ROCU_HEAD in policy.roles_of(actor) and policy.has_perm(actor, p.PLANS_MANAGE)
    ):
        raise PermissionDenied("Only the plan's LRO and the ROCU head change the plan.")


@transaction.atomic
def plan_objective_add(*, actor: Any, plan: Plan, p_code: str, text: str) -> PlanObjective:
    _require_plan_owner(actor, plan)
    _check_p(p_code)
    if not (text or "").strip():
        raise ValidationFailed("Write the objective.", field="text")
    obj = PlanObjective.objects.create(plan=plan, p=p_code, text=text.strip())
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.plan.objective.add",
        obj=obj,
        region_id=plan.region_id,
        detail={"plan_id": plan.pk, "p": p_code},
    )
    return obj


def _check_p(p_code: str) -> None:
    if p_code not in grading.PS:
        raise ValidationFailed("Choose one of the 4Ps.", field="p")


def _check_objective(plan: Plan, objective: PlanObjective | None, p_code: str) -> None:
    if objective is None:
        return
    if objective.plan_id != plan.pk:
        raise ValidationFailed("Choose an objective of this plan.", field="objective")
    if objective.p != p_code:
        raise ValidationFailed("The objective must be under the same P as the action.", field="objective")


def _check_action_status(status: str) -> None:
    if status not in ActionStatus.values:
        raise ValidationFailed("Choose open, done or cancelled.", field="status")


@transaction.atomic
def plan_action_add(
    *,
    actor: Any,
    plan: Plan,
    p_code: str,
    description: str,
    owner: str = "",
    due_on: dt.date | None = None,
    objective: PlanObjective | None = None,
) -> PlanAction:
    _require_plan_owner(actor, plan)
    _check_p(p_code)
    if not (description or "").strip():
        raise ValidationFailed("Describe the action.", field="description")
    _check_objective(plan, objective, p_code)
    action = PlanAction.objects.create(
        plan=plan,
        p=p_code,
        description=description.strip(),
        owner=(owner or "").strip(),
        due_on=due_on,
        objective=objective,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.plan.action.add",
        obj=action,
        region_id=plan.region_id,
        detail={"plan_id": plan.pk, "p": p_code},
    )
    return action


PLAN_FIELDS = ("title", "lro", "partners", "status", "next_review_on")


@transaction.atomic
def plan_update(*, actor: Any, plan: Plan, expected_version: int | None, **changes: Any) -> Plan:
    """Change a plan's own fields, only if nobody has saved it since `expected_version` was read."""
    _require_plan_owner(actor, plan)
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationFailed(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            raise ValidationFailed("Give the plan a title.", field="title")
    if "partners" in changes:
        changes["partners"] = (changes["partners"] or "").strip()
    if "status" in changes and changes["status"] not in PlanStatus.values:
        raise ValidationFailed("Choose draft, active or closed.", field="status")
    lro = changes.get("lro", plan.lro)
    if lro is None or Role.LRO not in policy.roles_of(lro) or lro.region_id != plan.region_id:
        raise ValidationFailed("The LRO must hold the LRO role in this ROCU.", field="lro")
    changed = sorted(name for name, value in changes.items() if getattr(plan, name) != value)
    for name, value in changes.items():
        setattr(plan, name, value)
    save_if_unchanged(plan, expected_version=expected_version, fields=PLAN_FIELDS, what=f"plan {plan.reference}")
    if "status" in changed:
        subject_refresh(plan.subject)  # a closed plan may leave the priority without one
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.plan.update",
        obj=plan,
        region_id=plan.region_id,
        detail={"fields": changed, "row_version": plan.row_version},
    )
    return plan


@transaction.atomic
def plan_objective_update(
    *, actor: Any, objective: PlanObjective, expected_version: int | None, p_code: str, text: str
) -> PlanObjective:
    plan = objective.plan
    _require_plan_owner(actor, plan)
    _check_p(p_code)
    if not (text or "").strip():
        raise ValidationFailed("Write the objective.", field="text")
    if p_code != objective.p and objective.actions.exists():
        raise ValidationFailed("Move or detach this objective's actions before moving it to another P.", field="p")
    objective.p, objective.text = p_code, text.strip()
    save_if_unchanged(objective, expected_version=expected_version, fields=("p", "text"), what="this objective")
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.plan.objective.update",
        obj=objective,
        region_id=plan.region_id,
        detail={"plan_id": plan.pk, "p": p_code, "row_version": objective.row_version},
    )
    return objective


PLAN_ACTION_FIELDS = ("p", "objective", "description", "owner", "due_on", "status")


@transaction.atomic
def plan_action_update(
    *,
    actor: Any,
    action: PlanAction,
    expected_version: int | None,
    p_code: str,
    description: str,
    owner: str = "",
    due_on: dt.date | None = None,
    status: str = ActionStatus.OPEN,
    objective: PlanObjective | None = None,
) -> PlanAction:
    plan = action.plan
    _require_plan_owner(actor, plan)
    _check_p(p_code)
    if not (description or "").strip():
        raise ValidationFailed("Describe the action.", field="description")
    _check_objective(plan, objective, p_code)
    _check_action_status(status)
    action.p, action.objective = p_code, objective
    action.description, action.owner = description.strip(), (owner or "").strip()
    action.due_on, action.status = due_on, status
    save_if_unchanged(action, expected_version=expected_version, fields=PLAN_ACTION_FIELDS, what="this action")
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.plan.action.update",
        obj=action,
        region_id=plan.region_id,
        detail={"plan_id": plan.pk, "p": p_code, "status": status, "row_version": action.row_version},
    )
    return action


@transaction.atomic
def plan_action_set_status(*, actor: Any, action: PlanAction, status: str) -> PlanAction:
    """Mark a plan action open, done or cancelled; an edit page opened before is then stale."""
    plan = action.plan
    _require_plan_owner(actor, plan)
    _check_action_status(status)
    previous = PlanAction.objects.select_for_update().values_list("status", flat=True).get(pk=action.pk)
    PlanAction.objects.filter(pk=action.pk).update(status=status, row_version=F("row_version") + 1)
    action.refresh_from_db(fields=["status", "row_version"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.plan.action.status",
        obj=action,
        region_id=plan.region_id,
        detail={"plan_id": plan.pk, "from": previous, "to": status},
    )
    return action


@transaction.atomic
def operation_link_plan(*, actor: Any, operation: Operation, plan: Plan | None) -> Operation:
    """Link an operation to its priority's 4P plan (whose LRO then works with the SIO), or unlink it."""
    _require_work(actor, operation)
    if plan is not None and not policy.can_see(actor, plan, p.OPERATIONS_VIEW):
        raise NotFound("No such plan.")
    if plan is not None and (plan.region_id != operation.region_id or plan.status == PlanStatus.CLOSED):
        raise ValidationFailed("Link an open plan of this region.", field="plan")
    previous = operation.plan_id
    operation.plan = plan
    operation.save(update_fields=["plan"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="operations.operation.link_plan",
        obj=operation,
        region_id=operation.region_id,
        detail={"plan_id": plan.pk if plan else None, "previous_plan_id": previous},
    )
    return operation


@transaction.atomic
def joint_review_record(
    *,
    actor: Any,
    operation: Operation,
    held_on: dt.date,
    attendees: Iterable[User],
    agreed: dict[str, str],
) -> JointReview:
    """An SIO and LRO joint review: both attend, and something is agreed under at least one P."""
    _require_work(actor, operation)
    if operation.plan_id is None:
        raise ValidationFailed("Link the operation to its priority's 4P plan before a joint review.", field="operation")
    if held_on is None:
        raise ValidationFailed("Give the date of the review.", field="held_on")
    _not_future(held_on, "held_on")
    if held_on < operation.opened_on:
        raise ValidationFailed("The review cannot predate the operation.", field="held_on")
    people = list(attendees)
    ids = {u.pk for u in people}
    plan = operation.plan
    assert plan is not None
    if operation.sio_id not in ids or plan.lro_id not in ids:
        raise ValidationFailed("A joint review needs both the SIO and the LRO among the attendees.", field="attendees")
    texts = {code: (agreed.get(code) or "").strip() for code in grading.PS}
    if not any(texts.values()):
        raise ValidationFailed("Record what was agreed under at least one P.", field="agreed_pursue")
    review = JointReview.objects.create(
        operation=operation,
        plan=plan,
        held_on=held_on,
        agreed_pursue=texts["pursue"],
        agreed_prevent=texts["prevent"],
        agreed_protect=texts["protect"],
        agreed_prepare=texts["prepare"],
        recorded_by=actor,
    )
    review.attendees.set(people)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="operations.joint_review.record",
        obj=review,
        region_id=operation.region_id,
        detail={"operation_id": operation.pk, "held_on": held_on.isoformat(), "attendees": len(people)},
    )
    return review
