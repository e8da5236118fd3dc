"""Reads of operations and plans, each filtered by the policy and then by who works on them.

The policy bounds region, force and classification. On top of it, someone without the
scope-wide permission (the ROCU head has it for the region, a force SOC lead for their
force) sees only operations whose team they are on or whose plan they lead as LRO, and
plans they lead or whose operations they work on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.engines import grading, reviews
from rocu.operations import permissions as p
from rocu.operations.models import (
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


def review_interval_days() -> int:
    return int(getattr(settings, "ROCU_JOINT_REVIEW_DAYS", reviews.DEFAULT_INTERVAL_DAYS))


def _narrow_operations(user: Any, qs: QuerySet[Operation]) -> QuerySet[Operation]:
    if policy.has_perm(user, p.OPERATIONS_VIEW_SCOPE):
        return qs
    mine = TeamMember.objects.filter(user=user).values("operation_id")
    return qs.filter(Q(pk__in=mine) | Q(plan__lro=user))


def operations_visible(*, user: Any) -> QuerySet[Operation]:
    return _narrow_operations(user, policy.restrict(user, Operation.objects.all(), p.OPERATIONS_VIEW))


SORTS = {
    "code_name": "code_name",
    "status": "status",
    "opened_on": "opened_on",
    "sio": "sio__last_name",
    "force": "force__name",
    "last_review": "last_review",
}


def operations_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    force: int | None = None,
    flag: str = "",
    sort: str = "-opened_on",
) -> QuerySet[Operation]:
    qs = operations_visible(user=user).select_related("sio", "force", "threat", "ocg", "plan__lro")
    qs = qs.annotate(last_review=Max("joint_reviews__held_on"))
    if q:
        qs = qs.filter(Q(code_name__icontains=q) | Q(reference__icontains=q) | Q(summary__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if force:
        qs = qs.filter(force_id=force)
    if flag == "no_lro":
        qs = qs.filter(status=OperationStatus.LIVE, plan__isnull=True)
    elif flag == "review_overdue":
        cutoff = timezone.localdate() - dt.timedelta(days=review_interval_days())
        qs = qs.filter(status=OperationStatus.LIVE, plan__isnull=False).filter(
            Q(last_review__lt=cutoff) | Q(last_review__isnull=True, live_since__lt=cutoff)
        )
    key = sort.lstrip("-")
    field = SORTS.get(key, "opened_on")
    return qs.order_by(f"-{field}" if sort.startswith("-") else field, "reference")


def operation_get(*, user: Any, pk: int) -> Operation:
    return policy.get_visible(
        user,
        _narrow_operations(user, Operation.objects.select_related("sio", "force", "threat", "ocg", "plan__lro")),
        p.OPERATIONS_VIEW,
        pk=pk,
    )


def operation_flags(op: Operation, *, last_review: dt.date | None, today: dt.date | None = None) -> list[str]:
    """The joint-working flags: no LRO, and joint review overdue."""
    today = today or timezone.localdate()
    flags: list[str] = []
    if op.status != OperationStatus.LIVE:
        return flags
    if op.plan_id is None:
        flags.append("Operation without an LRO")
        return flags
    state = reviews.review_state(
        live_since=op.live_since or op.opened_on,
        last_review=last_review,
        today=today,
        interval_days=review_interval_days(),
    )
    if state.overdue:
        flags.append(f"Joint review overdue ({state.days_overdue} days)")
    return flags


def review_due(op: Operation, *, last_review: dt.date | None) -> dt.date | None:
    if op.status != OperationStatus.LIVE or op.plan_id is None:
        return None
    return reviews.due_date(
        live_since=op.live_since or op.opened_on, last_review=last_review, interval_days=review_interval_days()
    )


OUTCOMES_SHOWN = 100
TIMELINE_SHOWN = 60


def operation_page(*, user: Any, operation: Operation) -> dict[str, Any]:
    """Everything the operation page shows, in a fixed number of queries whatever its size.

    A long investigation has hundreds of outcomes: the page lists the latest
    OUTCOMES_SHOWN (the outcomes list holds the rest) and counts the 4P balance in SQL."""
    from rocu.outcomes.models import Outcome

    team = list(TeamMember.objects.filter(operation=operation).select_related("user"))
    decisions = list(DecisionEntry.objects.filter(operation=operation).select_related("decided_by", "corrects"))
    actions = list(OperationAction.objects.filter(operation=operation).select_related("owner"))
    changes = list(StatusChange.objects.filter(operation=operation).select_related("changed_by"))
    joint = list(
        JointReview.objects.filter(operation=operation)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("attendees"))
    )
    outcomes = list(
        Outcome.objects.filter(operation=operation)
        .select_related("nominal")
        .order_by("-occurred_on", "-pk")[:OUTCOMES_SHOWN]
    )
    outcome_counts = {
        row["p"]: row["n"]
        for row in Outcome.objects.filter(operation=operation).values("p").annotate(n=Count("pk")).order_by()
    }
    last_review = max((r.held_on for r in joint), default=None)
    timeline: list[tuple[dt.date, str, str]] = []
    for c in changes:
        timeline.append(
            (c.changed_on, "Status", f"{c.get_from_status_display() or 'new'} → {c.get_to_status_display()}")
        )
    for d in decisions:
        timeline.append((d.decided_at.date(), "Decision", f"{d.number}: {d.decision[:120]}"))
    for r in joint:
        timeline.append((r.held_on, "Joint review", ", ".join(u.display_name for u in r.attendees.all())))
    for o in outcomes:
        timeline.append((o.occurred_on, "Outcome", o.get_kind_display()))
    timeline.sort(key=lambda t: t[0], reverse=True)
    del timeline[TIMELINE_SHOWN:]
    corrected = {d.corrects_id for d in decisions if d.corrects_id}
    return {
        "team": team,
        "decisions": decisions,
        "corrected_ids": corrected,
        "actions": actions,
        "status_changes": changes,
        "joint_reviews": joint,
        "outcomes": outcomes,
        "outcome_total": sum(outcome_counts.values()),
        "timeline": timeline,
        "last_review": last_review,
        "flags": operation_flags(operation, last_review=last_review),
        "review_due": review_due(operation, last_review=last_review),
        "balance": grading.balance(outcome_counts),
    }


def may_work_on(user: Any, operation: Operation) -> bool:
    """Team members, the plan's LRO and the ROCU head may add to an operation."""
    from rocu.core.policy import Role

    if Role.ROCU_HEAD in policy.roles_of(user) and policy.has_perm(user, p.OPERATIONS_OPEN):
        return True
    if operation.plan_id and operation.plan and operation.plan.lro_id == user.pk:
        return True
    return TeamMember.objects.filter(operation=operation, user=user).exists()


