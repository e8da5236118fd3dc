"""Demo operations, plans, joint reviews, outcomes and disruptions: the seed's cases.

Runs after threats (40), referrals (45) and the other order-60 seeders; idempotent
because every operation is found by its code name before it is opened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rocu.accounts.models import NeedToKnowGroup
from rocu.core.demo import DemoContext, register_seeder
from rocu.operations import services
from rocu.operations.models import Operation, Plan
from rocu.threats.models import OrganisedCrimeGroup, TaskingSubject, Threat


def _subject(region: Any, name: str, model: Any = Threat) -> Any:
    return model.objects.filter(region=region, name=name).first()


def _plan(ctx: DemoContext, subject: Any, title: str, template: str) -> Plan | None:
    if subject is None or not subject.is_priority:
        return None
    found = Plan.objects.filter(subject=subject).first()
    if found:
        return found
    head, lro = ctx.data["user:head"], ctx.data["user:lro"]
    return services.plan_create(
        actor=head,
        subject=subject,
        lro=lro,
        title=title,
        template=template,
        partners="Local authorities, charities",
        next_review_on=timezone.localdate() + dt.timedelta(days=30),
    )


def _adopt(ctx: DemoContext, subject: Any, rationale: str) -> None:
    """Make a subject an adopted priority through the T&CG, as the last held meeting's decision.

    Only when it is not one yet, so seeding again changes nothing."""
    from rocu.threats import services as threat_services
    from rocu.threats.models import DecisionKind, Meeting, MeetingStatus

    if subject is None or subject.is_priority:
        return
    meeting = (
        Meeting.objects.filter(region=subject.region, status=MeetingStatus.HELD).order_by("-held_on", "-pk").first()
    )
    if meeting is None:
        return
    head, lro = ctx.data["user:head"], ctx.data["user:lro"]
    threat_services.decision_record(
        actor=head,
        meeting=meeting,
        subject=subject,
        request=threat_services.DecisionRequest(
            kind=DecisionKind.ADOPT,
            rationale=rationale,
            owner=lro,
            due_on=meeting.held_on + dt.timedelta(days=56),
            lro=lro,
        ),
    )
    subject.refresh_from_db()


def _open(ctx: DemoContext, code: str, *, days_ago: int, live: bool = True, **kw: Any) -> tuple[Operation, bool]:
    region = ctx.data["region"]
    found = Operation.objects.filter(region=region, code_name=code).first()
    if found:
        return found, False
    head = ctx.data["user:head"]
    opened = timezone.localdate() - dt.timedelta(days=days_ago)
    op = services.operation_open(actor=head, code_name=code, opened_on=opened, **kw)
    if live:
        services.operation_status_change(actor=head, operation=op, to_status="live", on=opened + dt.timedelta(days=7))
    return op, True


@register_seeder(80, "operations and outcomes")
def seed_operations(ctx: DemoContext) -> None:
    from rocu.outcomes.demo import seed_case_outcomes

    region = ctx.data["region"]
    head, sio, analyst = ctx.data["user:head"], ctx.data["user:sio"], ctx.data["user:analyst"]
    forces = {f.name: f for f in region.forces.all()}
    force_list = sorted(forces.values(), key=lambda f: f.name)
    viz_threat = _subject(region, "Firearms supply — Project Vizardlike")
    viz_ocg = _subject(region, "Vizardlike OCG (firearms supply)", OrganisedCrimeGroup)
    msht = _subject(region, "Human trafficking for labour exploitation — car washes")
    cse = _subject(region, "Online child sexual exploitation")
    parcels = _subject(region, "Drugs by parcel — Border Force referrals")
    # Op Carwash (3 charged, 8 victims safeguarded) works to a 4P plan: its threat is adopted.
    _adopt(
        ctx,
        msht,
        "Victims safeguarded in Op Carwash need Prevent and Protect strands alongside Pursue: adopted as a "
        "regional priority so the LRO's 4P plan covers them.",
    )
    plans = {
        "viz": _plan(ctx, viz_threat, "4P plan: firearms supply on the M5 corridor", "firearms"),
        "msht": _plan(ctx, msht, "4P plan: labour exploitation in car washes", "human_trafficking"),
        "cse": _plan(ctx, cse, "4P plan: online child sexual exploitation", "cse"),
    }
    group = NeedToKnowGroup.objects.filter(region=region, name="Op Vizardlike team").first()
    cases = [
        (
            "Op Vizardlike",
            dict(
                sio=sio,
                force=force_list[0],
                threat=viz_threat,
                ocg=viz_ocg,
                plan=plans["viz"],
                need_to_know_group=group,
                team=[analyst],
                summary="Firearms supply investigation (Project Vizardlike).",
            ),
            200,
            "viz",
        ),
        (
            "Op Carwash",
            dict(
                sio=sio,
                force=force_list[0],
                threat=msht,
                plan=plans["msht"],
                summary="Human trafficking for labour exploitation in hand car washes.",
            ),
            150,
            "msht",
        ),
        (
            "Op Lantern",
            dict(
                sio=sio,
                force=force_list[1 % len(force_list)],
                threat=cse,
                plan=plans["cse"],
                summary="Online child sexual exploitation.",
            ),
            120,
            "cse",
        ),
        (
            "Op Fast Parcels",
            dict(
                sio=sio,
                force=force_list[0],
                threat=parcels,
                team=[ctx.data["user:disruption"]],
                summary="Regional disruption team: Border Force parcel referrals adopted by the ROCU.",
            ),
            90,
            "parcels",
        ),
    ]
    created: dict[str, Operation] = {}
    for code, kw, days, key in cases:
        op, new = _open(ctx, code, days_ago=days, **kw)
        if not new and op.plan_id is None and kw.get("plan") is not None:  # seeded before its plan existed
            op = services.operation_link_plan(actor=head, operation=op, plan=kw["plan"])
        created[key] = op
        if new:
            services.decision_record(
                actor=sio,
                operation=op,
                decision="Adopt the investigation strategy.",
                rationale="Intelligence supports a regional response.",
            )
    if "parcels" in created:
        from rocu.referrals.models import Referral, TriageDecision

        adopted = Referral.objects.filter(region=region, decision=TriageDecision.ADOPT)
        created["parcels"].referrals.add(*adopted)
    # A review for the firearms case keeps it in date; the others are overdue.
    viz = created["viz"]
    if viz.plan is not None and not viz.joint_reviews.exists():
        services.joint_review_record(
            actor=sio,
            operation=viz,
            held_on=timezone.localdate() - dt.timedelta(days=5),
            attendees=[sio, viz.plan.lro],
            agreed={"pursue": "Arrest phase in two weeks.", "protect": "Security advice to dealers."},
        )
    seed_case_outcomes(ctx, created)
    # Generated operations (scale-multiplied).
    subjects = list(TaskingSubject.objects.filter(region=region, is_priority=True).order_by("pk"))
    rng = ctx.rng
    for i in range(6 * ctx.scale):
        subject = subjects[i % len(subjects)] if subjects else None
        threat = Threat.objects.filter(pk=subject.pk).first() if subject else None
        plan = Plan.objects.filter(subject=subject).first() if subject else None
        days_open = 30 + rng.randint(0, 300)
        op, new = _open(
            ctx,
            f"Op Generated {i + 1:03d}",
            days_ago=days_open,
            sio=sio,
            force=force_list[i % len(force_list)],
            threat=threat,
            plan=plan,
            live=rng.random() < 0.8,
        )
        if new and plan and rng.random() < 0.5:
            services.joint_review_record(
                actor=head,
                operation=op,
                held_on=timezone.localdate() - dt.timedelta(days=rng.randint(1, min(60, days_open))),
                attendees=[sio, plan.lro],
                agreed={"pursue": "Continue."},
            )
