"""A month of ordinary work with planted misuse, written into the real audit trail.

Used by the demo seeder, the tests and the benchmark. Events go through
`audit_record` (so the chain stays valid) with the clock set to the moment each piece
of work happened: the trail then looks as a month of real use would.

Planted misuse (DOMAIN.md, counter-corruption):
- `association`: browses an OCG member who shares a surname and address with the
  brother-in-law they declared;
- `export`: exports 500 person records at 03:00;
- `fishing`: searches for names that match nobody, again and again, in one day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import Region, RoleAssignment, User
from rocu.audit.models import Category
from rocu.audit.services import audit_batch, audit_record
from rocu.core.classification import Classification, Vetting
from rocu.core.policy import Role
from rocu.counter_corruption.models import Declaration, DeclarationKind
from rocu.intelligence.models import DataSubjectCategory, Nominal

SURNAMES = [
    "Abbott", "Bennett", "Crane", "Doyle", "Ellery", "Fenwick", "Garrow", "Hollis", "Ivers", "Jory",
    "Keast", "Lander", "Mabyn", "Nancarrow", "Opie", "Polglase", "Quiller", "Rowse", "Sennen", "Tonkin",
    "Uren", "Vosper", "Warne", "Yeo", "Angove", "Bolitho", "Chenoweth", "Dunstan", "Eva", "Froude",
]  # fmt: skip
# Colleagues' surnames never equal a person record's by chance (that would be a real finding).
STAFF_SURNAMES = [
    "Ashdown",
    "Blake",
    "Coombe",
    "Drew",
    "Elliott",
    "Fry",
    "Gill",
    "Hext",
    "Ilbert",
    "Jewell",
    "Kitto",
    "Luscombe",
]
FIRST_NAMES = ["Adam", "Beth", "Carl", "Dana", "Eddie", "Faye", "Glen", "Holly", "Ian", "Jade", "Kyle", "Lena"]
STREETS = ["Fore Street", "Harbour Road", "Chapel Lane", "Mount Pleasant", "Station Road", "Trelawney Way"]
TOWNS = [("Plymouth", "PL"), ("Exeter", "EX"), ("Truro", "TR"), ("Bristol", "BS"), ("Swindon", "SN")]

OCG_MEMBER = dict(first_name="Jason", surname="Kellow", address="14 Harbour View", town="Plymouth", postcode="PL4 0DX")
DECLARED = dict(
    first_name="Dean", surname="Kellow", address="14 Harbour View", postcode="PL4 0DX", relationship="brother-in-law"
)


@dataclass
class Scenario:
    region: Region
    ordinary: list[User] = field(default_factory=list)
    planted: dict[str, User] = field(default_factory=dict)
    ocg_member: Nominal | None = None
    events: int = 0


class _Clock:
    def __init__(self) -> None:
        self.now = timezone.now()


@contextmanager
def clock() -> Iterator[_Clock]:
    """Hold rocu's clock at a chosen moment while events are written."""
    c = _Clock()
    with mock.patch.object(timezone, "now", side_effect=lambda: c.now):
        yield c


def make_staff(region: Region, prefix: str, count: int, rng: random.Random) -> list[User]:
    forces = list(region.forces.all())
    today = timezone.localdate()
    names = [f"{prefix}{i:04d}" for i in range(count)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=n,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(STAFF_SURNAMES),
                region=region,
                force=rng.choice(forces) if forces else None,
                vetting=Vetting.SC,
                vetting_expires=today + dt.timedelta(days=700),
                password="!",
                job_title="Investigator",
            )
            for n in names
            if n not in existing
        ],
        batch_size=500,
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.ANALYST) for u in users], batch_size=500, ignore_conflicts=True
    )
    return users


def make_caseload(region: Region, owner: User, count: int, rng: random.Random, tag: str) -> list[Nominal]:
    existing = list(Nominal.objects.filter(reference__startswith=f"{tag}{owner.pk:05d}").order_by("pk"))
    if existing:
        return existing
    made = []
    for i in range(count):
        town, area = rng.choice(TOWNS)
        made.append(
            Nominal(
                region=region,
                reference=f"{tag}{owner.pk:05d}{i:02d}",
                classification=Classification.OFFICIAL_SENSITIVE,
                subject_category=rng.choice(DataSubjectCategory.values),
                first_name=rng.choice(FIRST_NAMES),
                surname=rng.choice(SURNAMES),
                address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                town=town,
                postcode=f"{area}{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
                created_by=owner,
            )
        )
    Nominal.objects.bulk_create(made, batch_size=500)
    return list(Nominal.objects.filter(reference__startswith=f"{tag}{owner.pk:05d}").order_by("pk"))


