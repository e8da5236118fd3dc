"""The rules a funding line, a post and the person in it must keep, shared by the
services (one record at a time) and the imports (every row of a file)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rocu.accounts.models import Region, Unit
from rocu.core.errors import ValidationFailed
from rocu.workforce.models import Capability, ContractType, FundingLine, FundingSource, PostStatus

HOLDER_FIELDS = ("name", "staff_number", "contract_type", "contract_start", "contract_end")


def fte_value(value: Any, *, field: str, allow_zero: bool) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("Enter a number of full-time equivalents, such as 0.5.", field=field) from None
    if not number.is_finite():  # NaN passes quantize, then fails every comparison
        raise ValidationFailed("Enter a number of full-time equivalents, such as 0.5.", field=field)
    if number >= 10_000:  # the largest the columns hold (minimum_fte: 9999.99)
        raise ValidationFailed("That is too many full-time equivalents to be right.", field=field)
    if number < 0 or (number == 0 and not allow_zero):
        raise ValidationFailed("Full-time equivalents must be more than nothing.", field=field)
    return number


def clean_line(fields: dict[str, Any]) -> None:
    if not str(fields.get("code") or "").strip():
        raise ValidationFailed("Enter a short code for the funding line.", field="code")
    if not str(fields.get("name") or "").strip():
        raise ValidationFailed("Enter the funding line's name.", field="name")
    if fields.get("source") not in FundingSource.values:
        raise ValidationFailed("Choose the source of the money.", field="source")
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        raise ValidationFailed("The end date is before the start date.", field="end_date")


def clean_post(region: Region, fields: dict[str, Any], holder: dict[str, Any] | None) -> None:
    if not str(fields.get("reference") or "").strip():
        raise ValidationFailed("Enter the post's reference.", field="reference")
    if not str(fields.get("title") or "").strip():
        raise ValidationFailed("Enter the post's title.", field="title")
    if not str(fields.get("rank_or_grade") or "").strip():
        raise ValidationFailed("Enter the rank or grade.", field="rank_or_grade")
    capability = fields.get("capability")
    if not isinstance(capability, Capability) or capability.region_id != region.pk:
        raise ValidationFailed("Choose one of the region's capabilities.", field="capability")
    line = fields.get("funding_line")
    if not isinstance(line, FundingLine):
        raise ValidationFailed("Every post needs a funding line: choose what pays for it.", field="funding_line")
    if line.region_id != region.pk:
        raise ValidationFailed("Choose one of the region's funding lines.", field="funding_line")
    unit = fields.get("unit")
    if unit is not None and (not isinstance(unit, Unit) or unit.region_id != region.pk):
        raise ValidationFailed("Choose one of the region's units.", field="unit")
    fields["fte"] = fte_value(fields.get("fte", 1), field="fte", allow_zero=False)
    if fields["fte"] > 1:
        raise ValidationFailed("A post is at most 1.00 full-time equivalent.", field="fte")
    cost = fields.get("annual_cost_pence")
    if not isinstance(cost, int) or isinstance(cost, bool):
        raise ValidationFailed("Enter the annual cost in pounds.", field="annual_cost_pence")
    if cost < 0:
        raise ValidationFailed("The annual cost must not be negative.", field="annual_cost_pence")
    if cost > 10**10:
        raise ValidationFailed("That annual cost is more than any post costs.", field="annual_cost_pence")
    status = fields.get("status")
    if status not in PostStatus.values:
        raise ValidationFailed("Choose filled, vacant or seconded out.", field="status")
    if status == PostStatus.FILLED and not holder:
        raise ValidationFailed("A filled post needs the person in post.", field="holder_name")
    if status == PostStatus.VACANT and holder:
        raise ValidationFailed(
            "A vacant post has nobody in it: remove the person or change the status.", field="status"
        )
    if holder:
        clean_holder(holder)


def clean_holder(holder: dict[str, Any]) -> None:
    if not str(holder.get("name") or "").strip():
        raise ValidationFailed("Enter the name of the person in post.", field="holder_name")
    if holder.get("contract_type") not in ContractType.values:
        raise ValidationFailed("Choose the contract type.", field="contract_type")
    start, end = holder.get("contract_start"), holder.get("contract_end")
    if start and end and end < start:
        raise ValidationFailed("The contract ends before it starts.", field="contract_end")
    if holder["contract_type"] in (ContractType.FIXED_TERM, ContractType.SECONDMENT) and not end:
        raise ValidationFailed("A fixed-term contract or secondment needs an end date.", field="contract_end")
