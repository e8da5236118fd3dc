"""Every change to capabilities, funding, posts, scenarios and imports, each audited in
the same transaction as the change. Names of people never go into the audit detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import Conflict, PermissionDenied, ValidationFailed
from rocu.engines import funding
from rocu.workforce import imports, rules
from rocu.workforce.models import (
    Capability,
    CapabilityCode,
    FundingAllocation,
    FundingLine,
    ImportKind,
    ImportStatus,
    Post,
    PostHolder,
    Scenario,
    ScenarioChange,
    WorkforceImport,
)
from rocu.workforce.permissions import SCENARIOS_MANAGE, WORKFORCE_MANAGE

MAX_SCENARIO_CHANGES = 50


def _own_region(actor: Any, region: Region, perm: str) -> None:
    policy.require(actor, perm)
    scope = policy.scope_for(actor)
    if not scope.all_regions and region.pk != scope.region_id:
        raise PermissionDenied("You can change your own region's workforce and funding only.")


# --- Capabilities -------------------------------------------------------------------


def capabilities_ensure(*, region: Region) -> dict[str, Capability]:
    """Every capability of DOMAIN.md exists for the region (minimum 0 until set)."""
    existing = {c.code: c for c in Capability.objects.filter(region=region)}
    missing = [Capability(region=region, code=code) for code in CapabilityCode.values if code not in existing]
    if missing:
        Capability.objects.bulk_create(missing)
        existing = {c.code: c for c in Capability.objects.filter(region=region)}
    return existing


@transaction.atomic
def capability_set_minimum(*, actor: Any, capability: Capability, minimum_fte: Any) -> Capability:
    _own_region(actor, capability.region, WORKFORCE_MANAGE)
    minimum = rules.fte_value(minimum_fte, field="minimum_fte", allow_zero=True)
    if minimum > 9999:
        raise ValidationFailed("That minimum is more than any ROCU could staff.", field="minimum_fte")
    if minimum == capability.minimum_fte:
        return capability
    before = capability.minimum_fte
    capability.minimum_fte = minimum
    capability.save(update_fields=["minimum_fte"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="workforce.capability.set_minimum",
        obj=capability,
        region_id=capability.region_id,
        detail={"code": capability.code, "from": str(before), "to": str(minimum)},
    )
    return capability


# --- Funding lines --------------------------------------------------------------------


LINE_FIELDS = ("code", "name", "source", "funder", "start_date", "end_date", "notes")


@transaction.atomic
def funding_line_create(*, actor: Any, region: Region, **fields: Any) -> FundingLine:
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _own_region(actor, region, WORKFORCE_MANAGE)
    rules.clean_line(fields)
    if FundingLine.objects.filter(region=region, code=fields["code"]).exists():
        raise ValidationFailed("Another funding line already has that code.", field="code")
    line = FundingLine.objects.create(region=region, **fields)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="workforce.funding_line.create",
        obj=line,
        region_id=region.pk,
        detail={"code": line.code, "source": line.source, "end_date": str(line.end_date or "")},
    )
    return line


@transaction.atomic
def funding_line_update(*, actor: Any, line: FundingLine, **changes: Any) -> FundingLine:
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _own_region(actor, line.region, WORKFORCE_MANAGE)
    merged = {f: getattr(line, f) for f in LINE_FIELDS} | changes
    rules.clean_line(merged)
    if FundingLine.objects.filter(region_id=line.region_id, code=merged["code"]).exclude(pk=line.pk).exists():
        raise ValidationFailed("Another funding line already has that code.", field="code")
    changed = sorted(f for f in LINE_FIELDS if getattr(line, f) != merged[f])
    if not changed:
        return line
    for f in changed:
        setattr(line, f, merged[f])
    line.save()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="workforce.funding_line.update",
        obj=line,
        region_id=line.region_id,
        detail={"fields": changed},
    )
    return line


@transaction.atomic
def allocation_set(
    *, actor: Any, line: FundingLine, financial_year: int, amount_pence: int, confirmed: bool
) -> FundingAllocation:
    """Record (or correct) what a line brings in one financial year."""
    _own_region(actor, line.region, WORKFORCE_MANAGE)
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool):
        raise ValidationFailed("Enter the amount in pounds and pence.", field="amount")
    if amount_pence < 0:
        raise ValidationFailed("The amount must not be negative.", field="amount")
    if amount_pence > 10**13:
        raise ValidationFailed("That amount is more than any ROCU's budget.", field="amount")
    if not 2000 <= financial_year <= 2100:
        raise ValidationFailed("Choose a financial year between 2000/01 and 2100/01.", field="financial_year")
    if line.start_date and funding.fy_end(financial_year) < line.start_date:
        raise ValidationFailed("That financial year ends before the funding line starts.", field="financial_year")
    if line.end_date and funding.fy_start(financial_year) > line.end_date:
        raise ValidationFailed("That financial year starts after the funding line ends.", field="financial_year")
    allocation, created = FundingAllocation.objects.update_or_create(
        line=line, financial_year=financial_year, defaults={"amount_pence": amount_pence, "confirmed": confirmed}
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION if created else Category.ALTERATION,
        action="workforce.allocation.set",
        obj=allocation,
        region_id=line.region_id,
        detail={
            "line": line.code,
            "year": funding.fy_label(financial_year),
            "amount_pence": amount_pence,
            "confirmed": confirmed,
        },
    )
    return allocation


# --- Posts ---------------------------------------------------------------------------------


POST_FIELDS = (
    "reference",
    "capability",
    "unit",
    "title",
    "rank_or_grade",
    "fte",
    "annual_cost_pence",
    "funding_line",
    "status",
)


def _save_holder(post: Post, holder: dict[str, Any] | None) -> str:
    existing = PostHolder.objects.filter(post=post).first()
    if not holder:
        if existing:
            existing.delete()
            return "removed"
        return ""
    values = {f: holder.get(f) or ("" if f in ("name", "staff_number") else None) for f in rules.HOLDER_FIELDS}
    if existing is None:
        PostHolder.objects.create(post=post, **values)
        return "added"
    if any(getattr(existing, f) != v for f, v in values.items()):
        for f, v in values.items():
            setattr(existing, f, v)
        existing.save()
        return "changed"
    return ""


@transaction.atomic
def post_create(*, actor: Any, region: Region, holder: dict[str, Any] | None = None, **fields: Any) -> Post:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _own_region(actor, region, WORKFORCE_MANAGE)
    rules.clean_post(region, fields, holder)
    if Post.objects.filter(region=region, reference=fields["reference"]).exists():
        raise ValidationFailed("Another post already has that reference.", field="reference")
    post = Post.objects.create(region=region, **fields)
    holder_change = _save_holder(post, holder)
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="workforce.post.create",
        obj=post,
        region_id=region.pk,
        detail={"reference": post.reference, "status": post.status, "holder": holder_change},
    )
    return post


@transaction.atomic
def post_update(
    *, actor: Any, post: Post, holder: dict[str, Any] | None = None, expected_updated_at: Any = None, **changes: Any
) -> Post:
    unknown = set(changes) - set(POST_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _own_region(actor, post.region, WORKFORCE_MANAGE)
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise Conflict("Someone else changed this post while you were editing it. Reload it and try again.")
    merged = {f: getattr(locked, f) for f in POST_FIELDS} | changes
    rules.clean_post(locked.region, merged, holder)
    if Post.objects.filter(region_id=locked.region_id, reference=merged["reference"]).exclude(pk=locked.pk).exists():
        raise ValidationFailed("Another post already has that reference.", field="reference")
    changed = sorted(f for f in POST_FIELDS if getattr(locked, f) != merged[f])
    for f in changed:
        setattr(locked, f, merged[f])
    holder_change = _save_holder(locked, holder)
    if not changed and not holder_change:
        return locked
    locked.updated_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="workforce.post.update",
        obj=locked,
        region_id=locked.region_id,
        detail={"fields": changed, "holder": holder_change},
    )
    return locked


# --- Scenarios ------------------------------------------------------------------------------


@transaction.atomic
def scenario_create(
    *,
    actor: Any,
    region: Region,
    name: str,
    assess_on: dt.date | None,
    changes: list[tuple[FundingLine, dt.date]],
    notes: str = "",
) -> Scenario:
    """Save a what-if; its figures are worked out afresh from today's records when shown."""
    _own_region(actor, region, SCENARIOS_MANAGE)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Give the scenario a name.", field="name")
    if len(name) > 120:
        raise ValidationFailed("Keep the name under 120 characters.", field="name")
    if not changes:
        raise ValidationFailed("Choose at least one funding line that is not renewed.", field="changes")
    if len(changes) > MAX_SCENARIO_CHANGES:
        raise ValidationFailed(f"A scenario may change at most {MAX_SCENARIO_CHANGES} lines.", field="changes")
    seen = set()
    for line, from_date in changes:
        if line.region_id != region.pk:
            raise ValidationFailed("Choose the region's own funding lines.", field="changes")
        if line.pk in seen:
            raise ValidationFailed(f"{line.name} is chosen twice: keep one date for it.", field="changes")
        if not isinstance(from_date, dt.date):
            raise ValidationFailed(f"Give the date {line.name} is not renewed from.", field="changes")
        seen.add(line.pk)
    latest = max(d for _, d in changes)
    assess_on = assess_on or latest
    if not dt.date(2000, 1, 1) <= assess_on <= dt.date(2100, 12, 31):
        raise ValidationFailed("Choose a date to assess between 2000 and 2100.", field="assess_on")
    scenario = Scenario.objects.create(
        region=region, name=name, assess_on=assess_on, notes=(notes or "")[:500], created_by=actor
    )
    ScenarioChange.objects.bulk_create(
        [ScenarioChange(scenario=scenario, funding_line=line, not_renewed_from=d) for line, d in changes]
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="workforce.scenario.create",
        obj=scenario,
        region_id=region.pk,
        detail={"lines": sorted(line.code for line, _ in changes), "assess_on": str(assess_on)},
    )
    return scenario


