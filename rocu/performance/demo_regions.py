"""`rocu seed-demo --regions all`: generated activity for the nine regions beyond the demo one.

The national consistency view compares every region, so each of the other nine gets
threats with levels and flags, 4P plans with actions, operations (live, scoping,
closed) with joint reviews, partner referrals through the funnel with service-level
times, outcomes and validated disruptions. Volumes scale with `ctx.scale` and each
region's size varies; two regions are deliberate outliers so the funnel plot has
something to mark: London converts far more of its referrals, and Tarian checks late
and holds few joint reviews.

Rows are written with bulk_create through the other apps' own models (no services:
they would audit and check every row one by one); one audit event per region records
what was generated. Idempotent: a region that already has its generated threats is
left alone, so a second run adds nothing. Deterministic: one generator seeded from
the region's code.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from rocu.accounts.models import (
    Accreditation,
    AccreditationKind,
    Force,
    NeedToKnowGroup,
    PartnerAgency,
    PartnerKind,
    Region,
    RoleAssignment,
    User,
)
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core.classification import Vetting
from rocu.core.demo import DemoContext, register_seeder
from rocu.core.policy import Role

DEMO_REGION = "south-west"
MARKER = "Generated threat"  # the names of generated threats start with this
SEED = 20210210


@dataclass(frozen=True)
class Profile:
    """How a region behaves: the rates its generated records follow."""

    size: float
    conversion: float  # share of triaged referrals disseminated or adopted
    check_on_time: float  # share of checks within the service level
    triage_on_time: float
    joint_review: float  # share of live operations with a plan given a recent joint review
    priority: float  # share of threats made a priority


# The deliberate outliers; every other region draws a profile near the network's norm.
OUTLIERS: dict[str, dict[str, float]] = {
    "london": {"conversion": 0.55},
    "tarian": {"check_on_time": 0.35, "triage_on_time": 0.4, "joint_review": 0.1},
}


def profile_for(code: str, rng: random.Random) -> Profile:
    base = {
        "size": rng.uniform(0.6, 1.5),
        "conversion": rng.uniform(0.13, 0.2),
        "check_on_time": rng.uniform(0.72, 0.86),
        "triage_on_time": rng.uniform(0.7, 0.88),
        "joint_review": rng.uniform(0.45, 0.7),
        "priority": rng.uniform(0.35, 0.55),
    }
    base.update(OUTLIERS.get(code, {}))
    return Profile(**base)


@register_seeder(90, "other regions' activity")
def seed_other_regions(ctx: DemoContext) -> None:
    if not ctx.all_regions:
        return
    for region in Region.objects.exclude(code=DEMO_REGION).order_by("code"):
        from rocu.threats.models import TaskingSubject

        if TaskingSubject.objects.filter(region=region, name__startswith=MARKER).exists():
            continue
        counts = RegionSeeder(region, ctx.scale).run()
        audit_record(
            actor=None,
            actor_username="seed-demo",
            category=Category.COLLECTION,
            action="performance.demo.region_generated",
            region_id=region.pk,
            detail={"region": region.code, "scale": ctx.scale, **counts},
        )
        ctx.notes.append(f"{region.name}: generated " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".")


class RegionSeeder:
    """Everything one region gets, in dependency order."""

    def __init__(self, region: Region, scale: int, *, tag: str = "") -> None:
        self.region = region
        self.scale = scale
        self.tag = tag  # tells a second batch's names apart (benchmarks add volume this way)
        self.rng = random.Random(f"{SEED}:{region.code}")  # noqa: S311 - demo data, not secrets
        self.profile = profile_for(region.code, self.rng)  # the same region behaves the same in every batch
        if tag:
            self.rng.seed(f"{SEED}:{region.code}:{tag}")
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.forces = list(Force.objects.filter(region=region).order_by("code"))
        self.counts: dict[str, int] = {}

    def n(self, per_scale: float, minimum: int = 1) -> int:
        return max(minimum, round(per_scale * self.scale * self.profile.size))

    def run(self) -> dict[str, int]:
        self.people()
        threats = self.threats()
        plans = self.plans(threats)
        operations = self.operations(threats, plans)
        self.joint_reviews(operations)
        self.referrals()
        self.outcomes(operations)
        self.disruptions(operations)
        return self.counts

    # People ---------------------------------------------------------------------

    def people(self) -> None:
        code = self.region.code
        specs = [
            ("head", Role.ROCU_HEAD, "Head of ROCU", Vetting.DV),
            ("sio", Role.SIO, "Detective Chief Inspector", Vetting.SC),
            ("lro", Role.LRO, "Detective Superintendent", Vetting.SC),
            ("analyst", Role.ANALYST, "Intelligence analyst", Vetting.SC),
        ]
        self.users: dict[str, User] = {}
        for key, role, title, vetting in specs:
            user, _ = User.objects.get_or_create(
                username=f"{code}.{key}",
                defaults=dict(
                    first_name=title.split()[0],
                    last_name=f"({self.region.name})",
                    email=f"{code}.{key}@rocu.example",
                    region=self.region,
                    force=self.forces[0] if self.forces else None,
                    job_title=f"{title}, {self.region.name}",
                    vetting=vetting,
                    vetting_expires=self.today + dt.timedelta(days=900),
                    password="!",
                ),
            )
            RoleAssignment.objects.get_or_create(user=user, role=role)
            self.users[key] = user
        Accreditation.objects.get_or_create(
            user=self.users["sio"],
            kind=AccreditationKind.PIP3,
            defaults={"awarded": self.today - dt.timedelta(days=700)},
        )

    # Threats --------------------------------------------------------------------

    def threats(self) -> list[Any]:
        from rocu.engines import tasking
        from rocu.threats.models import Confidence, Threat, ThreatType

        rng, head, lro = self.rng, self.users["head"], self.users["lro"]
        made = []
        for i in range(8 + 2 * self.scale):
            threat_type = rng.choice(list(ThreatType.values))
            assessed = rng.choices(tasking.LEVELS, weights=[5, 4, 1])[0]
            level = assessed if rng.random() < 0.85 else rng.choice(tasking.LEVELS)
            held_by = {tasking.LOCAL: tasking.HELD_BY_FORCE, tasking.NATIONAL: tasking.HELD_BY_NCA}.get(
                level, tasking.HELD_BY_ROCU
            )
            if rng.random() < 0.1:
                held_by = tasking.HELD_BY_FORCE
            priority = i == 0 or rng.random() < self.profile.priority
            has_lro = priority and (i == 0 or rng.random() < 0.85)
            harm = round(rng.uniform(5, 95), 1)
            likelihood = rng.randint(1, 5)
            assessed_on = self.today - dt.timedelta(days=rng.randint(10, 300))
            threat = Threat(
                kind="threat",
                region=self.region,
                reference=f"T{uuid.uuid4().hex[:19]}",  # THR-<pk> once saved
                name=f"{MARKER} {self.tag}{i + 1:03d}: {ThreatType(threat_type).label}",
                area=rng.choice(self.forces).name if self.forces else "",
                owner=head,
                held_by=held_by,
                holding_force=rng.choice(self.forces) if held_by == tasking.HELD_BY_FORCE and self.forces else None,
                assessed_level=assessed,
                level=level,
                is_priority=priority,
                adopted_on=assessed_on if priority else None,
                lro=lro if has_lro else None,
                harm=harm,
                likelihood=likelihood,
                risk=round(harm * likelihood / 5, 1),
                priority_score=round(harm * likelihood / 5 * rng.uniform(0.8, 1.2), 1),
                confidence=rng.choice(list(Confidence.values)),
                assessed_on=assessed_on,
                flag_force_holds_regional=assessed in (tasking.REGIONAL, tasking.NATIONAL)
                and held_by == tasking.HELD_BY_FORCE,
                flag_rocu_below_level=assessed == tasking.LOCAL and held_by == tasking.HELD_BY_ROCU,
                flag_no_lro=priority and not has_lro,
                flag_no_plan=False,
                created_by=head,
                threat_type=threat_type,
            )
            threat.save()
            threat.reference = f"THR-{threat.pk:06d}"
            made.append(threat)
        Threat.objects.bulk_update(made, ["reference"])
        through = Threat.forces_affected.through
        links = []
        for t in made:
            for force in self.rng.sample(self.forces, k=min(len(self.forces), self.rng.randint(1, 2))):
                links.append(through(taskingsubject_id=t.pk, force_id=force.pk))
        through.objects.bulk_create(links)
        self.counts["threats"] = len(made)
        return made

    # 4P plans -------------------------------------------------------------------

    def plans(self, threats: list[Any]) -> list[Any]:
        from rocu.operations.models import P, Plan, PlanAction
        from rocu.threats.models import TaskingSubject

        rng = self.rng
        priority = [t for t in threats if t.is_priority]
        with_plan = [t for j, t in enumerate(priority) if j == 0 or rng.random() < 0.8]
        number = _next_number(Plan, "PLAN-")
        plans = [
            Plan(
                region=self.region,
                reference=f"PLAN-{number + i:05d}",
                title=f"4P plan: {t.name.split(': ', 1)[1].lower()}",
                subject=t,
                lro=t.lro or self.users["lro"],
                template="",
                next_review_on=self.today + dt.timedelta(days=rng.randint(-20, 60)),
                created_by=self.users["head"],
            )
            for i, t in enumerate(with_plan)
        ]
        Plan.objects.bulk_create(plans)
        planned = {t.pk for t in with_plan}
        TaskingSubject.objects.filter(pk__in=[t.pk for t in priority if t.pk not in planned]).update(flag_no_plan=True)
        plans = list(Plan.objects.filter(region=self.region, subject__in=with_plan).order_by("pk"))
        weights = [0.55, 0.15, 0.2, 0.1] if self.region.code != "eastern" else [0.8, 0.05, 0.1, 0.05]
        actions = []
        for plan in plans:
            for _ in range(rng.randint(4, 10)):
                p = rng.choices(list(P.values), weights=weights)[0]
                due = self.today + dt.timedelta(days=rng.randint(-330, 90))
                actions.append(
                    PlanAction(
                        plan=plan,
                        p=p,
                        description=f"{P(p).label} action",
                        owner=rng.choice(["LRO", "Partner", "Force SOC team", "ROCU"]),
                        due_on=due,
                        status="done" if due < self.today and rng.random() < 0.7 else "open",
                    )
                )
        PlanAction.objects.bulk_create(actions, batch_size=1000)
        self.counts["plans"] = len(plans)
        self.counts["plan actions"] = len(actions)
        return plans

    # Operations and joint reviews -----------------------------------------------

    def operations(self, threats: list[Any], plans: list[Any]) -> list[Any]:
        from rocu.operations.models import Operation, OperationStatus, StatusChange

        rng = self.rng
        by_subject = {p.subject_id: p for p in plans}
        count = self.n(10, minimum=4)
        planned = [t for t in threats if t.pk in by_subject]
        code = self.region.code
        groups = NeedToKnowGroup.objects.bulk_create(
            [
                NeedToKnowGroup(
                    region=self.region,
                    name=f"Op {code.title()} {self.tag}{i + 1:03d} team",
                    purpose="Team of a generated operation: members only.",
                )
                for i in range(count)
            ]
        )
        groups = list(NeedToKnowGroup.objects.filter(region=self.region, name__in=[g.name for g in groups]))
        groups.sort(key=lambda g: g.name)
        number = _next_number(Operation, "OP-")
        ops = []
        for i, group in enumerate(groups):
            # Most operations work a planned priority threat; the first always does.
            pool = planned if planned and (i == 0 or rng.random() < 0.7) else threats
            threat = rng.choice(pool) if pool else None
            opened = self.today - dt.timedelta(days=rng.randint(30, 400))
            roll = 0.0 if i == 0 else rng.random()
            status = OperationStatus.LIVE if roll < 0.75 else OperationStatus.CLOSED if roll < 0.9 else "scoping"
            ops.append(
                Operation(
                    region=self.region,
                    reference=f"OP-{number + i:05d}",
                    code_name=group.name.removesuffix(" team"),
                    summary="Generated operation for the national comparison.",
                    sio=self.users["sio"],
                    force=rng.choice(self.forces),
                    threat=threat,
                    plan=by_subject.get(threat.pk) if threat else None,
                    status=status,
                    live_since=opened + dt.timedelta(days=7) if status != "scoping" else None,
                    need_to_know_group=group,
                    opened_on=opened,
                    created_by=self.users["head"],
                )
            )
        Operation.objects.bulk_create(ops)
        ops = list(Operation.objects.filter(region=self.region, need_to_know_group__in=groups).order_by("pk"))
        changes = []
        for op in ops:
            changes.append(
                StatusChange(operation=op, to_status="scoping", changed_by=self.users["head"], changed_on=op.opened_on)
            )
            if op.live_since:
                changes.append(
                    StatusChange(
                        operation=op,
                        from_status="scoping",
                        to_status="live",
                        changed_by=self.users["head"],
                        changed_on=op.live_since,
                    )
                )
        StatusChange.objects.bulk_create(changes, batch_size=1000)
        self.counts["operations"] = len(ops)
        return ops

    def joint_reviews(self, ops: list[Any]) -> None:
        from rocu.operations.models import JointReview

        rng = self.rng
        reviews = []
        for op in ops:
            if op.plan_id is None or op.status != "live":
                continue
            # Reviews every few months; whether the latest is recent follows the region's habit.
            for k in range(rng.randint(1, 3)):
                recent = k == 0 and rng.random() < self.profile.joint_review
                days = rng.randint(1, 80) if recent else rng.randint(100, 300)
                reviews.append(
                    JointReview(
                        operation=op,
                        plan_id=op.plan_id,
                        held_on=self.today - dt.timedelta(days=days),
                        agreed_pursue="Continue the investigation strategy.",
                        agreed_protect="Security advice to partners.",
                        recorded_by=self.users["sio"],
                    )
                )
        JointReview.objects.bulk_create(reviews, batch_size=1000)
        through = JointReview.attendees.through
        saved = JointReview.objects.filter(operation__in=ops)
        through.objects.bulk_create(
            [through(jointreview_id=r.pk, user_id=u.pk) for r in saved for u in (self.users["sio"], self.users["lro"])],
            batch_size=1000,
        )
        self.counts["joint reviews"] = len(reviews)

    # Referrals ------------------------------------------------------------------

    def referrals(self) -> None:
        from rocu.referrals import sla
        from rocu.referrals.models import Referral, ReferralStatus, ReferralTemplate, TriageDecision

        rng, p = self.rng, self.profile
        partner = PartnerAgency.objects.filter(kind=PartnerKind.BORDER_FORCE).order_by("pk").first()
        if partner is None:
            return
        wanted = self.n(150)
        prefix = f"BF-{self.region.code.upper()}-{self.tag}"
        deciders = [self.users["analyst"], self.users["head"]]
        built = []
        for i in range(wanted):
            received = self.today - dt.timedelta(days=int(365 * (1 - i / wanted)) + 1)
            check_due = sla.add_working_days(received, sla.CHECK_WITHIN)
            triage_due = sla.add_working_days(received, sla.TRIAGE_WITHIN)
            r = Referral(
                region=self.region,
                partner=partner,
                template=ReferralTemplate.BORDER_FORCE_PARCEL,
                partner_reference=f"{prefix}{i + 1:06d}",
                reference=uuid.uuid4().hex[:20],  # REF-<pk> once saved
                received_on=received,
                seizure_date=received - dt.timedelta(days=rng.randint(0, 3)),
                port="Generated",
                commodity="Controlled drugs",
                check_due=check_due,
                triage_due=triage_due,
                assigned_to=rng.choice(deciders),
                created_by=self.users["analyst"],
            )
            if received < self.today - dt.timedelta(days=2):
                checked_on = check_due if rng.random() < p.check_on_time else check_due + dt.timedelta(days=2)
                r.checked_at = min(dt.datetime.combine(checked_on, dt.time(10), tzinfo=dt.UTC), self.now)
                r.status = ReferralStatus.CHECKED
                if received < self.today - dt.timedelta(days=12):
                    on_time = rng.random() < p.triage_on_time
                    triaged_on = max(checked_on, triage_due if on_time else triage_due + dt.timedelta(days=3))
                    r.triaged_at = min(dt.datetime.combine(triaged_on, dt.time(15), tzinfo=dt.UTC), self.now)
                    r.status = ReferralStatus.TRIAGED
                    r.decided_by = r.assigned_to
                    roll = rng.random()
                    if roll < p.conversion * 0.35:
                        r.decision = TriageDecision.ADOPT
                        r.decision_reason = "Links to a regional priority. Adopted for investigation."
                    elif roll < p.conversion:
                        r.decision = TriageDecision.DISSEMINATE
                        r.disseminated_to = rng.choice(self.forces)
                        r.handling_code = "P"
                        r.decision_reason = "Recipient in the force area. Disseminated for local action."
                    else:
                        r.decision = TriageDecision.NO_FURTHER_ACTION
                        r.decision_reason = "Personal-use quantity; no link to holdings or priorities."
            built.append(r)
        Referral.objects.bulk_create(built, batch_size=1000)
        saved = list(Referral.objects.filter(partner=partner, partner_reference__startswith=prefix).only("pk"))
        for r in saved:
            r.reference = f"REF-{r.pk:06d}"
        Referral.objects.bulk_update(saved, ["reference"], batch_size=1000)
        self.counts["referrals"] = len(built)

    # Outcomes and disruptions ---------------------------------------------------

    def outcomes(self, ops: list[Any]) -> None:
        from rocu.outcomes.models import Outcome, OutcomeKind

        rng = self.rng
        kinds = [
            (OutcomeKind.ARREST, "pursue", 30),
            (OutcomeKind.CHARGE, "pursue", 18),
            (OutcomeKind.CONVICTION, "pursue", 10),
            (OutcomeKind.SAFEGUARD_ADULT, "protect", 6),
            (OutcomeKind.SAFEGUARD_CHILD, "protect", 4),
            (OutcomeKind.SEIZURE_DRUGS, "pursue", 12),
            (OutcomeKind.SEIZURE_CASH, "pursue", 6),
            (OutcomeKind.REFERRAL_TO_PARTNER, "prevent", 6),
            (OutcomeKind.WARNING, "prevent", 5),
        ]
        made = []
        worked = [op for op in ops if op.status != "scoping"] or ops
        for _ in range(self.n(60)):
            kind, p, _ = rng.choices(kinds, weights=[w for *_, w in kinds])[0]
            op = rng.choice(worked)
            o = Outcome(
                region=self.region,
                kind=kind,
                p=p,
                operation=op,
                threat_id=op.threat_id,
                force_id=op.force_id,
                occurred_on=self.today - dt.timedelta(days=rng.randint(1, 360)),
                count=rng.randint(1, 6) if kind in (OutcomeKind.SAFEGUARD_ADULT, OutcomeKind.SAFEGUARD_CHILD) else 1,
                recorded_by=self.users["sio"],
            )
            if kind == OutcomeKind.SEIZURE_DRUGS:
                o.quantity, o.unit = rng.randint(50, 5000), "g"
            elif kind == OutcomeKind.SEIZURE_CASH:
                o.quantity, o.unit = rng.randint(2000, 90000), "GBP"
            made.append(o)
        Outcome.objects.bulk_create(made, batch_size=1000)
        self.counts["outcomes"] = len(made)

    def disruptions(self, ops: list[Any]) -> None:
        from rocu.outcomes.models import ClaimStatus, DisruptionClaim, Grade

        rng = self.rng
        worked = [op for op in ops if op.status != "scoping"] or ops
        number = _next_number(DisruptionClaim, "DIS-")
        claims = []
        for i in range(self.n(12)):
            op = rng.choice(worked)
            grade = rng.choices(list(Grade.values), weights=[1, 3, 4])[0]
            occurred = self.today - dt.timedelta(days=rng.randint(5, 360))
            roll = rng.random()
            status = ClaimStatus.VALIDATED if roll < 0.8 else ClaimStatus.CLAIMED if roll < 0.92 else "rejected"
            claims.append(
                DisruptionClaim(
                    region=self.region,
                    reference=f"DIS-{number + i:05d}",
                    operation=op,
                    plan_id=op.plan_id,
                    threat_id=op.threat_id,
                    force_id=op.force_id,
                    p=rng.choices(["pursue", "prevent", "protect", "prepare"], weights=[6, 2, 2, 1])[0],
                    grade=grade,
                    impact_weeks={"major": 26, "moderate": 12, "minor": 4}.get(grade, 4),
                    description="Generated disruption for the national comparison.",
                    evidence="Generated.",
                    occurred_on=occurred,
                    claimant=self.users["sio"],
                    status=status,
                    validator=self.users["head"] if status != ClaimStatus.CLAIMED else None,
                    validated_at=self.now if status == ClaimStatus.VALIDATED else None,
                    rejection_reason="Impact not evidenced." if status == "rejected" else "",
                )
            )
        DisruptionClaim.objects.bulk_create(claims, batch_size=1000)
        self.counts["disruptions"] = len(claims)


def _next_number(model: Any, prefix: str) -> int:
    """The next free number of a reference series, as the owning app's services count."""
    last = (
        model.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last[len(prefix) :]) + 1 if last else 1