# --- plans ----------------------------------------------------------------------------


def plans_visible(*, user: Any) -> QuerySet[Plan]:
    qs = policy.restrict(user, Plan.objects.all(), p.OPERATIONS_VIEW)
    if policy.has_perm(user, p.OPERATIONS_VIEW_SCOPE):
        return qs
    mine = TeamMember.objects.filter(user=user).values("operation__plan_id")
    return qs.filter(Q(lro=user) | Q(pk__in=mine))


def plans_list(*, user: Any, q: str = "", status: str = "", sort: str = "reference") -> QuerySet[Plan]:
    qs = (
        plans_visible(user=user)
        .select_related("lro", "subject")
        .annotate(operation_count=Count("operations", distinct=True))
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reference__icontains=q) | Q(subject__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    allowed = {"reference", "title", "next_review_on", "lro"}
    key = sort.lstrip("-")
    field = {"lro": "lro__last_name"}.get(key, key) if key in allowed else "reference"
    return qs.order_by(f"-{field}" if sort.startswith("-") else field)


def plan_get(*, user: Any, pk: int) -> Plan:
    return policy.get_visible(user, plans_visible(user=user).select_related("lro", "subject"), p.OPERATIONS_VIEW, pk=pk)


def plan_page(*, user: Any, plan: Plan) -> dict[str, Any]:
    from rocu.outcomes.models import Outcome

    objectives = list(plan.objectives.all())
    actions = list(PlanAction.objects.filter(plan=plan).select_related("objective"))
    operations = list(operations_visible(user=user).filter(plan=plan).select_related("sio"))
    joint = list(JointReview.objects.filter(plan=plan).select_related("operation"))
    outcomes = list(
        Outcome.objects.filter(Q(plan_action__plan=plan) | Q(operation__plan=plan)).select_related("operation")
    )
    timeline: list[tuple[dt.date, str, str]] = []
    for r in joint:
        timeline.append((r.held_on, "Joint review", r.operation.code_name))
    for o in outcomes:
        timeline.append((o.occurred_on, "Outcome", o.get_kind_display()))
    timeline.sort(key=lambda t: t[0], reverse=True)
    by_p = {code: [a for a in actions if a.p == code] for code in grading.PS}
    return {
        "objectives": objectives,
        "actions_by_p": by_p,
        "operations": operations,
        "joint_reviews": joint,
        "outcomes": outcomes,
        "timeline": timeline,
        "action_balance": grading.balance(a.p for a in actions),
        "outcome_balance": grading.balance(o.p for o in outcomes),
    }


def plan_objective_get(*, user: Any, pk: int) -> PlanObjective:
    """An objective of a plan the user may see (else the same 404 as a missing one)."""
    found = PlanObjective.objects.select_related("plan").filter(plan__in=plans_visible(user=user), pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def plan_action_get(*, user: Any, pk: int) -> PlanAction:
    found = PlanAction.objects.select_related("plan", "objective").filter(plan__in=plans_visible(user=user), pk=pk)
    action = found.first()
    if action is None:
        raise NotFound()
    return action


def operation_action_get(*, user: Any, pk: int) -> OperationAction:
    action = (
        OperationAction.objects.select_related("operation", "owner")
        .filter(operation__in=operations_visible(user=user), pk=pk)
        .first()
    )
    if action is None:
        raise NotFound()
    return action


def plans_linkable(*, user: Any, operation: Operation) -> QuerySet[Plan]:
    """Open plans of the operation's region the user may see under the policy (not only
    their own), so an SIO can link the operation to its priority's plan."""
    qs = policy.restrict(user, Plan.objects.filter(region_id=operation.region_id), p.OPERATIONS_VIEW)
    return qs.exclude(status=PlanStatus.CLOSED).select_related("subject").order_by("reference")


def threat_balance(*, user: Any, threat: Any) -> dict[str, Any]:
    """The 4P balance for one threat, as counts: the actions of the plans against it and
    the outcomes and validated disruptions tied to it (within the user's scope)."""
    from rocu.outcomes.selectors import region_balance

    plans = list(plans_visible(user=user).filter(subject_id=threat.pk).order_by("reference"))
    in_scope = policy.restrict(user, Plan.objects.filter(subject_id=threat.pk), p.OPERATIONS_VIEW)
    actions = PlanAction.objects.filter(plan__in=in_scope.values("pk"))
    counts = dict(actions.values_list("p").annotate(n=Count("pk")).values_list("p", "n"))
    return {
        "plans": plans,
        "action_balance": grading.balance(counts),
        "result_balance": region_balance(user=user, threat_id=threat.pk),
    }


def subjects_with_plan(ids: list[int]) -> set[int]:
    """The plan provider for the threat picture: subjects with a plan that is not closed."""
    return set(Plan.objects.filter(subject_id__in=ids).exclude(status="closed").values_list("subject_id", flat=True))


# --- joint working compliance ---------------------------------------------------------


def compliance_histories(*, region_id: int | None, by: str = "region") -> list[reviews.OperationHistory]:
    """Every operation against a planned priority, as the compliance engine needs it."""
    ops = Operation.objects.filter(plan__isnull=False)
    if region_id is not None:
        ops = ops.filter(region_id=region_id)
    ops = ops.select_related("region", "force")
    changes: dict[int, list[StatusChange]] = {}
    for c in StatusChange.objects.filter(operation__in=ops).order_by("changed_on", "pk"):
        changes.setdefault(c.operation_id, []).append(c)
    held: dict[int, list[dt.date]] = {}
    for op_id, day in JointReview.objects.filter(operation__in=ops).values_list("operation_id", "held_on"):
        held.setdefault(op_id, []).append(day)
    out = []
    for op in ops:
        periods: list[tuple[dt.date, dt.date | None]] = []
        start: dt.date | None = None
        for c in changes.get(op.pk, []):
            if c.to_status == OperationStatus.LIVE and start is None:
                start = c.changed_on
            elif c.to_status != OperationStatus.LIVE and start is not None:
                periods.append((start, c.changed_on))
                start = None
        if start is not None:
            periods.append((start, None))
        key = op.region.name if by == "region" else op.force.name
        out.append(reviews.OperationHistory(key=key, live_periods=periods, reviews=held.get(op.pk, [])))
    return out


def compliance_series(*, user: Any, by: str = "region", months: int = 12) -> list[reviews.CompliancePoint]:
    from rocu.core.policy import scope_for

    scope = scope_for(user)
    region_id = None if scope.all_regions else scope.region_id
    days = reviews.month_ends(timezone.localdate(), months)
    return reviews.compliance(compliance_histories(region_id=region_id, by=by), days, review_interval_days())


# --- counts only (PCC and national roles) --------------------------------------------


def operation_counts(*, user: Any) -> dict[str, Any]:
    from rocu.core.policy import scope_for

    scope = scope_for(user)
    qs = Operation.objects.all()
    if not scope.all_regions:
        qs = qs.filter(region_id=scope.region_id or 0)
    if scope.force_bound:
        qs = qs.filter(force_id=scope.force_id or 0)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "operations_by_status": {s.label: by_status.get(s.value, 0) for s in OperationStatus},
        "plans": Plan.objects.filter(region_id__in=qs.values("region_id")).count() if qs.exists() else 0,
    }
