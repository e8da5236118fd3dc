"""Demo workforce and funding: the South West ROCU's posts and the money behind them,
with the cliff edge the inspection warned of (the cyber and economic crime grants both
end on the same 31 March), and, with `--regions all`, the rest of the network.

Dates are relative to today, so the cliff edge is always about a year and a half away.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from rocu.accounts.demo import FIRST, LAST
from rocu.accounts.models import Region, Unit
from rocu.core.demo import DemoContext, register_seeder
from rocu.engines import funding
from rocu.workforce.models import (
    Capability,
    ContractType,
    FundingAllocation,
    FundingLine,
    FundingSource,
    Post,
    PostHolder,
    PostStatus,
    Scenario,
    ScenarioChange,
)
from rocu.workforce.services import capabilities_ensure


@dataclass(frozen=True)
class LineSpec:
    code: str
    name: str
    source: str
    funder: str
    start_year: int  # financial years before (negative) or after today's
    end_year: int | None  # the financial year whose 31 March is the last funded day
    annual_pounds: int
    confirmed_years: int  # how many years from this one are confirmed


def _lines(rng: random.Random, cliff_offset: int, other: bool) -> list[LineSpec]:
    """The funding lines of one region; other regions vary their end years a little."""

    def shift() -> int:
        return rng.choice([0, 0, 1, 2]) if other else 0

    return [
        LineSpec(
            "ho-core",
            "Home Office ROCU core grant",
            FundingSource.HOME_OFFICE_GRANT,
            "Home Office",
            -6,
            None,
            3_200_000,
            1,
        ),
        LineSpec(
            "force-s22a",
            "Force contributions (section 22A formula)",
            FundingSource.FORCE_CONTRIBUTIONS,
            "Member forces",
            -8,
            None,
            9_400_000,
            1,
        ),
        LineSpec(
            "cyber-programme",
            "National Cyber Crime Programme grant",
            FundingSource.OTHER_GRANT,
            "Home Office (National Cyber Crime Programme)",
            -3,
            cliff_offset + shift(),
            1_150_000,
            2,
        ),
        LineSpec(
            "econ-crime-uplift",
            "Economic crime uplift grant",
            FundingSource.OTHER_GRANT,
            "Home Office (Economic Crime Plan)",
            -3,
            cliff_offset + shift(),
            960_000,
            2,
        ),
        LineSpec(
            "nca-county-lines",
            "NCA county lines taskforce grant",
            FundingSource.NCA_GRANT,
            "National Crime Agency",
            -2,
            0 + (shift() if other else 0),
            420_000,
            1,
        ),
        LineSpec(
            "aris",
            "Asset recovery incentive scheme receipts",
            FundingSource.ARIS,
            "Home Office (ARIS)",
            -6,
            None,
            520_000,
            0,
        ),
        LineSpec(
            "prison-intel",
            "HMPPS prison intelligence grant",
            FundingSource.OTHER_GRANT,
            "HM Prison and Probation Service",
            -2,
            2,
            310_000,
            1,
        ),
    ]


@dataclass(frozen=True)
class CapabilitySpec:
    code: str
    prefix: str
    posts: int
    minimum: int
    funding: tuple[tuple[str, int], ...]  # (line code, share of posts in tenths)
    titles: tuple[tuple[str, str], ...]  # (title, rank or grade)


OFFICER = (
    ("Detective constable", "DC"),
    ("Detective sergeant", "DS"),
    ("Investigator", "Police staff grade 6"),
)
CAPABILITIES = [
    CapabilitySpec(
        "riu",
        "RIU",
        28,
        22,
        (("force-s22a", 6), ("ho-core", 4)),
        (
            ("Intelligence analyst", "Police staff grade 6"),
            ("Intelligence officer", "DC"),
            ("Field intelligence officer", "DS"),
        ),
    ),
    CapabilitySpec(
        "roct",
        "ROCT",
        40,
        30,
        (("force-s22a", 7), ("ho-core", 2), ("nca-county-lines", 1)),
        (("Detective constable", "DC"), ("Detective sergeant", "DS"), ("Detective inspector", "DI")),
    ),
    CapabilitySpec(
        "cyber",
        "CYB",
        18,
        12,
        (("cyber-programme", 8), ("force-s22a", 2)),
        (
            ("Cyber crime investigator", "DC"),
            ("Digital forensic examiner", "Police staff grade 7"),
            ("Cyber protect officer", "Police staff grade 5"),
        ),
    ),
    CapabilitySpec(
        "economic",
        "ECO",
        16,
        10,
        (("econ-crime-uplift", 8), ("force-s22a", 2)),
        (
            ("Financial investigator", "Police staff grade 6"),
            ("Economic crime investigator", "DC"),
            ("Fraud protect officer", "Police staff grade 5"),
        ),
    ),
    CapabilitySpec(
        "asset_recovery",
        "ART",
        10,
        6,
        (("aris", 6), ("force-s22a", 4)),
        (("Financial investigator", "Police staff grade 6"), ("Confiscation officer", "Police staff grade 5")),
    ),
    CapabilitySpec(
        "undercover", "UC", 6, 4, (("ho-core", 10),), (("Undercover officer", "DC"), ("Cover officer", "DS"))
    ),
    CapabilitySpec(
        "surveillance",
        "SURV",
        24,
        18,
        (("force-s22a", 7), ("ho-core", 3)),
        (("Surveillance officer", "DC"), ("Technical surveillance engineer", "Police staff grade 7")),
    ),
    CapabilitySpec(
        "confidential",
        "CONF",
        6,
        4,
        (("ho-core", 10),),
        (("Confidential unit officer", "DS"), ("Sensitive intelligence analyst", "Police staff grade 7")),
    ),
    CapabilitySpec(
        "prison",
        "PRIS",
        6,
        4,
        (("prison-intel", 10),),
        (("Prison intelligence officer", "DC"), ("Prison liaison officer", "Police staff grade 5")),
    ),
    CapabilitySpec(
        "rdt",
        "RDT",
        10,
        6,
        (("force-s22a", 6), ("nca-county-lines", 4)),
        (("Disruption officer", "DC"), ("Partnership officer", "Police staff grade 5")),
    ),
    CapabilitySpec("gain", "GAIN", 2, 1, (("ho-core", 10),), (("GAIN co-ordinator", "DS"),)),
    CapabilitySpec(
        "hq",
        "HQ",
        10,
        6,
        (("force-s22a", 10),),
        (
            ("Business support officer", "Police staff grade 4"),
            ("Finance and resources manager", "Police staff grade 9"),
        ),
    ),
]

GRADE_COST_POUNDS = {
    "DC": 62_000,
    "DS": 71_000,
    "DI": 84_000,
    "Police staff grade 4": 33_000,
    "Police staff grade 5": 39_000,
    "Police staff grade 6": 46_000,
    "Police staff grade 7": 53_000,
    "Police staff grade 9": 68_000,
}

REGION_PREFIX = {
    "south-west": "SW",
    "north-east": "NE",
    "yorkshire-humber": "YH",
    "north-west": "NW",
    "east-midlands": "EM",
    "west-midlands": "WM",
    "eastern": "ER",
    "south-east": "SE",
    "tarian": "TAR",
    "london": "MET",
}


@register_seeder(60, "workforce")
def seed_workforce(ctx: DemoContext) -> None:
    today = timezone.localdate()
    regions = [ctx.data.get("region") or Region.objects.get(code="south-west")]
    if ctx.all_regions:
        regions += list(Region.objects.exclude(code="south-west").order_by("name"))
    for region in regions:
        _seed_region(ctx, region, today, other=region.code != "south-west")
    head = ctx.data.get("user:head")
    if head is not None:
        _seed_scenarios(regions[0], head, today)


def _seed_region(ctx: DemoContext, region: Region, today: dt.date, *, other: bool) -> None:
    rng = random.Random(f"{ctx.rng.random()}")  # one draw from the shared generator per region
    this_year = funding.financial_year(today)
    size = ctx.scale * (rng.uniform(0.6, 1.5) if other else 1.0)
    capabilities = capabilities_ensure(region=region)
    for spec in CAPABILITIES:
        minimum = max(1, round(spec.minimum * size))
        if capabilities[spec.code].minimum_fte != minimum:
            Capability.objects.filter(pk=capabilities[spec.code].pk).update(minimum_fte=minimum)
    lines: dict[str, FundingLine] = {}
    for line in _lines(rng, 1, other):
        end = funding.fy_end(this_year + line.end_year) if line.end_year is not None else None
        lines[line.code], _ = FundingLine.objects.update_or_create(
            region=region,
            code=line.code,
            defaults={
                "name": line.name,
                "source": line.source,
                "funder": line.funder,
                "start_date": funding.fy_start(this_year + line.start_year),
                "end_date": end,
            },
        )
        last = this_year + (line.end_year if line.end_year is not None else 2)
        for year in range(this_year - 1, last + 1):
            pounds = round(line.annual_pounds * size * (1 + 0.02 * (year - this_year)))
            FundingAllocation.objects.update_or_create(
                line=lines[line.code],
                financial_year=year,
                defaults={"amount_pence": pounds * 100, "confirmed": year < this_year + line.confirmed_years},
            )
    units = {u.unit_type: u for u in Unit.objects.filter(region=region)}
    prefix = REGION_PREFIX.get(region.code, region.code[:3].upper())
    existing = set(Post.objects.filter(region=region).values_list("reference", flat=True))
    new_posts: list[Post] = []
    holders: dict[str, dict[str, object]] = {}
    for spec in CAPABILITIES:
        count = max(1, round(spec.posts * size))
        shares = [code for code, tenths in spec.funding for _ in range(tenths)]
        for i in range(count):
            reference = f"{prefix}-{spec.prefix}-{i + 1:04d}"
            funding_line = lines[shares[(i * len(shares)) // count]]
            title, grade = rng.choice(spec.titles)
            fte = rng.choice([1, 1, 1, 1, 1, 1, 1, 1, 0.8, 0.5])
            roll = rng.random()
            status = PostStatus.VACANT if roll < 0.1 else PostStatus.SECONDED_OUT if roll < 0.13 else PostStatus.FILLED
            holder = _holder(rng, funding_line, status, today) if status != PostStatus.VACANT else None
            if reference in existing:
                continue
            cost = round(GRADE_COST_POUNDS[grade] * fte * rng.uniform(0.95, 1.08)) * 100
            new_posts.append(
                Post(
                    region=region,
                    reference=reference,
                    capability=capabilities[spec.code],
                    unit=units.get(spec.code),
                    title=title,
                    rank_or_grade=grade,
                    fte=fte,
                    annual_cost_pence=cost,
                    funding_line=funding_line,
                    status=status,
                )
            )
            if holder:
                holders[reference] = holder
    Post.objects.bulk_create(new_posts, batch_size=1000)
    created = Post.objects.filter(region=region, reference__in=list(holders))
    PostHolder.objects.bulk_create([PostHolder(post=p, **holders[p.reference]) for p in created], batch_size=1000)


def _holder(rng: random.Random, line: FundingLine, status: str, today: dt.date) -> dict[str, object]:
    """The person in a post; on fixed-term money most contracts end with the grant, some after it."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    staff_number = f"{rng.randint(100000, 999999)}"
    start = today - dt.timedelta(days=rng.randint(120, 3000))
    if line.end_date is not None:
        roll = rng.random()
        if roll < 0.55:
            return dict(
                name=name,
                staff_number=staff_number,
                contract_type=ContractType.FIXED_TERM,
                contract_start=start,
                contract_end=line.end_date,
            )
        if roll < 0.75:
            # Contracted past the grant: the risk the inspection asked forces to see.
            end = line.end_date + dt.timedelta(days=rng.choice([92, 183, 365]))
            return dict(
                name=name,
                staff_number=staff_number,
                contract_type=ContractType.FIXED_TERM,
                contract_start=start,
                contract_end=end,
            )
        return dict(name=name, staff_number=staff_number, contract_type=ContractType.PERMANENT, contract_start=start)
    if rng.random() < 0.3:
        end = today + dt.timedelta(days=rng.randint(30, 1500))
        return dict(
            name=name,
            staff_number=staff_number,
            contract_type=ContractType.SECONDMENT,
            contract_start=start,
            contract_end=end,
        )
    return dict(name=name, staff_number=staff_number, contract_type=ContractType.PERMANENT, contract_start=start)


def _seed_scenarios(region: Region, head: Any, today: dt.date) -> None:
    next_year = funding.fy_start(funding.financial_year(today) + 1)
    lines = {line.code: line for line in FundingLine.objects.filter(region=region)}
    specs = [
        (
            "Core grant not renewed next April",
            "The Home Office confirms the core grant a year at a time: what if it stops?",
            [("ho-core", next_year)],
        ),
        (
            "Cyber and economic crime grants end a year early",
            "Both uplift grants withdrawn at the end of this financial year.",
            [("cyber-programme", next_year), ("econ-crime-uplift", next_year)],
        ),
    ]
    for name, notes, changes in specs:
        scenario, created = Scenario.objects.get_or_create(
            region=region, name=name, defaults={"assess_on": next_year, "notes": notes, "created_by": head}
        )
        if created:
            ScenarioChange.objects.bulk_create(
                [ScenarioChange(scenario=scenario, funding_line=lines[c], not_renewed_from=d) for c, d in changes]
            )
