"""Demo counter-corruption data: a fortnight of ordinary work, planted misuse, a scan.

The planted misuse (see scenario.py) is there so the demo's auditor has alerts to
triage on the first visit. The demo auditor holds the senior counter-corruption grant.
"""

from __future__ import annotations

from rocu.core.demo import DemoContext, register_seeder
from rocu.counter_corruption import scenario
from rocu.counter_corruption.models import Declaration, DeclarationKind, SeniorGrant
from rocu.counter_corruption.scanning import anomaly_scan

PREFIX = "sw.cc"


@register_seeder(60, "counter-corruption")
def seed_counter_corruption(ctx: DemoContext) -> None:
    region = ctx.data["region"]
    auditor = ctx.data.get("user:auditor")
    if auditor is not None:
        SeniorGrant.objects.get_or_create(user=auditor, defaults={"granted_by": ctx.data.get("user:head")})
    analyst = ctx.data.get("user:analyst")
    if analyst is not None and not Declaration.objects.filter(declarant=analyst).exists():
        Declaration.objects.create(
            declarant=analyst,
            region=region,
            kind=DeclarationKind.BUSINESS_INTEREST,
            organisation="Penrose Holiday Lets Ltd",
            relationship="director (family business)",
            details="Two holiday cottages in Fowey, let through an agency.",
        )
    if Declaration.objects.filter(declarant__username__startswith=f"{PREFIX}.").exists():
        return
    scenario.build(region=region, prefix=PREFIX, users=12 * ctx.scale, days=14, author=analyst)
    anomaly_scan(actor_username="seed-demo")
    ctx.notes.append("Counter-corruption: a fortnight of audited work with three planted misuses, scanned.")