@transaction.atomic
def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    _own_region(actor, scenario.region, SCENARIOS_MANAGE)
    audit_record(
        actor=actor,
        category=Category.ERASURE,
        action="workforce.scenario.delete",
        obj=scenario,
        region_id=scenario.region_id,
    )
    scenario.delete()


# --- Imports ----------------------------------------------------------------------------------


MAX_IMPORT_BYTES = 5 * 1024 * 1024


@transaction.atomic
def import_preview(*, actor: Any, region: Region, kind: str, filename: str, content: bytes) -> WorkforceImport:
    """Hold an uploaded export and check every row; nothing is imported yet."""
    _own_region(actor, region, WORKFORCE_MANAGE)
    if kind not in ImportKind.values:
        raise ValidationFailed("Choose an HR or a finance export.", field="kind")
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationFailed("That file is over 5 MB: split it and import the parts.", field="file")
    text = imports.decode(content)
    checked = imports.check(kind=kind, region=region, text=text)
    upload = WorkforceImport.objects.create(
        region=region,
        kind=kind,
        filename=(filename or "upload.csv")[:200],
        content=text,
        row_count=len(checked.rows),
        error_row_count=checked.error_rows,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="workforce.import.upload",
        obj=upload,
        region_id=region.pk,
        detail={"kind": kind, "rows": len(checked.rows), "rows_with_errors": checked.error_rows},
    )
    return upload


