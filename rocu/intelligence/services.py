"""Changes to person records, each audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import NeedToKnowGroup, Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.classification import Classification
from rocu.core.errors import PermissionDenied, ValidationFailed
from rocu.core.policy import Perm
from rocu.core.uploads import check_upload
from rocu.intelligence.models import DataSubjectCategory, Nominal

NOMINAL_FIELDS = (
    "subject_category",
    "first_name",
    "surname",
    "date_of_birth",
    "aliases",
    "address",
    "town",
    "postcode",
    "phone",
    "email",
    "classification",
    "need_to_know_group",
)


def _check(actor: Any, *, region: Region, classification: str, group: NeedToKnowGroup | None) -> None:
    policy.require(actor, Perm.PERSONAL_DATA_VIEW)
    scope = policy.scope_for(actor)
    if not scope.all_regions and region.pk != scope.region_id:
        raise PermissionDenied("You can record people in your own region only.")
    if classification not in Classification.values:
        raise ValidationFailed("Unknown classification.", field="classification")
    if classification not in scope.classifications:
        raise ValidationFailed("Your vetting does not reach that classification.", field="classification")
    if group is not None and (group.region_id != region.pk or group.pk not in scope.group_ids):
        raise ValidationFailed("Choose a need-to-know group you belong to.", field="need_to_know_group")


def _clean(fields: dict[str, Any]) -> None:
    if fields.get("subject_category") not in DataSubjectCategory.values:
        raise ValidationFailed("Choose the category of data subject.", field="subject_category")
    if not str(fields.get("surname", "")).strip():
        raise ValidationFailed("Enter a surname.", field="surname")
    dob = fields.get("date_of_birth")
    if dob is not None and (dob > timezone.localdate() or dob < dt.date(1900, 1, 1)):
        raise ValidationFailed("The date of birth is not possible.", field="date_of_birth")
    if fields.get("postcode"):
        fields["postcode"] = str(fields["postcode"]).upper().strip()


@transaction.atomic
def nominal_create(*, actor: Any, region: Region, **fields: Any) -> Nominal:
    unknown = set(fields) - set(NOMINAL_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    fields.setdefault("classification", Classification.OFFICIAL_SENSITIVE)
    _check(actor, region=region, classification=fields["classification"], group=fields.get("need_to_know_group"))
    _clean(fields)
    nominal = Nominal(region=region, created_by=actor, reference="", **fields)
    nominal.save()
    nominal.reference = f"NOM-{nominal.pk:06d}"
    nominal.save(update_fields=["reference"])
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="intelligence.nominal.create",
        obj=nominal,
        region_id=region.pk,
        detail={"subject_category": nominal.subject_category},
    )
    return nominal


@transaction.atomic
def nominal_update(*, actor: Any, nominal: Nominal, **changes: Any) -> Nominal:
    unknown = set(changes) - set(NOMINAL_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    merged = {f: getattr(nominal, f) for f in NOMINAL_FIELDS} | changes
    _check(actor, region=nominal.region, classification=merged["classification"], group=merged["need_to_know_group"])
    _clean(merged)
    changed = sorted(f for f in NOMINAL_FIELDS if getattr(nominal, f) != merged[f])
    if not changed:
        return nominal
    for f in changed:
        setattr(nominal, f, merged[f])
    nominal.updated_at = timezone.now()
    nominal.save()
    # Field names only: the values are personal data and stay out of the trail.
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="intelligence.nominal.update",
        obj=nominal,
        region_id=nominal.region_id,
        detail={"fields": changed},
    )
    return nominal


# --------------------------------------------------------------------------- holdings

HOLDINGS_CSV_COLUMNS = ("person_id", "first_name", "surname", "dob", "address", "town", "postcode", "phone", "email")
_HOLDING_LIMITS = {"person_id": 64, "first_name": 100, "surname": 100, "address": 200, "town": 100, "postcode": 10}
_HOLDING_LIMITS |= {"phone": 30, "email": 254}


def holdings_rows_validate(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Holdings rows checked and typed; the first bad row is refused naming row and field."""
    from rocu.engines.linkage import parse_date

    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        record: dict[str, Any] = {}
        for col in HOLDINGS_CSV_COLUMNS:
            value = (row.get(col) or "").strip()
            if col != "dob" and len(value) > _HOLDING_LIMITS[col]:
                raise ValidationFailed(
                    f"Row {number}: {col} is longer than {_HOLDING_LIMITS[col]} characters.", field=col
                )
            record[col] = value
        if not record["person_id"]:
            raise ValidationFailed(f"Row {number}: person_id is empty.", field="person_id")
        if record["person_id"] in seen:
            raise ValidationFailed(f"Row {number}: person_id {record['person_id']} appears twice.", field="person_id")
        seen.add(record["person_id"])
        try:
            iso = parse_date(record.pop("dob"))
        except ValueError as exc:
            raise ValidationFailed(f"Row {number}: dob is not a possible date ({exc}).", field="dob") from None
        record["date_of_birth"] = dt.date.fromisoformat(iso) if iso else None
        record["postcode"] = record["postcode"].upper()
        cleaned.append(record)
    return cleaned


