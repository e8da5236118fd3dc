"""Demo records management: old person records due for review, one under legal hold, a request."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rocu.core.classification import Classification
from rocu.core.demo import DemoContext, register_seeder
from rocu.intelligence.models import DataSubjectCategory, Nominal
from rocu.records.models import RetentionRecord, SubjectAccessRequest
from rocu.records.services import retention_sync

OLD = [
    ("Ryan", "Tregear", "3 Quay Street", "Truro", "TR1 2HE", 9),
    ("Kelly", "Pengelly", "27 Lemon Street", "Truro", "TR1 2LS", 8),
    ("Marcus", "Hosking", "5 Clifton Road", "Bristol", "BS8 1AA", 12),
    ("Donna", "Rowe", "88 Union Street", "Plymouth", "PL1 3EZ", 7),
    ("Scott", "Bray", "2 Fore Street", "Exeter", "EX4 3AN", 11),
]


@register_seeder(70, "records")
def seed_records(ctx: DemoContext) -> None:
    region = ctx.data["region"]
    author = ctx.data.get("user:analyst")
    if author is None:
        return
    now = timezone.now()
    for i, (first, last, address, town, postcode, years) in enumerate(OLD):
        reference = f"NOM-OLD{i:03d}"
        if Nominal.objects.filter(reference=reference).exists():
            continue
        then = now - dt.timedelta(days=365 * years)
        Nominal.objects.bulk_create(
            [
                Nominal(
                    region=region,
                    reference=reference,
                    classification=Classification.OFFICIAL_SENSITIVE,
                    subject_category=DataSubjectCategory.SUSPECT if i % 2 == 0 else DataSubjectCategory.WITNESS,
                    first_name=first,
                    surname=last,
                    address=address,
                    town=town,
                    postcode=postcode,
                    created_by=author,
                    created_at=then,
                    updated_at=then,
                )
            ]
        )
    retention_sync(actor_username="seed-demo")
    held = RetentionRecord.objects.filter(reference="NOM-OLD002").first()
    if held is not None and not held.legal_hold:
        held.legal_hold = True
        held.legal_hold_reason = "Civil claim pending against the force (demo)"
        held.save(update_fields=["legal_hold", "legal_hold_reason"])
    head = ctx.data.get("user:head")
    if head is not None and not SubjectAccessRequest.objects.filter(region=region).exists():
        sar = SubjectAccessRequest.objects.create(
            reference="",
            region=region,
            received_on=timezone.localdate() - dt.timedelta(days=3),
            first_name="Donna",
            surname="Rowe",
            created_by=head,
        )
        sar.reference = f"SAR-{sar.pk:05d}"
        sar.save(update_fields=["reference"])
