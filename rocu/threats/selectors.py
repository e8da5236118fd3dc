"""Reads of threats, OCGs, assessments and the T&CG, each filtered by the policy."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import PermissionDenied
from rocu.core.policy import Perm
from rocu.intelligence.selectors import nominals_visible
from rocu.threats import permissions as P
from rocu.threats.models import (
    FLAG_FIELDS,
    Assessment,
    AssessmentStatus,
    Decision,
    Flag,
    Level,
    Meeting,
    OCGMembership,
    OrganisedCrimeGroup,
    TaskingAction,
    TaskingSubject,
    Threat,
    ThreatType,
)
from rocu.threats.scale import current_rule

THREAT_SORTS: dict[str, tuple[Any, ...]] = {
    "priority": (F("priority_score").desc(nulls_last=True), "reference"),
    "-priority": (F("priority_score").asc(nulls_first=True), "reference"),
    "risk": (F("risk").desc(nulls_last=True), "reference"),
    "-risk": (F("risk").asc(nulls_first=True), "reference"),
    "harm": (F("harm").desc(nulls_last=True), "reference"),
    "-harm": (F("harm").asc(nulls_first=True), "reference"),
    "name": ("name", "reference"),
    "-name": ("-name", "reference"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "assessed": (F("assessed_on").desc(nulls_last=True), "reference"),
    "-assessed": (F("assessed_on").asc(nulls_first=True), "reference"),
}


def stale_cutoff(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=current_rule().stale_after_days)


def flag_q(flag: str, today: dt.date | None = None) -> Q:
    """The filter for one flag; `stale` from today's date, the others as stored."""
    if flag == Flag.STALE:
        return Q(assessed_on__isnull=True) | Q(assessed_on__lt=stale_cutoff(today))
    return Q(**{FLAG_FIELDS[flag]: True})


def any_flag_q(today: dt.date | None = None) -> Q:
    q = Q()
    for code in Flag.values:
        q |= flag_q(code, today)
    return q


def subjects_visible(*, user: Any) -> QuerySet[TaskingSubject]:
    return policy.restrict(user, TaskingSubject.objects.all(), P.THREATS_VIEW)


def threats_visible(*, user: Any) -> QuerySet[Threat]:
    return policy.restrict(user, Threat.objects.select_related("holding_force", "lro", "owner"), P.THREATS_VIEW)


@dataclass
class ThreatFilters:
    q: str = ""
    force: int | None = None
    threat_type: str = ""
    level: str = ""
    flag: str = ""
    sort: str = "priority"


def threats_list(*, user: Any, filters: ThreatFilters) -> QuerySet[Threat]:
    qs = threats_visible(user=user)
    if filters.q:
        for term in filters.q.split()[:4]:
            qs = qs.filter(Q(name__icontains=term) | Q(area__icontains=term) | Q(reference__iexact=term))
    if filters.force:
        qs = qs.filter(pk__in=Threat.objects.filter(forces_affected=filters.force).values("pk"))
    if filters.threat_type:
        qs = qs.filter(threat_type=filters.threat_type)
    if filters.level:
        qs = qs.filter(assessed_level=filters.level) if filters.level != "none" else qs.filter(assessed_level="")
    if filters.flag:
        qs = qs.filter(flag_q(filters.flag))
    return qs.prefetch_related("forces_affected").order_by(*THREAT_SORTS.get(filters.sort, THREAT_SORTS["priority"]))


def threat_get(*, user: Any, pk: Any) -> Threat:
    return policy.get_visible(
        user,
        Threat.objects.select_related("region", "owner", "lro", "holding_force", "need_to_know_group"),
        P.THREATS_VIEW,
        pk=pk,
    )


def subject_get(*, user: Any, pk: Any) -> TaskingSubject:
    return policy.get_visible(user, TaskingSubject.objects.select_related("region"), P.THREATS_VIEW, pk=pk)


def mismatches(*, user: Any) -> QuerySet[TaskingSubject]:
    """Every threat and OCG with at least one flag, highest priority first."""
    return (
        subjects_visible(user=user)
        .filter(any_flag_q())
        .select_related("holding_force", "lro")
        .order_by(F("priority_score").desc(nulls_last=True), "reference")
    )


def ocgs_list(*, user: Any, q: str = "", status: str = "", flag: str = "") -> QuerySet[OrganisedCrimeGroup]:
    qs = policy.restrict(user, OrganisedCrimeGroup.objects.select_related("holding_force"), P.THREATS_VIEW)
    if q:
        for term in q.split()[:4]:
            qs = qs.filter(Q(name__icontains=term) | Q(area__icontains=term) | Q(reference__iexact=term))
    if status:
        qs = qs.filter(status=status)
    if flag:
        qs = qs.filter(flag_q(flag))
    return qs.prefetch_related("forces_affected").order_by(F("priority_score").desc(nulls_last=True), "reference")