def holdings_csv_rows(content: bytes) -> list[dict[str, str]]:
    """An extract's rows from CSV bytes: UTF-8 (a BOM is fine), the holdings columns by name, any order."""
    import csv
    import io

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "The file is not UTF-8 text. Save it as CSV UTF-8 and upload it again.", field="file"
        ) from None
    if "\x00" in text:
        raise ValidationFailed("The file is not a CSV text file.", field="file")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in HOLDINGS_CSV_COLUMNS if c not in header]
        if missing:
            raise ValidationFailed(f"The file has no column {', '.join(missing)}.", field="file")
        reader.fieldnames = header
        return [{k: v for k, v in row.items() if isinstance(k, str)} for row in reader]
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not readable CSV ({exc}).", field="file") from None


def holdings_upload_start(
    *, actor: Any, region: Region, source_name: str, replace: bool, filename: str, content: bytes
) -> Any:
    """Keep an uploaded extract and queue its import; the job page shows progress."""
    from rocu.core.jobs import job_enqueue
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import HoldingsUpload
    from rocu.intelligence.tasks import holdings_import_run

    policy.require(actor, p.HOLDINGS_MANAGE)
    scope = policy.scope_for(actor)
    if not scope.all_regions and region.pk != scope.region_id:
        raise PermissionDenied("You can import holdings for your own region only.")
    source_name = (source_name or "").strip()
    if not source_name or len(source_name) > 80:
        raise ValidationFailed("Name the source system in 1 to 80 characters.", field="source")
    check_upload(filename, content, kinds=(".csv",), too_big="Load larger extracts with `rocu holdings import`.")
    holdings_csv_rows(content[:65536].rsplit(b"\n", 1)[0] if len(content) > 65536 else content)  # header and encoding
    with transaction.atomic():
        upload = HoldingsUpload.objects.create(
            region=region,
            source_name=source_name,
            replace=replace,
            filename=filename[:200],
            content=content,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            category=Category.COLLECTION,
            action="intelligence.holdings.upload",
            obj=upload,
            region_id=region.pk,
            detail={"bytes": len(content), "source": source_name, "replace": replace},
        )
        job = job_enqueue(
            actor=actor,
            kind="intelligence.holdings.import",
            title=f"Holdings import of {filename[:150]}",
            region=region,
            task=holdings_import_run,
            args=[upload.pk],
        )
        upload.job = job
        upload.save(update_fields=["job"])
    return upload


def holdings_upload_process(*, upload: Any, progress: Any = None) -> Any:
    """Run an uploaded extract's import: all of it, or (on any bad row) none of it, saying why."""
    from rocu.intelligence.models import HoldingsUploadStatus

    if upload.status != HoldingsUploadStatus.QUEUED:
        return upload  # already run (a retried job): nothing to do twice
    try:
        rows = holdings_csv_rows(bytes(upload.content))
        if progress:
            progress(0, len(rows), f"Checking {len(rows)} rows")
        counts = holdings_import(
            actor=upload.uploaded_by,
            region=upload.region,
            source_name=upload.source_name,
            rows=rows,
            replace=upload.replace,
        )
    except ValidationFailed as exc:
        upload.status, upload.error = HoldingsUploadStatus.REFUSED, exc.message[:500]
    else:
        upload.status, upload.counts = HoldingsUploadStatus.IMPORTED, counts
        if progress:
            progress(len(rows), len(rows), f"{counts['total']} people held")
    upload.content = b""  # the people in it now live in the holdings (or nowhere): do not keep a second copy
    upload.save(update_fields=["status", "error", "counts", "content"])
    return upload


