"""Reads of referrals, filtered by the policy; reads that show people are audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from rocu.accounts.models import User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.intelligence import permissions as intel_perms
from rocu.intelligence.models import MatchDecision
from rocu.referrals import funnel, sla
from rocu.referrals import permissions as p
from rocu.referrals.models import CandidateMatch, Referral, ReferralImport, ReferralStatus, TriageDecision

SORTS = {
    "received": ("received_on", "pk"),
    "-received": ("-received_on", "-pk"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "check_due": ("check_due", "pk"),
    "-check_due": ("-check_due", "-pk"),
    "triage_due": ("triage_due", "pk"),
    "-triage_due": ("-triage_due", "-pk"),
}


def referrals_visible(*, user: Any) -> QuerySet[Referral]:
    return policy.restrict(
        user, Referral.objects.select_related("partner", "assigned_to", "disseminated_to"), p.REFERRALS_VIEW
    )


def referrals_queue(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    partner: int | None = None,
    assigned: str = "",
    overdue: bool = False,
    decision: str = "",
    sort: str = "-received",
) -> QuerySet[Referral]:
    qs = referrals_visible(user=user)
    if q:
        qs = qs.filter(Q(reference__iexact=q) | Q(partner_reference__icontains=q) | Q(commodity__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if partner:
        qs = qs.filter(partner_id=partner)
    if assigned == "me":
        qs = qs.filter(assigned_to_id=user.pk)
    elif assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if decision:
        qs = qs.filter(decision=decision)
    if overdue:
        today = timezone.localdate()
        qs = qs.filter(
            Q(status=ReferralStatus.RECEIVED, check_due__lt=today)
            | Q(status__in=[ReferralStatus.RECEIVED, ReferralStatus.CHECKED], triage_due__lt=today)
        )
    # A correlated count, not a join-and-group: the database counts candidates only for the
    # page it returns, instead of grouping every referral of the region first.
    candidates = (
        CandidateMatch.objects.filter(subject__referral=OuterRef("pk"))
        .order_by()
        .values("subject__referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(candidate_count=Coalesce(Subquery(candidates), 0)).order_by(*SORTS.get(sort, SORTS["-received"]))


def clocks(referral: Referral, today: dt.date | None = None) -> list[sla.Clock]:
    today = today or timezone.localdate()
    return [
        sla.clock("Check", referral.check_due, referral.checked_at.date() if referral.checked_at else None, today),
        sla.clock("Triage", referral.triage_due, referral.triaged_at.date() if referral.triaged_at else None, today),
    ]


def audit_queue(*, user: Any, shown: list[Referral]) -> None:
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="referrals.referral.list",
        object_type="referrals.referral",
        detail={"ids": [r.pk for r in shown]},
    )


def referral_get(*, user: Any, pk: Any, audit: bool = True) -> Referral:
    referral = policy.get_visible(
        user,
        Referral.objects.select_related("partner", "region", "assigned_to", "disseminated_to", "referred_to_partner"),
        p.REFERRALS_VIEW,
        pk=pk,
    )
    if audit:
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="referrals.referral.view",
            obj=referral,
            region_id=referral.region_id,
        )
    return referral


def may_see_checks(user: Any) -> bool:
    return policy.has_perm(user, intel_perms.INTEL_CHECK)


def candidates_for(*, user: Any, referral: Referral) -> dict[int, list[dict[str, Any]]]:
    """Candidates per subject: confirmed ones first, then by probability; with any verdict."""
    if not may_see_checks(user):
        return {}
    rows = list(
        policy.restrict(
            user,
            CandidateMatch.objects.filter(subject__referral=referral).select_related(
                "subject", "holding", "holding__source", "nominal"
            ),
            intel_perms.INTEL_CHECK,
        )
    )
    keys = {(c.subject.subject_key, c.holding_key) for c in rows}
    verdicts = {
        (d.subject_key, d.holding_key): d
        for d in MatchDecision.objects.filter(
            region_id=referral.region_id, subject_key__in={k[0] for k in keys}
        ).select_related("decided_by")
    }
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in rows:
        decision = verdicts.get((c.subject.subject_key, c.holding_key))
        out[c.subject_id].append({"candidate": c, "decision": decision, "held": c.holding or c.nominal})
    for items in out.values():
        items.sort(
            key=lambda i: (
                0 if i["decision"] and i["decision"].verdict == "same_as" else 1,
                -i["candidate"].match_probability,
            )
        )
    return out


def candidate_get(*, user: Any, pk: Any) -> CandidateMatch:
    return policy.get_visible(
        user,
        CandidateMatch.objects.select_related("subject", "subject__referral"),
        intel_perms.INTEL_CHECK,
        pk=pk,
    )


def import_get(*, user: Any, pk: Any) -> ReferralImport:
    return policy.get_visible(
        user, ReferralImport.objects.select_related("partner", "uploaded_by"), p.REFERRALS_MANAGE, pk=pk
    )


def imports_visible(*, user: Any) -> QuerySet[ReferralImport]:
    return policy.restrict(
        user, ReferralImport.objects.select_related("partner", "job").defer("content"), p.REFERRALS_MANAGE
    ).order_by("-created_at", "-pk")


def imports_recent(*, user: Any) -> QuerySet[ReferralImport]:
    return policy.restrict(user, ReferralImport.objects.select_related("partner"), p.REFERRALS_MANAGE)[:10]


# --------------------------------------------------------------------------- funnel


def funnel_counts(*, user: Any, partner: int | None = None, months: int = 12) -> dict[str, Any]:
    """Counts per stage, per partner and per month; aggregates only (no person is named).

    Region-wide for anyone with a region (a PCC's office sees its ROCU's funnel);
    across all regions for a national lead.
    """
    policy.require(user, p.REFERRALS_FUNNEL)
    scope = policy.scope_for(user)
    qs = Referral.objects.all()
    if not scope.all_regions:
        qs = qs.filter(region_id=scope.region_id) if scope.region_id else qs.none()
    if partner:
        qs = qs.filter(partner_id=partner)
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    qs = qs.filter(received_on__gte=start)
    actioned = [TriageDecision.DISSEMINATE, TriageDecision.ADOPT]
    rows = (
        qs.annotate(month=TruncMonth("received_on"))
        .values("month", "partner__name")
        .annotate(
            received=Count("pk"),
            checked=Count("pk", filter=Q(checked_at__isnull=False)),
            triaged=Count("pk", filter=Q(status=ReferralStatus.TRIAGED)),
            actioned=Count("pk", filter=Q(decision__in=actioned)),
        )
        .order_by("month", "partner__name")
    )
    later: dict[str, set[int]] = {}
    for stage in funnel.LATER_STAGES:
        provider = funnel.provider_for(stage)
        later[stage] = provider(qs.values_list("pk", flat=True)) if provider else set()
    later_by_key: dict[str, Counter[tuple[Any, str]]] = {s: Counter() for s in funnel.LATER_STAGES}
    wanted = sorted(set().union(*later.values()))
    for start_at in range(0, len(wanted), 900):  # only the referrals that reached a later stage, in chunks
        chunk = qs.filter(pk__in=wanted[start_at : start_at + 900]).annotate(m=TruncMonth("received_on"))
        for pk, month, partner_name in chunk.values_list("pk", "m", "partner__name"):
            for stage, ids in later.items():
                if pk in ids:
                    later_by_key[stage][(_month(month), partner_name)] += 1
    table = []
    totals: Counter[str] = Counter()
    for r in rows:
        month = _month(r["month"])
        line = {
            "month": month,
            "partner": r["partner__name"],
            "received": r["received"],
            "checked": r["checked"],
            "triaged": r["triaged"],
            "actioned": r["actioned"],
            "investigated": later_by_key["investigated"][(month, r["partner__name"])],
            "outcome": later_by_key["outcome"][(month, r["partner__name"])],
        }
        table.append(line)
        for s in funnel.STAGES:
            totals[s.key] += line[s.key]
    decisions = dict(qs.filter(status=ReferralStatus.TRIAGED).values_list("decision").annotate(n=Count("pk")))
    stages = [
        {
            "key": s.key,
            "label": s.label,
            "count": totals[s.key],
            "note": s.pending_note if s.key in funnel.LATER_STAGES and not funnel.provider_for(s.key) else "",
        }
        for s in funnel.STAGES
    ]
    return {"stages": stages, "table": table, "decisions": decisions, "since": start}


def funnel_headline(*, user: Any, months: int = 12) -> list[dict[str, Any]]:
    """The first four funnel stages as one aggregate query, for home panels (same scope
    and period as `funnel_counts`, without the per-month table or later stages)."""
    policy.require(user, p.REFERRALS_FUNNEL)
    scope = policy.scope_for(user)
    qs = Referral.objects.all()
    if not scope.all_regions:
        qs = qs.filter(region_id=scope.region_id) if scope.region_id else qs.none()
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    totals = qs.filter(received_on__gte=start).aggregate(
        received=Count("pk"),
        checked=Count("pk", filter=Q(checked_at__isnull=False)),
        triaged=Count("pk", filter=Q(status=ReferralStatus.TRIAGED)),
        actioned=Count("pk", filter=Q(decision__in=[TriageDecision.DISSEMINATE, TriageDecision.ADOPT])),
    )
    return [{"key": s.key, "label": s.label, "count": totals[s.key]} for s in funnel.STAGES if s.key in totals]


def _month(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def queue_summary(*, user: Any) -> dict[str, int]:
    """Counts for the home page panel."""
    qs = referrals_visible(user=user)
    today = timezone.localdate()
    return {
        "to_check": qs.filter(status=ReferralStatus.RECEIVED).count(),
        "to_triage": qs.filter(status=ReferralStatus.CHECKED).count(),
        "overdue": qs.filter(
            status__in=[ReferralStatus.RECEIVED, ReferralStatus.CHECKED], triage_due__lt=today
        ).count(),
        "mine": qs.filter(assigned_to_id=user.pk).exclude(status=ReferralStatus.TRIAGED).count(),
    }


def assignable_people(*, region_id: int) -> QuerySet[User]:
    """Who a referral may be assigned to: active people of its region who work the queue
    (the service refuses anyone else), not every officer in the region."""
    people = User.objects.filter(
        region_id=region_id, is_active=True, role_assignments__role__in=policy.roles_granting(p.REFERRALS_MANAGE)
    )
    if p.REFERRALS_MANAGE in policy.PERSONAL_PERMS:
        people = people.filter(vetting_expires__gte=timezone.localdate())
    return people.distinct().order_by("last_name", "first_name", "username")