def ocg_get(*, user: Any, pk: Any) -> OrganisedCrimeGroup:
    return policy.get_visible(
        user,
        OrganisedCrimeGroup.objects.select_related("region", "owner", "lro", "holding_force", "need_to_know_group"),
        P.THREATS_VIEW,
        pk=pk,
    )


def ocg_members(*, user: Any, ocg: OrganisedCrimeGroup) -> list[OCGMembership]:
    """The members the user may see (both the group and each person record), audited
    as a consultation of each person shown."""
    if not policy.has_perm(user, Perm.PERSONAL_DATA_VIEW):
        return []
    visible = nominals_visible(user=user)
    members = list(
        policy.restrict(user, OCGMembership.objects.filter(ocg=ocg), Perm.PERSONAL_DATA_VIEW)
        .filter(nominal__in=visible)
        .select_related("nominal")
        .order_by("role", "nominal__surname", "pk")
    )
    if members:
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="threats.ocg.members.view",
            obj=ocg,
            region_id=ocg.region_id,
            detail={"nominals": [m.nominal_id for m in members]},
        )
    return members


def membership_get(*, user: Any, ocg: OrganisedCrimeGroup, pk: Any) -> OCGMembership:
    return policy.get_visible(
        user, OCGMembership.objects.filter(ocg=ocg).select_related("ocg"), Perm.PERSONAL_DATA_VIEW, pk=pk
    )


def assessments_of(*, user: Any, subject: TaskingSubject) -> list[Assessment]:
    return list(
        policy.restrict(user, Assessment.objects.filter(subject=subject), P.THREATS_VIEW)
        .select_related("scored_by", "reviewed_by")
        .order_by("-version")
    )


def assessment_get(*, user: Any, pk: Any) -> Assessment:
    return policy.get_visible(
        user,
        Assessment.objects.select_related("subject", "scored_by", "reviewed_by"),
        P.THREATS_VIEW,
        pk=pk,
    )