@transaction.atomic
def holdings_import(
    *, actor: Any, region: Region, source_name: str, rows: list[dict[str, str]], replace: bool = False
) -> dict[str, int]:
    """Load one force system's extract. `replace` drops that source's records first;
    otherwise rows update by person_id and new ones are added. All or nothing."""
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import HoldingRecord, HoldingsSource
    from rocu.records.services import retention_register_many

    policy.require(actor, p.HOLDINGS_MANAGE)
    scope = policy.scope_for(actor)
    if not scope.all_regions and region.pk != scope.region_id:
        raise PermissionDenied("You can import holdings for your own region only.")
    source_name = source_name.strip()
    if not source_name or len(source_name) > 80:
        raise ValidationFailed("Name the source system in 1 to 80 characters.", field="source")
    cleaned = holdings_rows_validate(rows)
    source, _ = HoldingsSource.objects.get_or_create(region=region, name=source_name)
    removed = 0
    if replace:
        removed, _ = HoldingRecord.objects.filter(source=source).delete()
    existing = dict(HoldingRecord.objects.filter(source=source).values_list("person_id", "pk"))
    fields = [f for f in cleaned[0] if f != "person_id"] if cleaned else []
    new, changed = [], []
    for record in cleaned:
        pk = existing.get(record["person_id"])
        obj = HoldingRecord(region=region, source=source, **record)
        if pk is None:
            new.append(obj)
        else:
            obj.pk = pk
            changed.append(obj)
    HoldingRecord.objects.bulk_create(new, batch_size=2000)
    if changed:
        HoldingRecord.objects.bulk_update(changed, fields, batch_size=2000)
    source.record_count = HoldingRecord.objects.filter(source=source).count()
    source.imported_at = timezone.now()
    source.imported_by = actor if getattr(actor, "is_authenticated", False) else None
    source.save()
    # Bulk writes send no save signals: give the records their review dates here.
    retention_register_many(queryset=HoldingRecord.objects.filter(source=source))
    counts = {"added": len(new), "updated": len(changed), "removed": removed, "total": source.record_count}
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="intelligence.holdings.import",
        obj=source,
        region_id=region.pk,
        detail={"replace": replace, **counts},
    )
    return counts


@transaction.atomic
def match_decide(*, actor: Any, candidate: Any, verdict: str, reason: str = "") -> Any:
    """Same as / not same as: kept for the pair and reused by every later check."""
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import MatchDecision, MatchVerdict

    policy.require(actor, p.INTEL_CHECK)
    if verdict not in MatchVerdict.values:
        raise ValidationFailed("Choose same as or not same as.", field="verdict")
    if len(reason) > 500:
        raise ValidationFailed("Keep the reason under 500 characters.", field="reason")
    region_id = candidate.subject.referral.region_id
    decision, created = MatchDecision.objects.update_or_create(
        region_id=region_id,
        subject_key=candidate.subject.subject_key,
        holding_key=candidate.holding_key,
        defaults={"verdict": verdict, "reason": reason.strip(), "decided_by": actor, "decided_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        category=Category.ALTERATION if not created else Category.COLLECTION,
        action="intelligence.match.decide",
        obj=decision,
        region_id=region_id,
        detail={"verdict": verdict, "candidate": candidate.pk, "probability": round(candidate.match_probability, 4)},
    )
    return decision


@transaction.atomic
def match_decision_withdraw(*, actor: Any, candidate: Any) -> None:
    """Reverse a verdict: the pair is raised (or not) on the engine's say-so again."""
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import MatchDecision

    policy.require(actor, p.INTEL_CHECK)
    region_id = candidate.subject.referral.region_id
    found = MatchDecision.objects.filter(
        region_id=region_id, subject_key=candidate.subject.subject_key, holding_key=candidate.holding_key
    ).first()
    if found is None:
        raise ValidationFailed("There is no decision on this pair to withdraw.")
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="intelligence.match.withdraw",
        obj=found,
        region_id=region_id,
        detail={"was": found.verdict, "candidate": candidate.pk},
    )
    found.delete()
