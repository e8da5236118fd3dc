"""Counter-corruption reads: filtered by the policy, never showing people their own alerts.

Counter-corruption's own reads of alerts and cases are audited here, so a senior
counter-corruption investigator can see who on the team looked at what.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from rocu.accounts.models import User
from rocu.audit.models import AuditEvent, Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.policy import Role
from rocu.counter_corruption.models import Alert, Case, Declaration, SeniorGrant
from rocu.counter_corruption.permissions import CC_REGISTER, CC_VIEW, DECLARE

ALERT_SORTS = {
    "day": ("day", "pk"),
    "-day": ("-day", "-pk"),
    "score": ("score", "pk"),
    "-score": ("-score", "-pk"),
    "subject": ("subject__username", "pk"),
    "-subject": ("-subject__username", "-pk"),
}
CASE_SORTS = {
    "opened": ("opened_at", "pk"),
    "-opened": ("-opened_at", "-pk"),
    "reference": ("reference",),
    "-reference": ("-reference",),
}


def alerts_visible(*, user: Any) -> QuerySet[Alert]:
    qs = policy.restrict(user, Alert.objects.select_related("subject", "assigned_to", "case"), CC_VIEW)
    return qs.exclude(subject_id=user.pk) if getattr(user, "is_authenticated", False) else qs.none()


def alerts_list(
    *, user: Any, status: str = "", rule: str = "", subject: str = "", sort: str = "-day"
) -> QuerySet[Alert]:
    qs = alerts_visible(user=user)
    if status == "open":
        qs = qs.filter(status__in=["new", "assigned"])
    elif status:
        qs = qs.filter(status=status)
    if subject:
        qs = qs.filter(subject__username__iexact=subject)
    if rule:
        # JSON "contains" is not portable to SQLite; rule names are plain words, so a
        # text match on the stored list is exact enough and works on both databases.
        qs = qs.filter(rules__icontains=f'"{rule}"')
    return qs.order_by(*ALERT_SORTS.get(sort, ALERT_SORTS["-day"]))


def audit_alert_list(*, user: Any, shown: list[Alert]) -> None:
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="counter_corruption.alert.list",
        object_type="counter_corruption.alert",
        detail={"ids": [a.pk for a in shown], "results": len(shown)},
    )


def alert_get(*, user: Any, pk: Any, audit: bool = True) -> Alert:
    alert = policy.get_visible(user, alerts_visible(user=user), CC_VIEW, pk=pk)
    if audit:
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="counter_corruption.alert.view",
            obj=alert,
            region_id=alert.region_id,
        )
    return alert


def cases_visible(*, user: Any) -> QuerySet[Case]:
    qs = policy.restrict(user, Case.objects.select_related("subject", "assigned_to", "opened_by"), CC_VIEW)
    return qs.exclude(subject_id=user.pk) if getattr(user, "is_authenticated", False) else qs.none()


def cases_list(*, user: Any, status: str = "", category: str = "", sort: str = "-opened") -> QuerySet[Case]:
    qs = cases_visible(user=user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by(*CASE_SORTS.get(sort, CASE_SORTS["-opened"]))


def audit_case_list(*, user: Any, shown: list[Case]) -> None:
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="counter_corruption.case.list",
        object_type="counter_corruption.case",
        detail={"ids": [c.pk for c in shown], "results": len(shown)},
    )


def case_get(*, user: Any, pk: Any, audit: bool = True) -> Case:
    case = policy.get_visible(user, cases_visible(user=user), CC_VIEW, pk=pk)
    if audit:
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="counter_corruption.case.view",
            obj=case,
            region_id=case.region_id,
        )
    return case


def my_declarations(*, user: Any) -> QuerySet[Declaration]:
    if not policy.has_perm(user, DECLARE):
        return Declaration.objects.none()
    return Declaration.objects.filter(declarant_id=user.pk).order_by("-declared_at", "-pk")


def my_declaration_get(*, user: Any, pk: Any) -> Declaration:
    return policy.get_visible(user, my_declarations(user=user), DECLARE, pk=pk)


def register_list(*, user: Any, q: str = "", kind: str = "", current: str = "") -> QuerySet[Declaration]:
    """The region's declarations register, for counter-corruption only (not the owner rule)."""
    if not policy.has_perm(user, CC_REGISTER):
        return Declaration.objects.none()
    qs = policy.restrict(user, Declaration.objects.select_related("declarant"), CC_REGISTER)
    if q:
        qs = qs.filter(
            Q(declarant__username__icontains=q)
            | Q(surname__icontains=q)
            | Q(organisation__icontains=q)
            | Q(postcode__iexact=q.upper())
        )
    if kind:
        qs = qs.filter(kind=kind)
    if current == "yes":
        qs = qs.filter(withdrawn_at__isnull=True)
    elif current == "no":
        qs = qs.filter(withdrawn_at__isnull=False)
    return qs.order_by("-declared_at", "-pk")


def audit_register_list(*, user: Any, shown: list[Declaration], q: str) -> None:
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="counter_corruption.declaration.list",
        object_type="counter_corruption.declaration",
        detail={"ids": [d.pk for d in shown], "searched": bool(q), "results": len(shown)},
    )


def is_senior(user: Any) -> bool:
    return policy.has_perm(user, CC_VIEW) and SeniorGrant.objects.filter(user_id=getattr(user, "pk", 0) or 0).exists()


def team_members(*, user: Any) -> QuerySet[User]:
    return User.objects.filter(region_id=user.region_id, role_assignments__role=Role.AUDITOR).distinct()


def team_access(*, user: Any, actor: str = "") -> QuerySet[AuditEvent]:
    """What the region's counter-corruption team did in rocu: for senior investigators only."""
    if not is_senior(user):
        return AuditEvent.objects.none()
    team = list(team_members(user=user).values_list("pk", flat=True))
    qs = AuditEvent.objects.filter(actor_id__in=team, region_id=user.region_id)
    if actor:
        qs = qs.filter(actor_username__iexact=actor)
    return qs.order_by("-seq")
