"""Demo referrals: the seed's 1,124 Border Force parcel referrals and where they went.

Subjects are invented (linkage_synthetic); about a quarter of recipients and a few
senders are people in the demo holdings, written down as a parcel label would. Every
subject is checked against holdings in one batch, as a bulk import would; then the
triage decisions are laid down so that 62 are adopted by the ROCU (the seed's
figure for referrals investigated), and some are disseminated to each force.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from rocu.accounts.models import Force, PartnerAgency, PartnerKind
from rocu.core.demo import DemoContext, register_seeder
from rocu.engines.linkage_synthetic import COMMODITIES, PORTS, PeopleFactory, as_recorded
from rocu.intelligence.demo import parse_demo_date as _date
from rocu.referrals import intake
from rocu.referrals.models import HandlingCode, Referral, ReferralStatus, ReferralTemplate, TriageDecision

REFERRALS = 1124
ADOPTED = 62
SEED = 1124


@register_seeder(45, "referrals")
def seed_referrals(ctx: DemoContext) -> None:
    from rocu.referrals import services

    region = ctx.data["region"]
    border_force = PartnerAgency.objects.get(kind=PartnerKind.BORDER_FORCE, name="Border Force")
    wanted = REFERRALS * ctx.scale
    if Referral.objects.filter(partner=border_force, partner_reference__startswith="BF-DEMO-").count() >= wanted:
        return
    actor = ctx.data["user:disruption"]
    rng = random.Random(SEED)
    factory = PeopleFactory(rng)
    held = ctx.data.get("holdings:people") or []
    today = timezone.localdate()
    existing = set(
        Referral.objects.filter(partner=border_force, partner_reference__startswith="BF-DEMO-").values_list(
            "partner_reference", flat=True
        )
    )
    parsed = []
    for i in range(wanted):
        received = today - dt.timedelta(days=int(365 * (1 - i / wanted)) + 1)
        commodity, unit, (low, high) = rng.choice(COMMODITIES)
        subjects = []
        for role, known in (("sender", 0.06), ("recipient", 0.25)):
            if held and rng.random() < known:
                person = as_recorded(rng, rng.choice(held), "x", factory, referral=True)
            else:
                person = factory.person("x", truth="")
                if rng.random() < 0.7:
                    person.dob = ""
                if role == "sender" and rng.random() < 0.5:
                    person.phone = person.email = ""
            subjects.append(
                {
                    "role": role,
                    "first_name": person.first_name,
                    "surname": person.surname,
                    "date_of_birth": _date(person.dob),
                    "address": person.address,
                    "town": person.town,
                    "postcode": person.postcode,
                    "phone": person.phone,
                    "email": person.email,
                }
            )
        ref = f"BF-DEMO-{i + 1:06d}"
        head = {
            "partner_reference": ref,
            "received_on": received,
            "seizure_date": received - dt.timedelta(days=rng.randint(0, 3)),
            "port": rng.choice(PORTS),
            "commodity": commodity,
            "quantity": Decimal(rng.randint(low, high)),
            "unit": unit,
        }
        if ref not in existing:
            parsed.append(intake.ParsedReferral(row=i + 2, head=head, subjects=subjects))
    built = [
        services.build_referral(
            actor=actor, region=region, partner=border_force, template=ReferralTemplate.BORDER_FORCE_PARCEL, head=r.head
        )
        for r in parsed
    ]
    deciders = [ctx.data["user:disruption"], ctx.data["user:analyst"]]
    now = timezone.now()
    for r in built:
        # Timings and assignment first; which decision each gets depends on its check.
        r.assigned_to = rng.choice(deciders)
        if r.received_on >= today - dt.timedelta(days=2):
            continue
        checked = dt.datetime.combine(
            r.received_on + dt.timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 4])), dt.time(10), tzinfo=dt.UTC
        )
        r.checked_at = min(checked, now)
        r.status = ReferralStatus.CHECKED
        if r.received_on < today - dt.timedelta(days=12):
            r.status = ReferralStatus.TRIAGED
            r.triaged_at = r.checked_at + dt.timedelta(days=rng.choice([1, 2, 3, 3, 4, 5, 7]))
            r.decided_by = r.assigned_to
            r.decision = TriageDecision.NO_FURTHER_ACTION
            r.decision_reason = "Personal-use quantity; no link to holdings or priorities."
    referrals = services.save_referrals(built, parsed)
    checked_ones = [r for r in referrals if r.checked_at is not None]
    services.referrals_check(actor=actor, referrals=checked_ones)
    _lay_down_decisions(rng, [r for r in referrals if r.status == ReferralStatus.TRIAGED], ctx)


def _lay_down_decisions(rng: random.Random, triaged: list[Referral], ctx: DemoContext) -> None:
    """The strongest matches are adopted (62 at scale 1); some go to forces and partners.

    Grouped updates, one per distinct decision, keep the seed to a fraction of a second.
    """
    from django.db.models import Max

    from rocu.referrals.models import CandidateMatch

    if not triaged:
        return
    forces = list(Force.objects.filter(region=ctx.data["region"]).order_by("code"))
    partners = list(PartnerAgency.objects.exclude(kind=PartnerKind.BORDER_FORCE).order_by("name"))
    best = dict(
        CandidateMatch.objects.filter(subject__referral__in=[r.pk for r in triaged])
        .values_list("subject__referral_id")
        .annotate(p=Max("match_probability"))
    )
    ranked = sorted(triaged, key=lambda r: (-best.get(r.pk, 0.0), r.pk))
    adopted = ADOPTED * ctx.scale
    Referral.objects.filter(pk__in=[r.pk for r in ranked[:adopted]]).update(
        decision=TriageDecision.ADOPT,
        decision_reason="Subject known to holdings; links to a regional priority. Adopted for investigation.",
    )
    groups: dict[tuple[int, str], list[int]] = {}
    for r in ranked[adopted : adopted + 110 * ctx.scale]:
        code: str = rng.choice([HandlingCode.P, HandlingCode.P, HandlingCode.C])
        groups.setdefault((rng.randrange(len(forces)), code), []).append(r.pk)
    for (force_index, code), ids in groups.items():
        Referral.objects.filter(pk__in=ids).update(
            decision=TriageDecision.DISSEMINATE,
            disseminated_to=forces[force_index],
            handling_code=code,
            handling_conditions="Not to be shared outside the receiving force's SOC team." if code == "C" else "",
            decision_reason="Local supply; recipient in the force area. Disseminated for local action.",
        )
    rest = ranked[adopted + 110 * ctx.scale :]
    to_partner: dict[int, list[int]] = {}
    for r in rest:
        if partners and rng.random() < 0.08:
            to_partner.setdefault(rng.randrange(len(partners)), []).append(r.pk)
    for index, ids in to_partner.items():
        Referral.objects.filter(pk__in=ids).update(
            decision=TriageDecision.REFER_PARTNER,
            referred_to_partner=partners[index],
            decision_reason="Better placed with the partner (safeguarding or revenue).",
        )
