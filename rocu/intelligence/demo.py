"""Demo holdings: two force extracts of invented people (a few thousand at scale 1)."""

from __future__ import annotations

import datetime as dt
import random

from rocu.core.demo import DemoContext, register_seeder
from rocu.engines.linkage_synthetic import PeopleFactory, Person, as_recorded

SOURCES = (("Devon and Cornwall Niche extract", "DC"), ("Avon and Somerset Storm extract", "AS"))
PER_SOURCE = 1500
SEED = 5150


def demo_people(scale: int) -> list[Person]:
    """The held people, regenerated identically each run so referrals can point at them."""
    rng = random.Random(SEED)
    factory = PeopleFactory(rng)
    people = []
    for prefix_index, (_, prefix) in enumerate(SOURCES):
        for i in range(PER_SOURCE * scale):
            people.append(factory.person(f"{prefix}-{i:06d}", truth=f"T{prefix_index}-{i}"))
    # Some people are held by both forces, written down differently.
    for j in range(0, len(people) // 2, 25):
        twin = as_recorded(rng, people[j], f"AS-9{j:05d}", factory, referral=False)
        people.append(twin)
    return people


@register_seeder(40, "intelligence holdings")
def seed_holdings(ctx: DemoContext) -> None:
    from rocu.intelligence.models import HoldingRecord, HoldingsSource

    region = ctx.data["region"]
    people = demo_people(ctx.scale)
    ctx.data["holdings:people"] = people
    by_prefix: dict[str, list[Person]] = {}
    for person in people:
        by_prefix.setdefault(person.person_id[:2], []).append(person)
    for name, prefix in SOURCES:
        source, _ = HoldingsSource.objects.get_or_create(region=region, name=name)
        existing = set(HoldingRecord.objects.filter(source=source).values_list("person_id", flat=True))
        new = [
            HoldingRecord(
                region=region,
                source=source,
                person_id=p.person_id,
                first_name=p.first_name,
                surname=p.surname,
                date_of_birth=parse_demo_date(p.dob),
                address=p.address,
                town=p.town,
                postcode=p.postcode,
                phone=p.phone,
                email=p.email,
            )
            for p in by_prefix.get(prefix, [])
            if p.person_id not in existing
        ]
        HoldingRecord.objects.bulk_create(new, batch_size=2000)
        if new:
            source.record_count = HoldingRecord.objects.filter(source=source).count()
            source.save(update_fields=["record_count"])


def parse_demo_date(value: str) -> dt.date | None:
    if not value:
        return None
    if "/" in value:
        d, m, y = value.split("/")
        return dt.date(int(y), int(m), int(d))
    return dt.date.fromisoformat(value)
