"""Demo governance: the 2021 ROCU inspection as the seed document gives it, Devon and
Cornwall's published response, every region's tracking of its recommendations at
different stages, one more (invented) inspection with a response falling due, and the
registers.

Written with the models directly (like the organisations seeder) so seed-demo stays
fast; idempotent because it stops when the 2021 inspection is already there.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from rocu.accounts.models import Force, Region, UnitType, User
from rocu.core.demo import DemoContext, register_seeder
from rocu.governance import demo_texts
from rocu.governance.models import (
    AccountableOfficer,
    AccountableSubject,
    CounterCorruptionMeasure,
    CounterCorruptionMeasureKind,
    Evidence,
    Finding,
    FindingKind,
    GoodPractice,
    GoodPracticeAdoption,
    InspectingBody,
    Inspection,
    InspectionResponse,
    MeasureStatus,
    Outcome,
    Position,
    ProgressStatus,
    RecommendationPosition,
    RecommendationTracking,
    ThreatArea,
    TrackingChange,
)

TITLE_2021 = "An inspection of the effectiveness of the Regional Organised Crime Units"
DUE_2022 = dt.date(2022, 2, 28)

FINDINGS_2021: list[dict[str, object]] = [
    {
        "kind": FindingKind.CAUSE_OF_CONCERN,
        "reference": "Cause of concern 1",
        "text": "Lack of a sustainable funding model. Business leads find it difficult to plan, staff face "
        "uncertainty about the tenure of their posts, ROCUs struggle to attract and retain talent based on "
        "fixed term arrangements and they can't invest effectively in specialist capabilities.",
    },
    {
        "kind": FindingKind.RECOMMENDATION,
        "reference": "Recommendation 1",
        "text": "Legislation on the national tasking of the ROCU network (the report's recommendation 1; the "
        "published response does not reproduce its text, and the chief constable does not accept it).",
        "addressed_to": "Home Office",
        "due_date": DUE_2022,
    },
    {
        "kind": FindingKind.RECOMMENDATION,
        "reference": "Recommendation 2",
        "text": "By February 2022, chief officers responsible for SOC in each region, with the chief officers of "
        "the affected forces, should make sure that systems are in place for senior investigating officers "
        "(SIOs) and lead responsible officers (LROs) to work effectively together",
        "addressed_to": "Chief constables",
        "due_date": DUE_2022,
    },
    {
        "kind": FindingKind.RECOMMENDATION,
        "reference": "Recommendation 3",
        "text": "By February 2022, the chief constable with the lead for SOC in each region, with the chief "
        "officers of the affected forces, should ensure that a chief officer is appointed with responsibility "
        "for each ROCU, as far as practicable working autonomously of force responsibilities",
        "addressed_to": "Chief constables",
        "due_date": DUE_2022,
    },
    {
        "kind": FindingKind.RECOMMENDATION,
        "reference": "Recommendation 4",
        "text": "By February 2022, the Home Office should lead work with the NPCC and the Association of Police and "
        "Crime Commissioners (APCC) to identify a sustainable funding model for ROCUs that: provides long term "
        "clarity and certainty to the financial position of ROCUs, to allow for future business planning and "
        "more financial stability; and enables ROCUs to lead the response to SOC in their region",
        "addressed_to": "Home Office; NPCC; APCC",
        "due_date": DUE_2022,
        "cause": "Cause of concern 1",
    },
    {
        "kind": FindingKind.AREA_FOR_IMPROVEMENT,
        "reference": "Area for improvement 1",
        "text": "ROCUs were focussed on the 'pursue' principle, and less on 'prevent', 'protect' and 'prepare'.",
    },
    {
        "kind": FindingKind.AREA_FOR_IMPROVEMENT,
        "reference": "Area for improvement 2",
        "text": "Lack of awareness or evidence of counter-corruption measures across the ROCU network.",
    },
    {
        "kind": FindingKind.AREA_FOR_IMPROVEMENT,
        "reference": "Area for improvement 3",
        "text": "More needs to be done to co-ordinate national messages to the public about SOC.",
    },
    {
        "kind": FindingKind.GOOD_PRACTICE,
        "reference": "Good practice 1",
        "text": "Examples of innovative work being shared locally and between specialists.",
    },
]

REASONS_NOT_ACCEPTED = (
    "The ROCU is not a corporation sole or a formal body established in addition to Chief Constables and "
    "Police and Crime Commissioners. The NCA currently has sufficient powers to task the ROCUs should it require "
    "to and direct Chief Constables who with PCCs own the ROCUs. There is already sufficient legislation in place."
)

# Each region's progress on recommendations 1 to 4: (progress, outcome).
STAGES = [
    (ProgressStatus.AWAITING_REVIEW, Outcome.NOT_ASSESSED),
    (ProgressStatus.BEING_PROGRESSED, Outcome.NOT_ASSESSED),
    (ProgressStatus.BEING_PROGRESSED, Outcome.PARTLY),
    (ProgressStatus.COMPLETE, Outcome.ACHIEVED),
    (ProgressStatus.COMPLETE, Outcome.PARTLY),
    (ProgressStatus.COMPLETE, Outcome.NOT_ACHIEVED),
]


def _findings(inspection: Inspection, rows: list[dict[str, object]]) -> dict[str, Finding]:
    made: dict[str, Finding] = {}
    for order, row in enumerate(rows):
        row = dict(row)
        cause = row.pop("cause", None)
        finding = Finding.objects.create(inspection=inspection, order=order, **row)
        if cause:
            finding.cause = made[str(cause)]
            finding.save(update_fields=["cause"])
        made[finding.reference] = finding
    return made


def _track(
    finding: Finding,
    region: Region,
    progress: str,
    outcome: str,
    actor: User,
    *,
    owner: User | None = None,
    approver: User | None = None,
    since: dt.date,
    closer: User | None = None,
) -> RecommendationTracking:
    t = RecommendationTracking.objects.create(
        finding=finding,
        region=region,
        owner=owner,
        approver=approver,
        due_date=finding.due_date,
        progress=progress,
        progress_since=since,
        outcome=outcome,
        outcome_since=since,
    )
    TrackingChange.objects.create(
        tracking=t,
        what=TrackingChange.What.CREATED,
        new_value="Awaiting review",
        effective_date=finding.inspection.published + dt.timedelta(days=30),
        changed_by=actor,
    )
    if progress != ProgressStatus.AWAITING_REVIEW:
        TrackingChange.objects.create(
            tracking=t,
            what=TrackingChange.What.PROGRESS,
            old_value="Awaiting review",
            new_value="Being progressed",
            effective_date=since - dt.timedelta(days=120),
            changed_by=actor,
        )
    if progress == ProgressStatus.COMPLETE:
        t.closed_at = timezone.make_aware(dt.datetime.combine(since, dt.time(12)))
        t.closed_by = closer or actor
        t.save(update_fields=["closed_at", "closed_by"])
        TrackingChange.objects.create(
            tracking=t,
            what=TrackingChange.What.CLOSURE_APPROVED,
            old_value="Being progressed",
            new_value="Complete",
            effective_date=since,
            changed_by=closer or actor,
        )
    if outcome != Outcome.NOT_ASSESSED:
        TrackingChange.objects.create(
            tracking=t,
            what=TrackingChange.What.OUTCOME,
            old_value="Not yet assessed",
            new_value=Outcome(outcome).label,
            effective_date=since,
            note="Assessed at the regional governance board.",
            changed_by=actor,
        )
    return t


def _evidence(tracking: RecommendationTracking, actor: User, name: str, text: str) -> None:
    content = text.encode()
    e = Evidence(
        region=tracking.region,
        tracking=tracking,
        description=name,
        filename=f"{name.lower().replace(' ', '-')}.txt",
        content_type="text/plain",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    e.file.save(e.filename, ContentFile(content), save=False)
    e.save()


@register_seeder(60, "governance")
def seed_governance(ctx: DemoContext) -> None:
    if Inspection.objects.filter(title=TITLE_2021).exists():
        return
    head: User = ctx.data.get("user:head") or User.objects.get(username="head")
    national: User = ctx.data.get("user:national") or User.objects.get(username="national")
    lro: User = ctx.data.get("user:lro") or User.objects.get(username="lro")
    sio: User = ctx.data.get("user:sio") or User.objects.get(username="sio")
    pcc: User = ctx.data.get("user:pcc") or User.objects.get(username="pcc")
    auditor: User = ctx.data.get("user:auditor") or User.objects.get(username="auditor")
    sw = Region.objects.get(code="south-west")
    today = timezone.localdate()
    rng = ctx.rng

    inspection = Inspection.objects.create(
        body=InspectingBody.HMICFRS,
        title=TITLE_2021,
        published=dt.date(2021, 2, 10),
        scope="An HMICFRS thematic inspection of how effectively and efficiently the ROCUs tackle the threat from "
        "serious and organised crime. Five ROCUs were attended in February, March and September 2020; the South "
        "West ROCU was not one of them.",
        created_by=national,
    )
    f = _findings(inspection, FINDINGS_2021)
    recs = [f["Recommendation 1"], f["Recommendation 2"], f["Recommendation 3"], f["Recommendation 4"]]

    # The South West: its own story, with owners and an approver who is not the owner.
    _track(recs[0], sw, ProgressStatus.AWAITING_REVIEW, Outcome.NOT_ASSESSED, head, owner=head, since=today)
    sio_lro = _track(
        recs[1],
        sw,
        ProgressStatus.BEING_PROGRESSED,
        Outcome.PARTLY,
        head,
        owner=lro,
        approver=head,
        since=dt.date(2022, 1, 10),
    )
    _evidence(
        sio_lro,
        lro,
        "Joint SIO and LRO review terms",
        "Terms of reference: every Pursue operation against a priority has a named LRO; SIO and LRO meet "
        "monthly and record joint decisions.",
    )
    chief = _track(
        recs[2],
        sw,
        ProgressStatus.COMPLETE,
        Outcome.ACHIEVED,
        head,
        owner=head,
        approver=national,
        since=dt.date(2021, 6, 1),
        closer=national,
    )
    _evidence(chief, head, "Section 22A agreement schedule", "Schedule 3: the ROCU's accountable chief officer.")
    _track(recs[3], sw, ProgressStatus.BEING_PROGRESSED, Outcome.NOT_ASSESSED, head, owner=head, since=today)
    # Every other ROCU at its own stage, so the national view has laggards and leaders.
    for region in Region.objects.exclude(pk=sw.pk).order_by("name"):
        for rec in recs:
            progress, outcome = rng.choice(STAGES)
            since = dt.date(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 700))
            _track(rec, region, progress, outcome, national, since=min(since, today), closer=national)

    dc = Force.objects.get(code="devon-cornwall")
    response = InspectionResponse.objects.create(
        inspection=inspection,
        force=dc,
        region=sw,
        chief_constable_comments=demo_texts.CHIEF_CONSTABLE_COMMENTS,
        cc_updated_by=head,
        pcc_response=demo_texts.PCC_RESPONSE,
        pcc_updated_by=pcc,
        state=InspectionResponse.State.PUBLISHED,
        published_at=dt.datetime(2021, 4, 6, 9, 0, tzinfo=dt.UTC),
        published_by=pcc,
        public_slug="devon-and-cornwall-police-2021-rocu-inspection",
    )
    for rec, position, reasons in (
        (recs[0], Position.NOT_ACCEPTED, REASONS_NOT_ACCEPTED),
        (recs[1], Position.ACCEPTED, ""),
        (recs[2], Position.ACCEPTED, "For the South West ROCU this practice is already in place."),
        (recs[3], Position.ACCEPTED, ""),
    ):
        RecommendationPosition.objects.create(
            response=response, finding=rec, position=position, reasons=reasons, recorded_by=pcc
        )

    # One other inspection, recent: its 56-day response is falling due.
    other = Inspection.objects.create(
        body=InspectingBody.HMICFRS,
        title="South West ROCU: county lines and child exploitation (demo inspection)",
        published=today - dt.timedelta(days=40),
        scope="An invented inspection for the demo: how the South West ROCU and its forces tackle county lines.",
        region=sw,
        created_by=head,
    )
    g = _findings(
        other,
        [
            {
                "kind": FindingKind.RECOMMENDATION,
                "reference": "Recommendation 1",
                "text": "Within three months, the ROCU should make sure every county lines 4P plan names Prevent "
                "and Protect actions with partners.",
                "addressed_to": "ROCU heads",
                "due_date": today + dt.timedelta(days=10),
            },
            {
                "kind": FindingKind.AREA_FOR_IMPROVEMENT,
                "reference": "Area for improvement 1",
                "text": "Referrals from partners are not always checked within two working days.",
            },
            {
                "kind": FindingKind.GOOD_PRACTICE,
                "reference": "Good practice 1",
                "text": "The Regional Disruption Team's triage of Border Force fast parcel referrals.",
            },
        ],
    )
    _track(
        g["Recommendation 1"],
        sw,
        ProgressStatus.BEING_PROGRESSED,
        Outcome.NOT_ASSESSED,
        head,
        owner=lro,
        approver=head,
        since=today - dt.timedelta(days=20),
    )
    InspectionResponse.objects.create(inspection=other, force=dc, region=sw)

    # Accountable officers, with history.
    AccountableOfficer.objects.create(
        region=sw,
        subject=AccountableSubject.CHIEF_OFFICER,
        officer_name="ACC Morwenna Kessell (demo)",
        starts=dt.date(2019, 4, 1),
        ends=dt.date(2021, 5, 31),
        appointed_by=head,
    )
    AccountableOfficer.objects.create(
        region=sw,
        subject=AccountableSubject.CHIEF_OFFICER,
        officer_name="ACC Daniel Rowe (demo)",
        starts=dt.date(2021, 6, 1),
        appointed_by=head,
    )
    for capability, user in ((UnitType.RIU, head), (UnitType.RDT, head), (UnitType.ROCT, sio)):
        AccountableOfficer.objects.create(
            region=sw,
            subject=AccountableSubject.CAPABILITY,
            capability=capability,
            officer=user,
            officer_name=f"{user.job_title} {user.display_name}",
            starts=dt.date(2021, 6, 1),
            appointed_by=head,
        )
    AccountableOfficer.objects.create(
        region=sw,
        subject=AccountableSubject.RECOMMENDATION,
        tracking=sio_lro,
        officer=lro,
        officer_name=f"{lro.job_title} {lro.display_name}",
        starts=dt.date(2021, 4, 1),
        appointed_by=head,
    )

    # The counter-corruption measures register the inspectorate asks for.
    for kind, title, status, owner in (
        (CounterCorruptionMeasureKind.VETTING, "Vetting compliance and renewals", MeasureStatus.IN_PLACE, auditor),
        (
            CounterCorruptionMeasureKind.IT_MONITORING,
            "Monitoring of rocu and force IT use",
            MeasureStatus.PARTLY,
            auditor,
        ),
        (
            CounterCorruptionMeasureKind.BUSINESS_INTERESTS,
            "Declarations of business interests and associations",
            MeasureStatus.IN_PLACE,
            head,
        ),
        (CounterCorruptionMeasureKind.GIFTS, "Gifts and hospitality register", MeasureStatus.PLANNED, head),
    ):
        CounterCorruptionMeasure.objects.create(
            region=sw, kind=kind, title=title, status=status, owner=owner, review_date=today + dt.timedelta(days=90)
        )

    # The good practice library, and who took each one up.
    ne = Region.objects.get(code="north-east")
    tarian = Region.objects.get(code="tarian")
    fast_parcels = GoodPractice.objects.create(
        region=sw,
        title="Fast Parcels: RDT triage of Border Force referrals",
        summary="The Regional Disruption Team checks every Border Force parcel referral against intelligence "
        "holdings and works each linked case with the force: 1,124 referrals checked, 62 investigated.",
        threat=ThreatArea.BORDERS,
        capability=UnitType.RDT,
        finding=g["Good practice 1"],
        created_by=head,
    )
    joint = GoodPractice.objects.create(
        region=ne,
        title="Joint SIO and LRO monthly review",
        summary="Every priority OCG has a named LRO who sits with the SIO each month to agree Prevent, Protect "
        "and Prepare actions beside Pursue.",
        threat=ThreatArea.CROSS_CUTTING,
        capability=UnitType.ROCT,
        created_by=national,
    )
    GoodPractice.objects.create(
        region=tarian,
        title="Public results bulletin",
        summary="A quarterly plain-language bulletin of disruptions and seizures, with small numbers suppressed.",
        threat=ThreatArea.CROSS_CUTTING,
        capability=UnitType.HQ,
        created_by=national,
    )
    GoodPracticeAdoption.objects.create(practice=joint, region=sw, adopted_on=dt.date(2021, 9, 1), recorded_by=head)
    GoodPracticeAdoption.objects.create(
        practice=fast_parcels, region=tarian, adopted_on=dt.date(2022, 3, 1), recorded_by=national
    )
    ctx.notes.append("Governance: the 2021 ROCU inspection and Devon and Cornwall's published response are seeded.")