def _working_days(end: dt.date, days: int) -> list[dt.date]:
    out = []
    day = end - dt.timedelta(days=days)
    while day < end:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _moment(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def ordinary_day(c: _Clock, user: User, day: dt.date, caseload: list[Nominal], rng: random.Random) -> int:
    """One ordinary working day: a sign-in, a few searches that find people, a few records opened."""
    written = 0
    start = rng.randint(8, 10)
    c.now = _moment(day, start, rng.randint(0, 59))
    if rng.random() < 0.35:  # sessions last days; a sign-in is not a daily event
        audit_record(actor=user, category=Category.AUTHENTICATION, action="accounts.signed_in", obj=user)
        written += 1
    for _ in range(rng.randint(1, 2)):
        c.now += dt.timedelta(minutes=rng.randint(5, 60))
        shown = rng.sample(caseload, k=min(len(caseload), rng.randint(1, 6)))
        searched = rng.random() < 0.7
        if searched and rng.random() < 0.08:
            shown = []
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="intelligence.nominal.list",
            object_type="intelligence.nominal",
            detail={"ids": [n.pk for n in shown], "searched": searched, "results": len(shown)},
        )
        written += 1
    for _ in range(rng.randint(1, 3)):
        c.now += dt.timedelta(minutes=rng.randint(5, 90))
        nominal = rng.choice(caseload)
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="intelligence.nominal.view",
            obj=nominal,
            region_id=nominal.region_id,
        )
        written += 1
    if rng.random() < 0.2:
        c.now += dt.timedelta(minutes=rng.randint(5, 60))
        nominal = rng.choice(caseload)
        audit_record(
            actor=user,
            category=Category.ALTERATION,
            action="intelligence.nominal.update",
            obj=nominal,
            region_id=nominal.region_id,
            detail={"fields": ["address"]},
        )
        written += 1
    return written


def build(
    *,
    region: Region,
    prefix: str,
    users: int,
    days: int,
    end: dt.date | None = None,
    seed: int = 2021,
    author: User | None = None,
) -> Scenario:
    """Write `days` calendar days of ordinary work by `users` people, then the planted misuse."""
    rng = random.Random(seed)  # noqa: S311 - simulated work, not security
    end = end or timezone.localdate()
    scenario = Scenario(region=region)
    staff = make_staff(region, f"{prefix}.", users + 3, rng)
    scenario.ordinary = staff[:users]
    assoc, exporter, fisher = staff[users:]
    scenario.planted = {"association": assoc, "export": exporter, "fishing": fisher}
    author = author or staff[0]
    tag = prefix[:6].upper()
    caseloads = {u.pk: make_caseload(region, u, 6, rng, tag) for u in staff}
    member = Nominal.objects.filter(reference=f"{tag}-OCG").first()
    if member is None:
        member = Nominal.objects.create(
            region=region,
            reference=f"{tag}-OCG",
            classification=Classification.OFFICIAL_SENSITIVE,
            subject_category=DataSubjectCategory.SUSPECT,
            created_by=author,
            **OCG_MEMBER,
        )
    scenario.ocg_member = member
    Declaration.objects.get_or_create(
        declarant=assoc, kind=DeclarationKind.ASSOCIATION_PERSON, defaults={"region": region, **DECLARED}
    )
    work_days = _working_days(end, days)
    # One chained batch: the same events and chain as one audit_record each, far fewer round trips.
    with transaction.atomic(), audit_batch(), clock() as c:
        for day in work_days:
            for user in staff:
                scenario.events += ordinary_day(c, user, day, caseloads[user.pk], rng)
        last = work_days[-1]
        # Browsing the OCG member who shares a surname and address with a declared association.
        for minute in (5, 40, 95):
            c.now = _moment(last, 13, 0) + dt.timedelta(minutes=minute)
            audit_record(
                actor=assoc,
                category=Category.CONSULTATION,
                action="intelligence.nominal.view",
                obj=member,
                region_id=region.pk,
            )
            scenario.events += 1
        # 500 person records exported at three in the morning.
        c.now = _moment(last, 3, 4)
        audit_record(
            actor=exporter,
            category=Category.DISCLOSURE,
            action="intelligence.nominal.export",
            object_type="intelligence.nominal",
            recipient=exporter.username,
            detail={"rows": 500, "format": "csv"},
        )
        scenario.events += 1
        # Searching, again and again, for names that match nobody.
        for i in range(15):
            c.now = _moment(last, 15, 0) + dt.timedelta(minutes=3 * i)
            audit_record(
                actor=fisher,
                category=Category.CONSULTATION,
                action="intelligence.nominal.list",
                object_type="intelligence.nominal",
                detail={"ids": [], "searched": True, "results": 0},
            )
            scenario.events += 1
    return scenario
