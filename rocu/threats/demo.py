"""Demo threats, OCGs and T&CG meetings for the South West ROCU.

About 40 threats and 15 OCGs across the five forces at scale 1, including the seed's
cases (firearms supply — Project Vizardlike; human trafficking; online child sexual
exploitation; drugs by parcel). Some are held at the wrong level on purpose so the
flags show. Scores are computed by the real engines from the scale file; seed rows are
written directly (no per-row audit events: seed-demo records one event for the run).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from rocu.accounts.models import Force, NeedToKnowGroup, Region, RoleAssignment, UnitType, User
from rocu.core.classification import Vetting
from rocu.core.demo import DemoContext, register_seeder
from rocu.core.policy import Role
from rocu.engines import scoring, tasking
from rocu.intelligence.models import DataSubjectCategory, Nominal
from rocu.threats.models import (
    FLAG_FIELDS,
    ActionStatus,
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionKind,
    HeldBy,
    Meeting,
    MeetingStatus,
    MemberRole,
    OCGMembership,
    OrganisedCrimeGroup,
    SubjectKind,
    TaskingAction,
    TaskingSubject,
    Threat,
    ThreatType,
)
from rocu.threats.scale import current_rule, current_scale
from rocu.threats.services import subjects_with_plan

AS, DC, DO, GL, WI = "avon-somerset", "devon-cornwall", "dorset", "gloucestershire", "wiltshire"
FORCES = [AS, DC, DO, GL, WI]
VIZARDLIKE = "Op Vizardlike team"


@dataclass
class Spec:
    name: str
    kind: str  # threat type, or for an OCG its main threat type
    area: str
    forces: tuple[str, ...]
    held_by: str
    harm: tuple[int, int, int, int, int, int] | None  # None: never assessed
    likelihood: int = 3
    confidence: str = "medium"
    months_ago: int = 1
    holding: str = ""
    group: bool = False


F, R, N = HeldBy.FORCE, HeldBy.ROCU, HeldBy.NCA

THREATS = [
    # The seed's cases.
    Spec(
        "Firearms supply — Project Vizardlike",
        ThreatType.FIREARMS,
        "Bristol and the M5 corridor",
        (AS, DC, GL),
        R,
        (4, 3, 1, 3, 3, 2),
        4,
        "high",
        group=True,
    ),
    Spec(
        "Human trafficking for labour exploitation — car washes",
        ThreatType.MSHT,
        "Bristol, Swindon, Gloucester",
        (AS, WI, GL),
        R,
        (3, 4, 2, 2, 3, 4),
        4,
        "medium",
    ),
    Spec(
        "Online child sexual exploitation",
        ThreatType.CSAE,
        "Region-wide, online",
        tuple(FORCES),
        R,
        (3, 4, 0, 2, 4, 4),
        5,
        "high",
    ),
    Spec(
        "Drugs by parcel — Border Force referrals",
        ThreatType.DRUGS,
        "Parcel hubs, Avonmouth and Exeter",
        (AS, DC, DO),
        R,
        (2, 1, 1, 2, 3, 2),
        4,
        "medium",
    ),
    # County lines, some deliberately held at the wrong level.
    Spec("County lines — Plymouth", ThreatType.DRUGS, "Plymouth", (DC,), F, (3, 3, 1, 3, 2, 3), 4, holding=DC),
    Spec("County lines — Exeter", ThreatType.DRUGS, "Exeter", (DC,), F, (2, 2, 1, 2, 1, 3), 3, holding=DC),
    Spec("County lines — Torbay", ThreatType.DRUGS, "Torquay and Paignton", (DC,), R, (1, 1, 1, 1, 1, 2), 2),
    Spec(
        "County lines — Bournemouth and Poole",
        ThreatType.DRUGS,
        "Bournemouth, Poole",
        (DO, WI),
        F,
        (3, 2, 1, 3, 3, 3),
        4,
        holding=DO,
    ),
    Spec("County lines — Swindon", ThreatType.DRUGS, "Swindon", (WI,), F, (2, 2, 1, 2, 1, 3), 3, holding=WI),
    Spec("County lines — Gloucester", ThreatType.DRUGS, "Gloucester", (GL,), F, (2, 2, 1, 2, 1, 2), 3, holding=GL),
    Spec(
        "County lines — Bristol to Somerset towns",
        ThreatType.DRUGS,
        "Bristol, Taunton, Bridgwater",
        (AS,),
        F,
        (3, 3, 1, 3, 3, 3),
        4,
        holding=AS,
    ),
    Spec(
        "County lines — Truro and Camborne",
        ThreatType.DRUGS,
        "Cornwall",
        (DC,),
        F,
        (1, 1, 0, 1, 1, 2),
        2,
        months_ago=9,
        holding=DC,
    ),
    Spec("County lines — Salisbury", ThreatType.DRUGS, "Salisbury", (WI,), R, (1, 1, 0, 1, 1, 1), 2),
    Spec("County lines — Weymouth", ThreatType.DRUGS, "Weymouth", (DO,), F, (1, 2, 0, 1, 1, 2), 3, holding=DO),
    Spec(
        "Cannabis cultivation in industrial units",
        ThreatType.DRUGS,
        "Somerset Levels",
        (AS,),
        F,
        (1, 0, 2, 2, 1, 1),
        3,
        holding=AS,
    ),
    Spec(
        "Cocaine importation through small harbours",
        ThreatType.BORDERS,
        "Cornish and Dorset coast",
        (DC, DO),
        R,
        (2, 1, 2, 2, 4, 1),
        3,
        "low",
    ),
    Spec(
        "Criminal use of Bristol Airport",
        ThreatType.BORDERS,
        "Bristol Airport",
        (AS,),
        F,
        (1, 1, 2, 1, 3, 1),
        2,
        holding=AS,
    ),
    Spec(
        "Firearms — converted blank-firing pistols",
        ThreatType.FIREARMS,
        "Bristol, Gloucester",
        (AS, GL),
        R,
        (4, 3, 0, 3, 2, 1),
        3,
    ),
    Spec("Rural firearms thefts", ThreatType.FIREARMS, "Dartmoor, Exmoor", (DC,), F, (2, 1, 1, 1, 1, 1), 2, holding=DC),
    Spec(
        "Sexual exploitation in pop-up brothels",
        ThreatType.MSHT,
        "Cheltenham, Bath, Bournemouth",
        (GL, AS, DO),
        F,
        (3, 4, 1, 2, 3, 4),
        3,
        holding=GL,
    ),
    Spec(
        "Forced labour in agriculture",
        ThreatType.MSHT,
        "Vale of Evesham edge, Somerset",
        (GL, AS),
        R,
        (2, 3, 2, 1, 2, 4),
        3,
        "low",
        months_ago=8,
    ),
    Spec(
        "Clandestine entry through Portland and Poole",
        ThreatType.OIC,
        "Portland, Poole",
        (DO,),
        R,
        (2, 2, 1, 1, 4, 3),
        2,
        "low",
    ),
    Spec(
        "Child criminal exploitation by county lines",
        ThreatType.CSAE,
        "Region-wide",
        tuple(FORCES),
        R,
        (3, 4, 0, 3, 3, 4),
        4,
    ),
    Spec(
        "Courier fraud against older people",
        ThreatType.FRAUD,
        "Region-wide",
        tuple(FORCES),
        F,
        (1, 3, 3, 1, 3, 4),
        4,
        holding=DC,
    ),
    Spec("Romance fraud", ThreatType.FRAUD, "Online", (AS, DC, WI), R, (0, 3, 3, 1, 3, 3), 4),
    Spec("Investment fraud boiler rooms", ThreatType.FRAUD, "Bristol", (AS,), R, (0, 2, 3, 1, 4, 2), 3, "low"),
    Spec(
        "Ransomware against small businesses",
        ThreatType.CYBER,
        "Region-wide, online",
        tuple(FORCES),
        R,
        (0, 2, 4, 2, 4, 2),
        4,
        "medium",
    ),
    Spec("Phishing-as-a-service operators", ThreatType.CYBER, "Online", (GL, WI), R, (0, 1, 3, 1, 3, 2), 3),
    Spec(
        "Cash-based money laundering through car washes and barbers",
        ThreatType.MONEY_LAUNDERING,
        "Bristol, Plymouth",
        (AS, DC),
        R,
        (0, 1, 3, 3, 2, 1),
        4,
        months_ago=10,
    ),
    Spec(
        "Money mule recruitment of students",
        ThreatType.MONEY_LAUNDERING,
        "Exeter, Bath, Bournemouth",
        (DC, AS, DO),
        F,
        (0, 2, 2, 1, 3, 3),
        4,
        holding=DC,
    ),
    Spec(
        "Theft of plant and agricultural machinery",
        ThreatType.ACQUISITIVE,
        "Rural Wiltshire and Dorset",
        (WI, DO),
        R,
        (0, 1, 3, 2, 3, 1),
        4,
    ),
    Spec(
        "Catalytic converter theft",
        ThreatType.ACQUISITIVE,
        "Swindon, Gloucester",
        (WI, GL),
        F,
        (0, 1, 2, 1, 1, 1),
        3,
        months_ago=12,
        holding=WI,
    ),
    Spec(
        "High-value vehicle theft for export",
        ThreatType.ACQUISITIVE,
        "Region-wide",
        (AS, GL, WI),
        R,
        (0, 1, 3, 1, 3, 1),
        4,
    ),
    Spec(
        "Heritage crime — metal from churches",
        ThreatType.ACQUISITIVE,
        "Devon, Cornwall",
        (DC,),
        R,
        (0, 1, 1, 2, 1, 0),
        2,
    ),
    Spec(
        "Drones delivering drugs into HMP Dartmoor",
        ThreatType.PRISONS,
        "Princetown",
        (DC,),
        F,
        (1, 1, 1, 2, 2, 2),
        4,
        holding=DC,
    ),
    Spec(
        "Corruption of prison staff",
        ThreatType.PRISONS,
        "HMP Bristol, HMP Exeter",
        (AS, DC),
        R,
        (1, 1, 1, 3, 2, 2),
        2,
        "low",
    ),
    Spec(
        "Illegal waste dumping by organised groups",
        ThreatType.OTHER,
        "Somerset, Wiltshire",
        (AS, WI),
        F,
        (1, 0, 2, 4, 2, 0),
        3,
        holding=AS,
    ),
    Spec(
        "Organised illegal hare coursing",
        ThreatType.OTHER,
        "Wiltshire, Dorset",
        (WI, DO),
        F,
        (0, 1, 1, 2, 1, 0),
        3,
        holding=WI,
    ),
    Spec("Sextortion of teenagers", ThreatType.CSAE, "Online", tuple(FORCES), R, None),
    Spec(
        "Fraud against the cost-of-living support schemes",
        ThreatType.FRAUD,
        "Region-wide",
        (DC, DO),
        F,
        None,
        holding=DO,
    ),
]

OCGS = [
    Spec(
        "Vizardlike OCG (firearms supply)",
        ThreatType.FIREARMS,
        "Bristol, Plymouth",
        (AS, DC, GL),
        R,
        (4, 3, 1, 3, 3, 2),
        4,
        "high",
        group=True,
    ),
    Spec("Tamar Crossing network", ThreatType.DRUGS, "Plymouth, Saltash", (DC,), F, (3, 2, 1, 3, 2, 3), 4, holding=DC),
    Spec("Avonmouth dock crew", ThreatType.DRUGS, "Avonmouth", (AS,), R, (2, 1, 2, 2, 4, 1), 3),
    Spec("Cotswold car wash group", ThreatType.MSHT, "Gloucester, Cheltenham", (GL, WI), R, (3, 4, 2, 2, 3, 4), 4),
    Spec("Harbourside boiler room", ThreatType.FRAUD, "Bristol", (AS,), R, (0, 2, 3, 1, 3, 2), 3),
    Spec("Purbeck quad-bike thieves", ThreatType.ACQUISITIVE, "Dorset", (DO,), F, (0, 1, 2, 1, 1, 0), 3, holding=DO),
    Spec("Swindon Old Town line", ThreatType.DRUGS, "Swindon", (WI,), F, (2, 2, 1, 2, 1, 3), 3, holding=WI),
    Spec("Exe Valley cannabis farmers", ThreatType.DRUGS, "Tiverton, Exeter", (DC,), R, (1, 0, 1, 1, 1, 1), 2),
    Spec(
        "Kingswood money mules",
        ThreatType.MONEY_LAUNDERING,
        "Bristol, Bath",
        (AS,),
        F,
        (0, 1, 2, 1, 2, 2),
        3,
        holding=AS,
    ),
    Spec(
        "Severnside vehicle exporters",
        ThreatType.ACQUISITIVE,
        "Bristol, Gloucester",
        (AS, GL),
        R,
        (0, 1, 3, 1, 3, 1),
        3,
    ),
    Spec(
        "Weymouth harbour importers", ThreatType.BORDERS, "Weymouth, Portland", (DO,), R, (2, 1, 2, 2, 4, 1), 3, "low"
    ),
    Spec("Moorland prison suppliers", ThreatType.PRISONS, "Princetown", (DC,), F, (1, 1, 1, 2, 2, 2), 3, holding=DC),
    Spec("Salisbury Plain hare coursers", ThreatType.OTHER, "Wiltshire", (WI,), R, (0, 1, 1, 1, 1, 0), 3, months_ago=9),
    Spec("Cheltenham ransomware affiliates", ThreatType.CYBER, "Online", (GL,), R, (0, 2, 4, 2, 4, 2), 3),
    Spec("Torbay sextortion ring", ThreatType.CSAE, "Torquay, online", (DC,), R, None),
]

MEMBER_FIRST = [
    "Dean",
    "Kyle",
    "Shane",
    "Marcus",
    "Leon",
    "Tyler",
    "Jade",
    "Connor",
    "Reece",
    "Nathan",
    "Kerry",
    "Darren",
    "Lewis",
    "Ashley",
    "Callum",
    "Dylan",
    "Brandon",
    "Stacey",
    "Wayne",
    "Jamie",
]
MEMBER_LAST = [
    "Varcoe",
    "Polglase",
    "Trebilcock",
    "Hosking",
    "Lanyon",
    "Chenoweth",
    "Rundle",
    "Tregear",
    "Bolitho",
    "Kitto",
    "Spargo",
    "Jory",
    "Nancarrow",
    "Pengelly",
    "Roskilly",
    "Vosper",
    "Trevail",
    "Menhenick",
]
MEMBER_ROLES = [
    MemberRole.PRINCIPAL,
    MemberRole.LIEUTENANT,
    MemberRole.MEMBER,
    MemberRole.MEMBER,
    MemberRole.FACILITATOR,
    MemberRole.ASSOCIATE,
]
GENERATED_AREAS = [
    "Bath",
    "Yeovil",
    "Barnstaple",
    "Newquay",
    "Penzance",
    "Dorchester",
    "Stroud",
    "Chippenham",
    "Trowbridge",
    "Weston-super-Mare",
    "Frome",
    "Bideford",
    "Tewkesbury",
    "Christchurch",
]


@register_seeder(40, "threats and tasking")
def seed_threats(ctx: DemoContext) -> None:
    region: Region = ctx.data["region"]
    analyst2 = _second_analyst(ctx, region)
    analyst = ctx.data["user:analyst"]
    forces = {f.code: f for f in Force.objects.filter(region=region)}
    group = NeedToKnowGroup.objects.filter(region=region, name=VIZARDLIKE).first()
    if group is not None:
        group.memberships.get_or_create(user=analyst2)
    existing = set(TaskingSubject.objects.filter(region=region).values_list("name", flat=True))
    seeder = _Seeder(ctx, region, forces, group, analyst, analyst2)
    threats = list(THREATS) + _generated(ctx, "threat", 40 * (ctx.scale - 1))
    ocgs = list(OCGS) + _generated(ctx, "ocg", 15 * (ctx.scale - 1))
    for spec in threats:
        if spec.name not in existing:
            seeder.subject(spec, SubjectKind.THREAT)
    for i, spec in enumerate(ocgs):
        if spec.name not in existing:
            ocg = seeder.subject(spec, SubjectKind.OCG)
            if i < len(OCGS):
                seeder.members(ocg, spec, i)
    _link_ocgs(region)
    _awaiting_review(seeder, "Sextortion of teenagers", analyst2)
    if not Meeting.objects.filter(region=region).exists():
        _meetings(ctx, region)


def _second_analyst(ctx: DemoContext, region: Region) -> User:
    today = timezone.localdate()
    wiltshire = Force.objects.get(code=WI)
    user, _ = User.objects.update_or_create(
        username="analyst2",
        defaults=dict(
            first_name="Tom",
            last_name="Kitto",
            email="analyst2@rocu.example",
            region=region,
            force=wiltshire,
            unit=region.units.filter(unit_type=UnitType.RIU).first(),
            job_title="Intelligence analyst",
            vetting=Vetting.SC,
            vetting_expires=today + dt.timedelta(days=730),
            is_active=True,
            demo_login=True,
        ),
    )
    user.set_password(ctx.password)
    user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.ANALYST)
    ctx.logins.append(("analyst2", "a second analyst, to review the first analyst's threat scores"))
    ctx.data["user:analyst2"] = user
    return user


def _generated(ctx: DemoContext, kind: str, count: int) -> list[Spec]:
    """Extra threats or OCGs for `--scale N`: plausible names, random but seeded scores."""
    rng = ctx.rng
    types = list(ThreatType.values)
    out = []
    for i in range(count):
        ttype = rng.choice(types)
        area = rng.choice(GENERATED_AREAS)
        nforces = rng.choice([1, 1, 1, 2, 3])
        chosen = tuple(rng.sample(FORCES, nforces))
        held = rng.choice([F, F, R, R, R, N])
        harm = tuple(rng.randint(0, 4) for _ in range(6)) if rng.random() > 0.05 else None
        label = ThreatType(ttype).label.split(" (")[0]
        name = f"{label} — {area} ({kind} {i + 1:05d})" if kind == "threat" else f"{area} group {i + 1:05d}"
        out.append(
            Spec(
                name,
                ttype,
                area,
                chosen,
                held,
                harm,  # type: ignore[arg-type]
                rng.randint(1, 5),
                rng.choice(["low", "medium", "high"]),
                months_ago=rng.randint(0, 12),
                holding=chosen[0] if held == F else "",
            )
        )
    return out


class _Seeder:
    def __init__(
        self,
        ctx: DemoContext,
        region: Region,
        forces: dict[str, Force],
        group: NeedToKnowGroup | None,
        analyst: User,
        analyst2: User,
    ) -> None:
        self.ctx = ctx
        self.region = region
        self.forces = forces
        self.group = group
        self.analyst = analyst
        self.analyst2 = analyst2
        self.scale = current_scale()
        self.rule = current_rule()
        self.today = timezone.localdate()
        self.count = 0

    def subject(self, spec: Spec, kind: str) -> Any:
        self.count += 1
        common: dict[str, Any] = dict(
            region=self.region,
            kind=kind,
            reference="",
            name=spec.name,
            area=spec.area,
            owner=self.analyst if self.count % 2 else self.analyst2,
            created_by=self.analyst,
            held_by=spec.held_by,
            holding_force=self.forces.get(spec.holding) if spec.held_by == HeldBy.FORCE else None,
            need_to_know_group=self.group if spec.group else None,
            created_at=timezone.now() - dt.timedelta(days=30 * spec.months_ago + 40),
        )
        if kind == SubjectKind.THREAT:
            subject: Any = Threat(threat_type=spec.kind, **common)
        else:
            subject = OrganisedCrimeGroup(threat_types=[spec.kind], **common)
        subject.save()
        subject.reference = f"{'THR' if kind == SubjectKind.THREAT else 'OCG'}-{subject.pk:06d}"
        subject.forces_affected.set([self.forces[c] for c in spec.forces])
        if spec.harm is not None:
            self._assess(subject, spec)
        self._flags(subject)
        subject.save()
        return subject

    def _assess(self, subject: Any, spec: Spec) -> None:
        keys = self.scale.dimension_keys
        position, opportunity = 2 + self.count % 3, 1 + (self.count * 7) % 5
        scored_at = timezone.now() - dt.timedelta(days=30 * spec.months_ago + 3)
        versions = [spec.harm]
        if self.count % 4 == 0 and spec.harm is not None:  # an earlier, lower score: re-scored since
            versions.insert(0, tuple(max(0, h - 1) for h in spec.harm))  # type: ignore[arg-type]
        for number, harm in enumerate(versions, start=1):
            assert harm is not None
            inputs = scoring.ScoreInput(
                harm=dict(zip(keys, harm, strict=True)),
                likelihood=spec.likelihood,
                confidence=spec.confidence,
                organisational_position=position,
                opportunity=opportunity,
            )
            result = scoring.score(inputs, self.scale)
            level = tasking.tasking_level(
                tasking.LevelInput(risk=result.risk, scope=harm[4], forces_affected=len(spec.forces)), self.rule
            )
            when = scored_at - dt.timedelta(days=60 * (len(versions) - number))
            scorer, reviewer = (self.analyst, self.analyst2) if self.count % 2 else (self.analyst2, self.analyst)
            Assessment.objects.create(
                subject=subject,
                version=number,
                harm_inputs=dict(inputs.harm),
                likelihood=spec.likelihood,
                confidence=spec.confidence,
                organisational_position=position,
                opportunity=opportunity,
                rationale=f"Demo assessment of {spec.name}: intelligence picture and partner reporting.",
                harm=result.harm,
                risk=result.risk,
                priority_score=result.priority,
                proposed_level=level,
                scale_version=result.scale_version,
                rule_version=self.rule.version,
                scored_by=scorer,
                scored_at=when,
                status=AssessmentStatus.APPROVED,
                reviewed_by=reviewer,
                reviewed_at=when + dt.timedelta(days=2),
                review_comment="Agreed.",
            )
            subject.harm, subject.likelihood, subject.risk = result.harm, spec.likelihood, result.risk
            subject.priority_score, subject.confidence = result.priority, spec.confidence
            subject.scale_version = result.scale_version
            subject.assessed_level = subject.level = level
            subject.assessed_on = (when + dt.timedelta(days=2)).date()

    def _flags(self, subject: Any) -> None:
        has_plan = bool(subjects_with_plan([subject.pk])) if subject.is_priority else False
        flags = tasking.flags_for(
            tasking.FlagInput(
                assessed_level=subject.assessed_level or None,
                held_by=subject.held_by,
                is_priority=subject.is_priority,
                has_lro=subject.lro_id is not None,
                has_plan=has_plan,
                assessed_on=subject.assessed_on,
                today=self.today,
            ),
            self.rule,
        )
        for code, attr in FLAG_FIELDS.items():
            setattr(subject, attr, code in flags)

    def members(self, ocg: OrganisedCrimeGroup, spec: Spec, index: int) -> None:
        rng = self.ctx.rng
        for j in range(3 + index % 4):
            nominal = Nominal(
                region=self.region,
                reference="",
                need_to_know_group=self.group if spec.group else None,
                subject_category=DataSubjectCategory.CONVICTED if j == 0 else DataSubjectCategory.SUSPECT,
                first_name=rng.choice(MEMBER_FIRST),
                surname=rng.choice(MEMBER_LAST),
                date_of_birth=dt.date(1975 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28)),
                town=spec.area.split(",")[0],
                created_by=self.analyst,
            )
            nominal.save()
            nominal.reference = f"NOM-{nominal.pk:06d}"
            nominal.save(update_fields=["reference"])
            OCGMembership.objects.create(
                ocg=ocg, nominal=nominal, role=MEMBER_ROLES[j % len(MEMBER_ROLES)], added_by=self.analyst
            )


def _awaiting_review(seeder: _Seeder, name: str, scorer: User) -> None:
    """One score waiting for a second analyst, so the review queue is not empty."""
    subject = TaskingSubject.objects.filter(region=seeder.region, name=name).first()
    if subject is None or subject.assessments.exists():
        return
    inputs = scoring.ScoreInput(
        harm=dict(zip(seeder.scale.dimension_keys, (2, 4, 1, 2, 3, 4), strict=True)),
        likelihood=4,
        confidence="medium",
        organisational_position=3,
        opportunity=3,
    )
    result = scoring.score(inputs, seeder.scale)
    level = tasking.tasking_level(
        tasking.LevelInput(risk=result.risk, scope=3, forces_affected=subject.forces_affected.count()), seeder.rule
    )
    Assessment.objects.create(
        subject=subject,
        version=1,
        harm_inputs=dict(inputs.harm),
        likelihood=4,
        confidence="medium",
        organisational_position=3,
        opportunity=3,
        rationale="Referrals from schools and the NCA's CEOP command have tripled this year.",
        harm=result.harm,
        risk=result.risk,
        priority_score=result.priority,
        proposed_level=level,
        scale_version=result.scale_version,
        rule_version=seeder.rule.version,
        scored_by=scorer,
    )


def _link_ocgs(region: Region) -> None:
    names = {o.name: o for o in OrganisedCrimeGroup.objects.filter(region=region, name__in=[s.name for s in OCGS])}
    pairs = [
        ("Vizardlike OCG (firearms supply)", "Tamar Crossing network"),
        ("Vizardlike OCG (firearms supply)", "Avonmouth dock crew"),
        ("Cotswold car wash group", "Kingswood money mules"),
    ]
    for a, b in pairs:
        if a in names and b in names:
            names[a].linked_ocgs.add(names[b])


def _meetings(ctx: DemoContext, region: Region) -> None:
    """A T&CG held last month with decisions and actions, and the next one planned."""
    head, lro = ctx.data["user:head"], ctx.data["user:lro"]
    members = [
        ctx.data[f"user:{u}"] for u in ("analyst", "sio", "lro", "forcelead", "analyst2") if f"user:{u}" in ctx.data
    ]
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=28)
    past = Meeting.objects.create(
        region=region,
        title=f"South West T&CG — {held_on:%B %Y}",
        held_on=held_on,
        chair=head,
        status=MeetingStatus.HELD,
        changes_since=held_on - dt.timedelta(days=31),
        minutes=(
            "The group reviewed the threat picture and the mismatches list. Firearms supply and online child "
            "sexual exploitation were adopted as regional priorities. County lines into Bournemouth and Poole was "
            "discussed: Dorset asked to keep it while the ROCU's capacity is committed to Vizardlike."
        ),
        created_by=head,
    )
    past.members.set([head, *members])
    subjects = {s.name: s for s in TaskingSubject.objects.filter(region=region)}

    def decide(name: str, kind: str, rationale: str, owner: User, **extra: Any) -> Decision | None:
        subject = subjects.get(name)
        if subject is None:
            return None
        decision = Decision.objects.create(
            meeting=past,
            subject=subject,
            kind=kind,
            rationale=rationale,
            owner=owner,
            due_on=held_on + dt.timedelta(days=56),
            recorded_by=head,
            recorded_at=timezone.now() - dt.timedelta(days=28),
            **extra,
        )
        if kind == DecisionKind.ADOPT:
            subject.is_priority, subject.adopted_on = True, held_on
            if extra.get("new_level") is None and owner is lro:
                subject.lro = lro
        elif kind == DecisionKind.MOVE_LEVEL:
            subject.level = extra["new_level"]
            subject.held_by = {"local": HeldBy.FORCE, "regional": HeldBy.ROCU, "national": HeldBy.NCA}[
                extra["new_level"]
            ]
        return decision

    decide(
        "Firearms supply — Project Vizardlike",
        DecisionKind.ADOPT,
        "Highest risk in the region; the supply network crosses three forces.",
        lro,
    )
    decide(
        "Online child sexual exploitation",
        DecisionKind.ADOPT,
        "Harm to children is critical and the volume of referrals is rising. LRO to be named next month.",
        head,
    )
    decide(
        "Ransomware against small businesses",
        DecisionKind.ALLOCATE,
        "Regional cyber crime unit has capacity after closing its last operation.",
        head,
        capability=UnitType.CYBER,
    )
    plan = decide(
        "Human trafficking for labour exploitation — car washes",
        DecisionKind.REQUIRE_PLAN,
        "Victims safeguarded last year need a Prevent and Protect strand, not only Pursue.",
        lro,
    )
    decide(
        "Heritage crime — metal from churches",
        DecisionKind.DECLINE,
        "Low risk and local: for Devon and Cornwall's neighbourhood teams.",
        head,
    )
    TaskingAction.objects.create(
        meeting=past,
        decision=plan,
        description="Write a 4P plan for human trafficking (car washes) with Unseen UK",
        owner=lro,
        due_on=held_on + dt.timedelta(days=56),
    )
    TaskingAction.objects.create(
        meeting=past,
        description="Name an LRO for online child sexual exploitation",
        owner=head,
        due_on=held_on + dt.timedelta(days=28),
    )
    TaskingAction.objects.create(
        meeting=past,
        description="Report back on Dorset's capacity for county lines into Bournemouth",
        owner=ctx.data["user:forcelead"],
        due_on=held_on + dt.timedelta(days=21),
        status=ActionStatus.DONE,
    )
    rule = current_rule()
    for subject in subjects.values():
        has_plan = bool(subjects_with_plan([subject.pk])) if subject.is_priority else False
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
        for code, attr in FLAG_FIELDS.items():
            setattr(subject, attr, code in flags)
        subject.save()
    nxt = Meeting.objects.create(
        region=region,
        title=f"South West T&CG — {(today + dt.timedelta(days=3)):%B %Y}",
        held_on=today + dt.timedelta(days=3),
        chair=head,
        status=MeetingStatus.PLANNED,
        changes_since=held_on,
        created_by=head,
    )
    nxt.members.set([head, *members])
