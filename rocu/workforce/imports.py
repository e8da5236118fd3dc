"""Reading HR and finance CSV exports: every row checked, every problem named by row and
column, before anything is saved; then, once confirmed, written in one transaction.

HR export columns: post_reference, capability, unit, title, rank_or_grade, fte,
annual_cost, funding_line, status, holder_name, staff_number, contract_type,
contract_start, contract_end.
Finance export columns: funding_line, name, source, funder, start_date, end_date,
financial_year, amount, status (confirmed or indicative).
Money is in pounds (a £ sign and thousands commas are allowed); dates are 2027-03-31
or 31/03/2027; financial years 2026/27.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from rocu.accounts.models import Region, Unit
from rocu.core.errors import ValidationFailed
from rocu.engines import funding
from rocu.workforce import rules
from rocu.workforce.models import (
    CapabilityCode,
    ContractType,
    FundingAllocation,
    FundingLine,
    FundingSource,
    ImportKind,
    Post,
    PostHolder,
    PostStatus,
)

MAX_ROWS = 20_000

HR_REQUIRED = ("post_reference", "capability", "title", "rank_or_grade", "fte", "annual_cost", "funding_line", "status")
HR_OPTIONAL = ("unit", "holder_name", "staff_number", "contract_type", "contract_start", "contract_end")
FINANCE_REQUIRED = ("funding_line", "name", "source", "financial_year", "amount", "status")
FINANCE_OPTIONAL = ("funder", "start_date", "end_date")

COLUMNS = {
    ImportKind.HR: (HR_REQUIRED, HR_OPTIONAL),
    ImportKind.FINANCE: (FINANCE_REQUIRED, FINANCE_OPTIONAL),
}


@dataclass
class Row:
    number: int  # the line of the file, the header being line 1
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))


@dataclass
class Checked:
    kind: str
    columns: list[str]
    rows: list[Row]

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)


def decode(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise ValidationFailed("That file is not a CSV export: save it as CSV and upload it again.", field="file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("The file's characters cannot be read: save it as CSV (UTF-8).", field="file")


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def read(kind: str, text: str) -> tuple[list[str], list[Row]]:
    required, optional = COLUMNS[ImportKind(kind)]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed("The file is empty.", field="file") from None
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not valid CSV: {exc}.", field="file") from None
    keys = [_header_key(h) for h in header]
    missing = [c for c in required if c not in keys]
    if missing:
        raise ValidationFailed(
            f"The header row lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"An {ImportKind(kind).label.split(':')[0]} needs: {', '.join(required)}.",
            field="file",
        )
    wanted = set(required) | set(optional)
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed(f"The file has more than {MAX_ROWS:,} rows: split it.", field="file")
            raw = {k: (cells[i].strip() if i < len(cells) else "") for i, k in enumerate(keys) if k in wanted}
            rows.append(Row(number, raw))
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not valid CSV near line {reader.line_num}: {exc}.", field="file") from None
    if not rows:
        raise ValidationFailed("The file has a header row but no data rows.", field="file")
    return [k for k in keys if k in wanted], rows


# --- Cell parsers: each returns a value or records an error on the row -------------------


def money_pence(row: Row, column: str) -> int | None:
    text = row.raw.get(column, "").replace("£", "").replace(",", "").strip()
    if not text:
        row.error(column, "Enter an amount in pounds.")
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        row.error(column, f"'{row.raw[column]}' is not an amount in pounds.")
        return None
    if not amount.is_finite():
        row.error(column, f"'{row.raw[column]}' is not an amount in pounds.")
        return None
    if amount < 0:
        row.error(column, "The amount must not be negative.")
        return None
    if amount > 10**11:  # before quantize, which cannot hold 1e999999999 to the penny
        row.error(column, "That amount is too large to be right.")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        row.error(column, "Give the amount to the penny at most.")
        return None
    return int(amount * 100)


def date_cell(row: Row, column: str, *, required: bool = False) -> dt.date | None:
    text = row.raw.get(column, "")
    if not text:
        if required:
            row.error(column, "Enter a date.")
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
        if not dt.date(1950, 1, 1) <= day <= dt.date(2100, 12, 31):
            row.error(column, "That date is out of range.")
            return None
        return day
    row.error(column, f"'{text}' is not a date: use 2027-03-31 or 31/03/2027.")
    return None


def choice(row: Row, column: str, choices: Iterable[tuple[str, str]], what: str) -> str | None:
    text = row.raw.get(column, "").strip().lower()
    options = list(choices)
    for value, label in options:
        if text in (value.lower(), label.lower(), value.replace("_", " ").lower()):
            return value
    if not text:
        row.error(column, f"Enter the {what}.")
    else:
        allowed = ", ".join(v for v, _ in options)
        row.error(column, f"Unknown {what} '{row.raw[column]}'. Use one of: {allowed}.")
    return None


def text_cell(row: Row, column: str, *, required: bool, max_length: int) -> str:
    text = row.raw.get(column, "")
    if required and not text:
        row.error(column, "This column must not be empty.")
    if len(text) > max_length:
        row.error(column, f"Keep this under {max_length} characters.")
        return text[:max_length]
    return text


# --- Checking whole files --------------------------------------------------------------------


def check(*, kind: str, region: Region, text: str) -> Checked:
    columns, rows = read(kind, text)
    if kind == ImportKind.HR:
        _check_hr(region, rows)
    else:
        _check_finance(region, rows)
    return Checked(kind, columns, rows)


def _check_hr(region: Region, rows: list[Row]) -> None:
    from rocu.workforce.services import capabilities_ensure

    capabilities = capabilities_ensure(region=region)
    lines = {line.code.lower(): line for line in FundingLine.objects.filter(region=region)}
    units = {u.name.lower(): u for u in Unit.objects.filter(region=region)}
    seen: dict[str, int] = {}
    for row in rows:
        ref = text_cell(row, "post_reference", required=True, max_length=40)
        if ref and ref.lower() in seen:
            row.error("post_reference", f"Post {ref} is already on line {seen[ref.lower()]} of this file.")
        elif ref:
            seen[ref.lower()] = row.number
        code = choice(row, "capability", CapabilityCode.choices, "capability")
        line_code = row.raw.get("funding_line", "")
        line = lines.get(line_code.lower())
        if not line_code:
            row.error("funding_line", "Every post needs a funding line: give its code.")
        elif line is None:
            row.error("funding_line", f"Unknown funding line '{line_code}': import the finance export first.")
        unit = None
        if row.raw.get("unit"):
            unit = units.get(row.raw["unit"].lower())
            if unit is None:
                row.error("unit", f"Unknown unit '{row.raw['unit']}'.")
        fields: dict[str, Any] = {
            "reference": ref,
            "capability": capabilities.get(code) if code else None,
            "unit": unit,
            "title": text_cell(row, "title", required=True, max_length=120),
            "rank_or_grade": text_cell(row, "rank_or_grade", required=True, max_length=60),
            "annual_cost_pence": money_pence(row, "annual_cost"),
            "funding_line": line,
            "status": choice(row, "status", PostStatus.choices, "post status"),
        }
        fte_text = row.raw.get("fte", "") or "1"
        try:
            fields["fte"] = rules.fte_value(fte_text, field="fte", allow_zero=False)
        except ValidationFailed as exc:
            row.error("fte", exc.message)
        holder = None
        if row.raw.get("holder_name") or row.raw.get("contract_type"):
            holder = {
                "name": text_cell(row, "holder_name", required=True, max_length=160),
                "staff_number": text_cell(row, "staff_number", required=False, max_length=30),
                "contract_type": choice(row, "contract_type", ContractType.choices, "contract type"),
                "contract_start": date_cell(row, "contract_start"),
                "contract_end": date_cell(row, "contract_end"),
            }
        row.values = {"fields": fields, "holder": holder}
        if not row.errors:
            try:
                rules.clean_post(region, fields, holder)
            except ValidationFailed as exc:
                row.error(_COLUMN_OF.get(exc.field or "", exc.field or "row"), exc.message)


# Service field names as the export's column names, so a message names what to correct.
_COLUMN_OF = {"annual_cost_pence": "annual_cost", "reference": "post_reference", "amount": "amount"}


def _check_finance(region: Region, rows: list[Row]) -> None:
    first_seen: dict[str, Row] = {}
    years_seen: dict[tuple[str, int], int] = {}
    for row in rows:
        code = text_cell(row, "funding_line", required=True, max_length=40).lower()
        if code and not re.fullmatch(r"[a-z0-9_-]+", code):
            row.error("funding_line", "Use letters, numbers, hyphens and underscores only in the code.")
        line: dict[str, Any] = {
            "code": code,
            "name": text_cell(row, "name", required=True, max_length=160),
            "source": choice(row, "source", FundingSource.choices, "funding source"),
            "funder": text_cell(row, "funder", required=False, max_length=120),
            "start_date": date_cell(row, "start_date"),
            "end_date": date_cell(row, "end_date"),
        }
        year = None
        if row.raw.get("financial_year"):
            try:
                year = funding.parse_fy(row.raw["financial_year"])
                if not 2000 <= year <= 2100:
                    raise ValueError(year)
            except ValueError:
                row.error("financial_year", f"'{row.raw['financial_year']}' is not a financial year such as 2026/27.")
                year = None
        else:
            row.error("financial_year", "Enter the financial year, such as 2026/27.")
        amount = money_pence(row, "amount")
        status = row.raw.get("status", "").strip().lower()
        if status not in ("confirmed", "indicative"):
            row.error("status", f"Use confirmed or indicative, not '{row.raw.get('status', '')}'.")
        start: dt.date | None = line["start_date"]
        end: dt.date | None = line["end_date"]
        if start and end and end < start:
            row.error("end_date", "The end date is before the start date.")
        if year is not None and end and funding.fy_start(year) > end:
            row.error("financial_year", "That financial year starts after the funding line ends.")
        if year is not None and start and funding.fy_end(year) < start:
            row.error("financial_year", "That financial year ends before the funding line starts.")
        if code and year is not None:
            if (code, year) in years_seen:
                row.error("financial_year", f"Line {years_seen[(code, year)]} already gives {code} for this year.")
            else:
                years_seen[(code, year)] = row.number
        earlier = first_seen.get(code)
        if code and earlier is None:
            first_seen[code] = row
        elif earlier is not None:
            for key in ("name", "source", "start_date", "end_date"):
                if earlier.values.get("line", {}).get(key) != line[key]:
                    row.error(
                        key if key != "source" else "source",
                        f"Differs from line {earlier.number} for the same funding line.",
                    )
        row.values = {"line": line, "year": year, "amount_pence": amount, "confirmed": status == "confirmed"}


# --- Writing ---------------------------------------------------------------------------------


def apply(*, kind: str, region: Region, rows: list[Row]) -> dict[str, int]:
    """Write checked rows; the caller holds the transaction and writes the audit event."""
    return _apply_hr(region, rows) if kind == ImportKind.HR else _apply_finance(region, rows)


def _apply_hr(region: Region, rows: list[Row]) -> dict[str, int]:
    existing = {p.reference.lower(): p for p in Post.objects.filter(region=region)}
    holders = {h.post_id: h for h in PostHolder.objects.filter(post__region=region)}
    created = updated = 0
    now = timezone.now()
    for row in rows:
        fields, holder = dict(row.values["fields"]), row.values["holder"]
        post = existing.get(fields["reference"].lower())
        if post is None:
            post = Post.objects.create(region=region, updated_at=now, **fields)
            created += 1
        else:
            for key, value in fields.items():
                setattr(post, key, value)
            post.updated_at = now
            post.save()
            updated += 1
        current = holders.get(post.pk)
        if holder:
            values = {k: holder.get(k) or ("" if k in ("name", "staff_number") else None) for k in rules.HOLDER_FIELDS}
            if current is None:
                PostHolder.objects.create(post=post, **values)
            else:
                for key, value in values.items():
                    setattr(current, key, value)
                current.save()
        elif current is not None:
            current.delete()
    return {"posts_created": created, "posts_updated": updated}


def _apply_finance(region: Region, rows: list[Row]) -> dict[str, int]:
    lines = {line.code: line for line in FundingLine.objects.filter(region=region)}
    created = updated = allocations = 0
    touched: set[str] = set()
    for row in rows:
        spec = row.values["line"]
        line = lines.get(spec["code"])
        if line is None:
            line = lines[spec["code"]] = FundingLine.objects.create(region=region, **spec)
            created += 1
            touched.add(spec["code"])
        elif spec["code"] not in touched:
            for key, value in spec.items():
                setattr(line, key, value)
            line.save()
            updated += 1
            touched.add(spec["code"])
        FundingAllocation.objects.update_or_create(
            line=line,
            financial_year=row.values["year"],
            defaults={"amount_pence": row.values["amount_pence"], "confirmed": row.values["confirmed"]},
        )
        allocations += 1
    return {"lines_created": created, "lines_updated": updated, "allocations": allocations}