@transaction.atomic
def import_apply(*, actor: Any, upload: WorkforceImport, valid_rows_only: bool = False) -> WorkforceImport:
    """Import every row, or (if asked) every valid row, in one transaction.

    The rows are checked again against today's records: a funding line deleted since the
    preview fails the import rather than half-saving it.
    """
    _own_region(actor, upload.region, WORKFORCE_MANAGE)
    locked = WorkforceImport.objects.select_for_update().get(pk=upload.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise Conflict("This import has already been imported or discarded.")
    checked = imports.check(kind=locked.kind, region=locked.region, text=locked.content)
    if checked.error_rows and not valid_rows_only:
        raise ValidationFailed(
            f"{checked.error_rows} of {len(checked.rows)} rows have errors: correct the file, "
            "or choose to import the valid rows only."
        )
    valid = [r for r in checked.rows if not r.errors]
    if not valid:
        raise ValidationFailed("No row of this file can be imported.")
    counts = imports.apply(kind=locked.kind, region=locked.region, rows=valid)
    locked.status = ImportStatus.APPLIED
    locked.imported_count = len(valid)
    locked.content = ""
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "imported_count", "content", "finished_at"])
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="workforce.import.apply",
        obj=locked,
        region_id=locked.region_id,
        detail={"kind": locked.kind, "rows": len(valid), "skipped": checked.error_rows, **counts},
    )
    return locked


@transaction.atomic
def import_discard(*, actor: Any, upload: WorkforceImport) -> WorkforceImport:
    _own_region(actor, upload.region, WORKFORCE_MANAGE)
    locked = WorkforceImport.objects.select_for_update().get(pk=upload.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise Conflict("This import has already been imported or discarded.")
    locked.status = ImportStatus.DISCARDED
    locked.content = ""
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "content", "finished_at"])
    audit_record(
        actor=actor,
        category=Category.ERASURE,
        action="workforce.import.discard",
        obj=locked,
        region_id=locked.region_id,
        detail={"kind": locked.kind},
    )
    return locked
