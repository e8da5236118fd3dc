"""The seed's case outcomes: trafficking (3 charged, 8 victims safeguarded) and online
CSE (18 arrests, 10 children safeguarded), plus disruptions; called by the operations seeder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rocu.core.demo import DemoContext
from rocu.intelligence.models import DataSubjectCategory, Nominal
from rocu.outcomes import services
from rocu.outcomes.models import DisruptionClaim


def _nominals(region: Any, n: int) -> list[Nominal]:
    return list(Nominal.objects.filter(region=region, subject_category=DataSubjectCategory.SUSPECT).order_by("pk")[:n])


def seed_case_outcomes(ctx: DemoContext, ops: dict[str, Any]) -> None:
    sio, lro = ctx.data["user:sio"], ctx.data["user:lro"]
    region = ctx.data["region"]
    today = timezone.localdate()
    people = _nominals(region, 40)
    msht, cse, viz = ops.get("msht"), ops.get("cse"), ops.get("viz")
    if msht is not None and not msht.outcomes.exists():
        for person in people[:3]:
            services.outcome_record(
                actor=sio,
                kind="charge",
                p_code="pursue",
                operation=msht,
                nominal=person,
                occurred_on=today - dt.timedelta(days=40),
            )
        services.outcome_record(
            actor=sio,
            kind="safeguard_adult",
            p_code="protect",
            operation=msht,
            count=8,
            occurred_on=today - dt.timedelta(days=45),
        )
    if cse is not None and not cse.outcomes.exists():
        for person in people[3:21]:
            services.outcome_record(
                actor=sio,
                kind="arrest",
                p_code="pursue",
                operation=cse,
                nominal=person,
                occurred_on=today - dt.timedelta(days=30),
            )
        services.outcome_record(
            actor=sio,
            kind="safeguard_child",
            p_code="protect",
            operation=cse,
            count=10,
            occurred_on=today - dt.timedelta(days=30),
        )
    if viz is not None and not viz.outcomes.exists():
        services.outcome_record(
            actor=sio,
            kind="seizure_firearms",
            p_code="pursue",
            operation=viz,
            quantity=4,
            unit="items",
            occurred_on=today - dt.timedelta(days=20),
        )
        services.outcome_record(
            actor=sio,
            kind="seizure_ammunition",
            p_code="pursue",
            operation=viz,
            quantity=120,
            unit="rounds",
            occurred_on=today - dt.timedelta(days=20),
        )
    if viz is not None and not DisruptionClaim.objects.filter(operation=viz).exists():
        claim = services.disruption_claim(
            actor=sio,
            operation=viz,
            grade="moderate",
            p_code="pursue",
            impact_weeks=12,
            description="Armourer arrested and workshop closed",
            evidence="Search record and seizure exhibits.",
            occurred_on=today - dt.timedelta(days=19),
        )
        services.disruption_validate(actor=lro, claim=claim, approve=True)
        services.disruption_claim(
            actor=sio,
            operation=viz,
            grade="minor",
            p_code="protect",
            impact_weeks=2,
            description="Security advice to registered firearms dealers",
            evidence="Visit log.",
            occurred_on=today - dt.timedelta(days=10),
        )
    if msht is not None and not DisruptionClaim.objects.filter(operation=msht).exists():
        claim = services.disruption_claim(
            actor=sio,
            operation=msht,
            grade="major",
            p_code="pursue",
            impact_weeks=52,
            description="Three principals charged; car wash network closed",
            evidence="Charging decisions from CPS.",
            occurred_on=today - dt.timedelta(days=39),
        )
        services.disruption_validate(actor=lro, claim=claim, approve=True)
