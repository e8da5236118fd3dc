"""Demo organisations and people: the ROCU network, and the South West's logins."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rocu.accounts.models import (
    Accreditation,
    AccreditationKind,
    Force,
    GroupMembership,
    NeedToKnowGroup,
    PartnerAgency,
    PartnerKind,
    Region,
    RoleAssignment,
    Unit,
    UnitType,
    User,
)
from rocu.core.classification import Vetting
from rocu.core.demo import DemoContext, register_seeder
from rocu.core.policy import Role

NETWORK: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("south-west", "South West ROCU"): [
        ("avon-somerset", "Avon and Somerset Constabulary"),
        ("devon-cornwall", "Devon and Cornwall Police"),
        ("dorset", "Dorset Police"),
        ("gloucestershire", "Gloucestershire Constabulary"),
        ("wiltshire", "Wiltshire Police"),
    ],
    ("north-east", "North East ROCU"): [
        ("cleveland", "Cleveland Police"),
        ("durham", "Durham Constabulary"),
        ("northumbria", "Northumbria Police"),
    ],
    ("yorkshire-humber", "Yorkshire and the Humber ROCU"): [
        ("humberside", "Humberside Police"),
        ("north-yorkshire", "North Yorkshire Police"),
        ("south-yorkshire", "South Yorkshire Police"),
        ("west-yorkshire", "West Yorkshire Police"),
    ],
    ("north-west", "North West ROCU"): [
        ("cheshire", "Cheshire Constabulary"),
        ("cumbria", "Cumbria Constabulary"),
        ("greater-manchester", "Greater Manchester Police"),
        ("lancashire", "Lancashire Constabulary"),
        ("merseyside", "Merseyside Police"),
        ("north-wales", "North Wales Police"),
    ],
    ("east-midlands", "East Midlands ROCU"): [
        ("derbyshire", "Derbyshire Constabulary"),
        ("leicestershire", "Leicestershire Police"),
        ("lincolnshire", "Lincolnshire Police"),
        ("northamptonshire", "Northamptonshire Police"),
        ("nottinghamshire", "Nottinghamshire Police"),
    ],
    ("west-midlands", "West Midlands ROCU"): [
        ("staffordshire", "Staffordshire Police"),
        ("warwickshire", "Warwickshire Police"),
        ("west-mercia", "West Mercia Police"),
        ("west-midlands-police", "West Midlands Police"),
    ],
    ("eastern", "Eastern ROCU"): [
        ("bedfordshire", "Bedfordshire Police"),
        ("cambridgeshire", "Cambridgeshire Constabulary"),
        ("essex", "Essex Police"),
        ("hertfordshire", "Hertfordshire Constabulary"),
        ("norfolk", "Norfolk Constabulary"),
        ("suffolk", "Suffolk Constabulary"),
    ],
    ("south-east", "South East ROCU"): [
        ("hampshire", "Hampshire and Isle of Wight Constabulary"),
        ("kent", "Kent Police"),
        ("surrey", "Surrey Police"),
        ("sussex", "Sussex Police"),
        ("thames-valley", "Thames Valley Police"),
    ],
    ("tarian", "Tarian ROCU (southern Wales)"): [
        ("dyfed-powys", "Dyfed-Powys Police"),
        ("gwent", "Gwent Police"),
        ("south-wales", "South Wales Police"),
    ],
    ("london", "Metropolitan Police (London)"): [
        ("met", "Metropolitan Police Service"),
        ("city-of-london", "City of London Police"),
    ],
}

SW_UNITS = [
    (UnitType.RIU, "Regional Intelligence Unit"),
    (UnitType.ROCT, "Regional Organised Crime Team"),
    (UnitType.CYBER, "Regional Cyber Crime Unit"),
    (UnitType.ECONOMIC, "Regional Economic Crime Unit"),
    (UnitType.ASSET_RECOVERY, "Regional Asset Recovery Team"),
    (UnitType.UNDERCOVER, "Undercover Unit"),
    (UnitType.SURVEILLANCE, "Covert and Technical Surveillance"),
    (UnitType.CONFIDENTIAL, "Confidential Unit"),
    (UnitType.PRISON, "Prison Intelligence Unit"),
    (UnitType.RDT, "Regional Disruption Team"),
    (UnitType.GAIN, "GAIN Co-ordination"),
    (UnitType.HQ, "Command and Support"),
]

PARTNERS = [
    ("Border Force", PartnerKind.BORDER_FORCE, None),
    ("HM Revenue and Customs", PartnerKind.HMRC, None),
    ("Department for Work and Pensions", PartnerKind.DWP, None),
    ("National Crime Agency", PartnerKind.NCA, None),
    ("Plymouth City Council", PartnerKind.LOCAL_AUTHORITY, "south-west"),
    ("Bristol City Council", PartnerKind.LOCAL_AUTHORITY, "south-west"),
    ("Unseen UK", PartnerKind.CHARITY, "south-west"),
    ("Lloyds Banking Group fraud team", PartnerKind.BANK, None),
]

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Priya",
    "Tom",
    "Aisha",
    "Gareth",
    "Megan",
    "Oliver",
    "Chloe",
    "Hassan",
    "Rhys",
    "Emily",
    "Daniel",
    "Grace",
    "Kwame",
    "Sophie",
    "Liam",
    "Hannah",
    "Jack",
    "Fatima",
    "Ben",
    "Lucy",
    "Owen",
]
LAST = [
    "Trelawny",
    "Penrose",
    "Hughes",
    "Patel",
    "Carter",
    "Nash",
    "Pascoe",
    "Evans",
    "Okafor",
    "Symons",
    "Reid",
    "Morgan",
    "Chen",
    "Harvey",
    "Dunn",
    "Kaur",
    "Rowe",
    "Jenkins",
    "Bright",
    "Walsh",
    "Ali",
    "Tucker",
]


def _logins(today: dt.date) -> list[dict[str, object]]:
    return [
        dict(
            username="analyst",
            first="Priya",
            last="Penrose",
            role=Role.ANALYST,
            force="devon-cornwall",
            unit="Regional Intelligence Unit",
            vetting=Vetting.SC,
            title="Intelligence analyst",
            what="analyst, Regional Intelligence Unit (threats, OCGs, intelligence checks)",
        ),
        dict(
            username="disruption",
            first="Gareth",
            last="Pascoe",
            role=Role.DISRUPTION_OFFICER,
            force="avon-somerset",
            unit="Regional Disruption Team",
            vetting=Vetting.NPPV3,
            title="Disruption officer",
            what="disruption officer, Regional Disruption Team (referrals and triage)",
        ),
        dict(
            username="sio",
            first="Megan",
            last="Trelawny",
            role=Role.SIO,
            force="devon-cornwall",
            unit="Regional Organised Crime Team",
            vetting=Vetting.SC,
            title="Detective Chief Inspector",
            what="SIO, PIP3 accredited (operations)",
            pip3=True,
        ),
        dict(
            username="lro",
            first="Oliver",
            last="Symons",
            role=Role.LRO,
            force="dorset",
            unit="Regional Organised Crime Team",
            vetting=Vetting.NPPV3,
            title="Detective Superintendent",
            what="LRO (4P plans)",
        ),
        dict(
            username="head",
            first="Aisha",
            last="Carter",
            role=Role.ROCU_HEAD,
            force="avon-somerset",
            unit="Command and Support",
            vetting=Vetting.DV,
            title="Head of South West ROCU",
            what="ROCU head (everything in the region; manages people)",
        ),
        dict(
            username="forcelead",
            first="Rhys",
            last="Evans",
            role=Role.FORCE_SOC_LEAD,
            force="devon-cornwall",
            unit=None,
            vetting=Vetting.SC,
            title="Force SOC lead",
            what="force SOC lead, Devon and Cornwall (their force's share)",
        ),
        dict(
            username="pcc",
            first="Chloe",
            last="Harvey",
            role=Role.PCC_OFFICE,
            force="devon-cornwall",
            unit=None,
            vetting=Vetting.NPPV2,
            title="Policy officer, Office of the PCC for Devon and Cornwall",
            what="PCC office, Devon and Cornwall (aggregates only)",
        ),
        dict(
            username="national",
            first="Hassan",
            last="Okafor",
            role=Role.NATIONAL_LEAD,
            force=None,
            unit=None,
            vetting=Vetting.SC,
            title="NPCC ROCU portfolio lead",
            what="national lead (aggregates across regions)",
            region=None,
        ),
        dict(
            username="auditor",
            first="Grace",
            last="Reid",
            role=Role.AUDITOR,
            force="gloucestershire",
            unit="Command and Support",
            vetting=Vetting.SC,
            title="Counter-corruption investigator",
            what="auditor / counter-corruption (the audit trail)",
        ),
        dict(
            username="outsider",
            first="Jack",
            last="Walsh",
            role=Role.ANALYST,
            force="northumbria",
            unit=None,
            vetting=Vetting.SC,
            title="Intelligence analyst, North East ROCU",
            what="analyst of another ROCU (North East)",
            region="north-east",
        ),
    ]


@register_seeder(10, "organisations")
def seed_organisations(ctx: DemoContext) -> None:
    for (code, name), forces in NETWORK.items():
        region, _ = Region.objects.update_or_create(code=code, defaults={"name": name})
        for fcode, fname in forces:
            Force.objects.update_or_create(code=fcode, defaults={"name": fname, "region": region})
    sw = Region.objects.get(code="south-west")
    for unit_type, name in SW_UNITS:
        Unit.objects.update_or_create(region=sw, name=name, defaults={"unit_type": unit_type})
    for name, kind, region_code in PARTNERS:
        PartnerAgency.objects.update_or_create(
            name=name, defaults={"kind": kind, "region": Region.objects.get(code=region_code) if region_code else None}
        )
    ctx.data["region"] = sw


@register_seeder(20, "people")
def seed_people(ctx: DemoContext) -> None:
    today = timezone.localdate()
    sw = Region.objects.get(code="south-west")
    for spec in _logins(today):
        region_code = spec.get("region", "south-west")
        region = Region.objects.get(code=region_code) if region_code else None
        force = Force.objects.get(code=spec["force"]) if spec["force"] else None
        unit = Unit.objects.get(region=sw, name=spec["unit"]) if spec["unit"] else None
        user, _ = User.objects.update_or_create(
            username=spec["username"],
            defaults=dict(
                first_name=spec["first"],
                last_name=spec["last"],
                email=f"{spec['username']}@rocu.example",
                region=region,
                force=force,
                unit=unit,
                job_title=spec["title"],
                vetting=spec["vetting"],
                vetting_expires=today + dt.timedelta(days=730),
                is_active=True,
                demo_login=True,
            ),
        )
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=spec["role"])
        if spec.get("pip3"):
            Accreditation.objects.get_or_create(
                user=user, kind=AccreditationKind.PIP3, defaults={"awarded": today - dt.timedelta(days=900)}
            )
        ctx.logins.append((str(spec["username"]), str(spec["what"])))
        ctx.data[f"user:{spec['username']}"] = user
    _seed_staff(ctx, sw, today)
    group, _ = NeedToKnowGroup.objects.get_or_create(
        region=sw, name="Op Vizardlike team", defaults={"purpose": "Firearms supply investigation: team members only."}
    )
    for username in ("sio", "head", "analyst"):
        GroupMembership.objects.get_or_create(group=group, user=ctx.data[f"user:{username}"])


def _seed_staff(ctx: DemoContext, region: Region, today: dt.date) -> None:
    """Generated colleagues (no demo login): fill the people list, some vetting near expiry."""
    forces = list(region.forces.all())
    units = list(region.units.all())
    roles = [Role.ANALYST, Role.ANALYST, Role.DISRUPTION_OFFICER, Role.SIO, Role.LRO]
    wanted = 40 * ctx.scale
    existing = set(User.objects.filter(username__startswith="sw.staff").values_list("username", flat=True))
    rng = ctx.rng
    new_users = []
    for i in range(wanted):
        username = f"sw.staff{i:05d}"
        if username in existing:
            continue
        expires = today + dt.timedelta(days=rng.randint(-30, 1500))
        new_users.append(
            User(
                username=username,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                email=f"{username}@rocu.example",
                region=region,
                force=rng.choice(forces),
                unit=rng.choice(units),
                job_title="Investigator",
                vetting=rng.choice([Vetting.NPPV3, Vetting.SC, Vetting.NPPV2]),
                vetting_expires=expires,
                password="!",
            )
        )
    User.objects.bulk_create(new_users, batch_size=500)
    created = User.objects.filter(username__in=[u.username for u in new_users])
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=roles[i % len(roles)]) for i, u in enumerate(created)], batch_size=500
    )
    for u in created.filter(role_assignments__role=Role.SIO):
        Accreditation.objects.get_or_create(
            user=u, kind=AccreditationKind.PIP3, defaults={"awarded": today - dt.timedelta(days=400)}
        )
