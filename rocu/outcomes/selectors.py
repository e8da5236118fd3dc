"""Reads of outcomes and disruption claims: inside the policy's bounds and tied to
operations or plans the user may see (the ROCU head and force SOC leads see their scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from rocu.core import policy
from rocu.core.policy import scope_for
from rocu.engines import grading
from rocu.operations import permissions as op_perms
from rocu.operations import selectors as op_selectors
from rocu.outcomes import permissions as p
from rocu.outcomes.models import ClaimStatus, DisruptionClaim, Outcome


def _narrow(user: Any, qs: QuerySet[Any], plan_path: str) -> QuerySet[Any]:
    if policy.has_perm(user, op_perms.OPERATIONS_VIEW_SCOPE):
        return qs
    ops = op_selectors.operations_visible(user=user).values("pk")
    plans = op_selectors.plans_visible(user=user).values("pk")
    return qs.filter(Q(operation_id__in=ops) | Q(**{f"{plan_path}__in": plans}))


def outcomes_visible(*, user: Any) -> QuerySet[Outcome]:
    return _narrow(user, policy.restrict(user, Outcome.objects.all(), p.OUTCOMES_VIEW), "plan_action__plan_id")


def outcomes_list(
    *,
    user: Any,
    kind: str = "",
    p_code: str = "",
    force: int | None = None,
    operation: int | None = None,
    sort: str = "-occurred_on",
) -> QuerySet[Outcome]:
    qs = outcomes_visible(user=user).select_related("operation", "force", "threat", "ocg", "nominal")
    if operation:
        qs = qs.filter(operation_id=operation)
    if kind:
        qs = qs.filter(kind=kind)
    if p_code:
        qs = qs.filter(p=p_code)
    if force:
        qs = qs.filter(force_id=force)
    allowed = {"occurred_on", "kind", "p", "force"}
    key = sort.lstrip("-")
    field = {"force": "force__name"}.get(key, key) if key in allowed else "occurred_on"
    return qs.order_by(f"-{field}" if sort.startswith("-") else field, "-pk")


def outcome_get(*, user: Any, pk: int) -> Outcome:
    return policy.get_visible(user, outcomes_visible(user=user), p.OUTCOMES_VIEW, pk=pk)


def disruptions_visible(*, user: Any) -> QuerySet[DisruptionClaim]:
    return _narrow(user, policy.restrict(user, DisruptionClaim.objects.all(), p.OUTCOMES_VIEW), "plan_id")


def disruptions_list(
    *, user: Any, grade: str = "", p_code: str = "", status: str = "", sort: str = "-occurred_on"
) -> QuerySet[DisruptionClaim]:
    qs = disruptions_visible(user=user).select_related("operation", "force", "threat", "ocg", "claimant", "validator")
    if grade:
        qs = qs.filter(grade=grade)
    if p_code:
        qs = qs.filter(p=p_code)
    if status:
        qs = qs.filter(status=status)
    allowed = {"occurred_on", "grade", "p", "status", "reference"}
    key = sort.lstrip("-")
    field = key if key in allowed else "occurred_on"
    return qs.order_by(f"-{field}" if sort.startswith("-") else field, "-pk")


def disruption_get(*, user: Any, pk: int) -> DisruptionClaim:
    return policy.get_visible(
        user, disruptions_visible(user=user).select_related("claimant", "validator"), p.OUTCOMES_VIEW, pk=pk
    )


def _scoped(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Counts only: bounded by region (or all regions) and force, never by record."""
    scope = scope_for(user)
    if not scope.all_regions:
        qs = qs.filter(region_id=scope.region_id)
    if scope.force_bound:
        qs = qs.filter(force_id=scope.force_id)
    return qs


def outcome_counts(*, user: Any) -> list[dict[str, Any]]:
    rows = _scoped(user, Outcome.objects.all()).values("kind").annotate(n=Sum("count")).order_by("kind")
    return list(rows)


def disruption_summary(*, user: Any, by: str) -> list[dict[str, Any]]:
    """Validated disruptions counted by grade and one of: p, threat, ocg, grade."""
    field = {"p": "p", "threat": "threat__name", "ocg": "ocg__name", "grade": "grade"}[by]
    qs = _scoped(user, DisruptionClaim.objects.filter(status=ClaimStatus.VALIDATED))
    rows = qs.values(field, "grade").annotate(n=Count("pk")).order_by(field, "grade")
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        key = r[field] or "—"
        out.setdefault(key, dict.fromkeys(grading.GRADES, 0))[r["grade"]] += r["n"]
    return [{"key": k, **v, "total": sum(v.values())} for k, v in out.items()]


def region_balance(*, user: Any, threat_id: int | None = None) -> grading.Balance:
    """4P balance of outcomes and validated disruptions, as counts only."""
    outcomes = _scoped(user, Outcome.objects.all())
    claims = _scoped(user, DisruptionClaim.objects.filter(status=ClaimStatus.VALIDATED))
    if threat_id:
        outcomes = outcomes.filter(threat_id=threat_id)
        claims = claims.filter(threat_id=threat_id)
    counts: dict[str, int] = {}
    for code, n in outcomes.values_list("p").annotate(n=Count("pk")).values_list("p", "n"):
        counts[code] = counts.get(code, 0) + n
    for code, n in claims.values_list("p").annotate(n=Count("pk")).values_list("p", "n"):
        counts[code] = counts.get(code, 0) + n
    return grading.balance(counts)