def assessments_list(*, user: Any, status: str = "") -> QuerySet[Assessment]:
    qs = policy.restrict(user, Assessment.objects.select_related("subject", "scored_by", "reviewed_by"), P.THREATS_VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-scored_at", "-pk")


def awaiting_review(*, user: Any) -> QuerySet[Assessment]:
    """Assessments another analyst has scored and the user could review."""
    return assessments_list(user=user, status=AssessmentStatus.AWAITING_REVIEW).exclude(scored_by=user)


def meetings_list(*, user: Any) -> QuerySet[Meeting]:
    return policy.restrict(user, Meeting.objects.select_related("chair"), P.TASKING_VIEW).order_by("-held_on", "-pk")


def meeting_get(*, user: Any, pk: Any) -> Meeting:
    return policy.get_visible(user, Meeting.objects.select_related("chair", "region"), P.TASKING_VIEW, pk=pk)


def decisions_of(*, user: Any, meeting: Meeting) -> list[Decision]:
    return list(
        policy.restrict(user, Decision.objects.filter(meeting=meeting), P.TASKING_VIEW)
        .select_related("subject", "owner", "recorded_by")
        .order_by("recorded_at", "pk")
    )


def decisions_list(*, user: Any) -> QuerySet[Decision]:
    return (
        policy.restrict(user, Decision.objects.all(), P.TASKING_VIEW)
        .select_related("subject", "owner", "recorded_by", "meeting")
        .order_by("-recorded_at", "-pk")
    )


def decision_get(*, user: Any, pk: Any) -> Decision:
    return policy.get_visible(
        user, Decision.objects.select_related("subject", "owner", "meeting"), P.TASKING_VIEW, pk=pk
    )


def actions_of(*, user: Any, meeting: Meeting) -> list[TaskingAction]:
    return list(
        policy.restrict(user, TaskingAction.objects.filter(meeting=meeting), P.TASKING_VIEW)
        .select_related("owner", "decision")
        .order_by("due_on", "pk")
    )


def action_get(*, user: Any, meeting: Meeting, pk: Any) -> TaskingAction:
    return policy.get_visible(
        user, TaskingAction.objects.filter(meeting=meeting).select_related("meeting"), P.TASKING_VIEW, pk=pk
    )


# A pack is read in a meeting: the highest-priority flags, and a count of the rest.
AGENDA_FLAG_LIMIT = 100


@dataclass
class AgendaPack:
    meeting: Meeting
    new_assessments: list[Assessment]
    awaiting_review: list[Assessment]
    flagged: list[TaskingSubject]
    flagged_total: int
    priorities_due_review: list[TaskingSubject]
    open_actions: list[TaskingAction]
    decisions: list[Decision]


def agenda_pack(*, user: Any, meeting: Meeting) -> AgendaPack:
    """Built from the data: what changed since `changes_since`, what is flagged, what is due.

    Each part goes through the policy, so a member sees only what they may see.
    """
    since = meeting.changes_since or (meeting.held_on - dt.timedelta(days=31))
    since_dt = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    until_dt = dt.datetime.combine(meeting.held_on, dt.time.max, tzinfo=dt.UTC)
    base = policy.restrict(
        user, Assessment.objects.filter(subject__region=meeting.region_id), P.THREATS_VIEW
    ).select_related("subject", "scored_by", "reviewed_by")
    new = list(
        base.filter(status=AssessmentStatus.APPROVED, reviewed_at__gte=since_dt, reviewed_at__lte=until_dt).order_by(
            "-risk"
        )
    )
    pending = list(base.filter(status=AssessmentStatus.AWAITING_REVIEW).order_by("scored_at"))
    subjects = subjects_visible(user=user).filter(region=meeting.region_id)
    flagged_qs = subjects.filter(any_flag_q(meeting.held_on))
    flagged = list(
        flagged_qs.select_related("lro").order_by(F("priority_score").desc(nulls_last=True), "reference")[
            :AGENDA_FLAG_LIMIT
        ]
    )
    # Priorities adopted more than 3 months before the meeting are due a review of their plan.
    due = list(
        subjects.filter(is_priority=True, adopted_on__lte=meeting.held_on - dt.timedelta(days=90))
        .select_related("lro")
        .order_by("adopted_on", "reference")
    )
    open_actions = list(
        policy.restrict(
            user, TaskingAction.objects.filter(meeting__region=meeting.region_id, status="open"), P.TASKING_VIEW
        )
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )
    return AgendaPack(
        meeting=meeting,
        new_assessments=new,
        awaiting_review=pending,
        flagged=flagged,
        flagged_total=flagged_qs.count() if len(flagged) == AGENDA_FLAG_LIMIT else len(flagged),
        priorities_due_review=due,
        open_actions=open_actions,
        decisions=decisions_of(user=user, meeting=meeting),
    )


# --- Aggregates for PCC and national roles ---------------------------------------------


@dataclass
class Aggregates:
    total: int
    by_type: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    by_flag: list[tuple[str, int]]
    ocgs: int
    priorities: int
    scope: str


def aggregates(*, user: Any) -> Aggregates:
    """Counts only, never names: region (national: every region), a PCC's force share.

    Counts are taken over every threat in scope whatever its classification or
    need-to-know group, because a count reveals neither; names never leave this function.
    """
    policy.require(user, P.THREATS_AGGREGATE)
    scope = policy.scope_for(user)
    qs = TaskingSubject.objects.all()
    where = "all regions"
    if not scope.all_regions:
        if scope.region_id is None:
            raise PermissionDenied("You have no region to count threats in.")
        qs = qs.filter(region=scope.region_id)
        where = "your region"
        if scope.force_bound:
            if scope.force_id is None:
                raise PermissionDenied("You have no force to count threats in.")
            qs = qs.filter(pk__in=TaskingSubject.objects.filter(forces_affected=scope.force_id).values("pk"))
            where = "your force's share of your region"
    rows = list(qs.values_list("kind", "pk", "assessed_level", "is_priority", *FLAG_FIELDS.values(), "assessed_on"))
    threat_types = dict(
        Threat.objects.filter(pk__in=[r[1] for r in rows if r[0] == "threat"]).values_list("pk", "threat_type")
    )
    cutoff = stale_cutoff()
    types: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    threats = ocgs = priorities = 0
    for kind, pk, level, is_priority, *stored, assessed_on in rows:
        if kind == "ocg":
            ocgs += 1
            continue
        threats += 1
        priorities += bool(is_priority)
        types[threat_types.get(pk, "other")] += 1
        levels[level or "none"] += 1
        for code, value in zip(FLAG_FIELDS, stored, strict=True):
            flags[code] += bool(value)
        flags[Flag.STALE] += assessed_on is None or assessed_on < cutoff
    type_labels = dict(ThreatType.choices)
    level_labels = {**dict(Level.choices), "none": "Not yet assessed"}
    return Aggregates(
        total=threats,
        by_type=[(str(type_labels[t]), types[t]) for t in ThreatType.values if types[t]],
        by_level=[(str(level_labels[lv]), levels[lv]) for lv in [*Level.values, "none"]],
        by_flag=[(str(Flag(code).label), flags[code]) for code in Flag.values],
        ocgs=ocgs,
        priorities=priorities,
        scope=where,
    )
