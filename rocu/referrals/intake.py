"""Reading referral files (CSV or XLSX) against a partner template, row by row.

Every problem names its row and field, so the partner can fix the file and send it
again; nothing here writes to the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rocu.engines.linkage import parse_date
from rocu.referrals.models import ReferralTemplate, SubjectRole

PERSON_FIELDS = ("first_name", "surname", "dob", "address", "town", "postcode", "phone", "email")
_PERSON_LIMITS = {"first_name": 100, "surname": 100, "address": 200, "town": 100, "postcode": 10, "phone": 30}
_PERSON_LIMITS |= {"email": 254, "dob": 10}
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9 +()-]{6,30}$")

TEMPLATES: dict[str, dict[str, Any]] = {
    ReferralTemplate.BORDER_FORCE_PARCEL: {
        "head": ["partner_reference", "received_on", "seizure_date", "port", "commodity", "quantity", "unit"],
        "required": ["partner_reference", "seizure_date", "commodity"],
        "roles": [SubjectRole.SENDER, SubjectRole.RECIPIENT],
        "example": [
            "BF-2025-000123",
            "2025-03-04",
            "2025-03-03",
            "East Midlands Airport",
            "Cocaine",
            "250",
            "g",
            *("Jon", "Smith", "", "12 High Street", "Bristol", "BS1 4DJ", "", ""),
            *("Muhammad", "Khan", "14/02/1990", "Flat 2, 8 Union Street", "Plymouth", "PL1 3AA", "07700 900123", ""),
        ],
    },
    ReferralTemplate.PARTNER_GENERAL: {
        "head": ["partner_reference", "received_on", "summary"],
        "required": ["partner_reference", "summary"],
        "roles": [SubjectRole.SUBJECT],
        "example": [
            "HMRC-0042",
            "2025-03-04",
            "Cash deposits inconsistent with declared income",
            *("Zoë", "Núñez", "1985-07-21", "3 Quay Road", "Exeter", "EX2 4AN", "", "zoe@example.com"),
        ],
    },
}
HEAD_LIMITS = {"partner_reference": 60, "port": 100, "commodity": 100, "unit": 20, "summary": 2000}


def template_columns(template: str) -> list[str]:
    spec = TEMPLATES[template]
    return [*spec["head"], *(f"{role}_{f}" for role in spec["roles"] for f in PERSON_FIELDS)]


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ParsedReferral:
    row: int
    head: dict[str, Any]
    subjects: list[dict[str, Any]] = field(default_factory=list)


class FileRefused(ValueError):
    """The whole file is unreadable (encoding, format, columns): nothing is imported."""


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8) or XLSX file as dicts of trimmed strings, header lower-cased."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if not name.endswith(".csv"):
        raise FileRefused("Upload a .csv or .xlsx file.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise FileRefused(
            f"The file is not UTF-8 text (first bad byte on line {line}). Save it as CSV UTF-8 and upload it again."
        ) from None
    if "\x00" in text:
        raise FileRefused("The file holds binary data, not CSV text.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused("The file is empty.") from None
    except csv.Error as exc:
        raise FileRefused(f"The file is not valid CSV: {exc}.") from None
    keys = [h.strip().lower() for h in header]
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append({k: (values[i].strip() if i < len(values) else "") for i, k in enumerate(keys)})
    except csv.Error as exc:
        raise FileRefused(f"The file is not valid CSV (line {reader.line_num}): {exc}.") from None
    return _with_header(keys, rows)


def _with_header(keys: list[str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
    # The header travels as the first element's keys even when there are no data rows.
    return rows if rows else [dict.fromkeys(keys, "") | {"__empty__": "1"}]


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise FileRefused("The file is not a readable XLSX workbook.") from None
    try:
        # A read-only workbook parses each sheet lazily: damage inside a sheet shows
        # only while its rows are read, so the reading is guarded too.
        return _xlsx_rows(workbook)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - XML, zip and value errors of a damaged sheet
        raise FileRefused("The file is not a readable XLSX workbook: its first sheet is damaged.") from None
    finally:
        workbook.close()


def _xlsx_rows(workbook: Any) -> list[dict[str, str]]:
    if not workbook.worksheets:
        raise FileRefused("The workbook has no sheets.")
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = next(rows_iter)
    except StopIteration:
        raise FileRefused("The workbook's first sheet is empty.") from None
    keys = [str(h or "").strip().lower() for h in header]
    rows = []
    for values in rows_iter:
        if not any(v not in (None, "") for v in values):
            continue
        rows.append({k: _xlsx_text(values[i]) if i < len(values) else "" for i, k in enumerate(keys) if k})
    return _with_header(keys, rows)


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def validate(
    template: str, rows: list[dict[str, str]], *, today: dt.date
) -> tuple[list[ParsedReferral], list[RowError]]:
    """Each row checked against the template; valid ones parsed, the rest reported."""
    columns = template_columns(template)
    present = set(rows[0]) if rows else set()
    missing = [c for c in columns if c not in present]
    if missing:
        raise FileRefused(
            f"The file is missing {len(missing)} column{'s' if len(missing) > 1 else ''} of the template: "
            f"{', '.join(missing[:8])}{'…' if len(missing) > 8 else ''}."
        )
    if rows and rows[0].get("__empty__"):
        raise FileRefused("The file has a header but no rows.")
    spec = TEMPLATES[template]
    parsed: list[ParsedReferral] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        row_errors: list[RowError] = []
        head = _head(spec, row, number, today, row_errors)
        ref = head.get("partner_reference", "")
        if ref:
            if ref in seen:
                row_errors.append(
                    RowError(number, "partner_reference", f"The reference {ref} is also on row {seen[ref]}.")
                )
            else:
                seen[ref] = number
        subjects = []
        for role in spec["roles"]:
            person = _person(role, row, number, row_errors)
            if person is not None:
                subjects.append(person)
        if not subjects:
            row_errors.append(RowError(number, f"{spec['roles'][0]}_surname", "Give at least one person's name."))
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed.append(ParsedReferral(row=number, head=head, subjects=subjects))
    return parsed, errors


def _head(spec: dict[str, Any], row: dict[str, str], number: int, today: dt.date, errors: list[RowError]) -> dict:
    head: dict[str, Any] = {}
    for col in spec["head"]:
        value = row.get(col, "")
        if col in spec["required"] and not value:
            errors.append(RowError(number, col, f"{col} is required."))
            continue
        if col in ("received_on", "seizure_date"):
            head[col] = _date(value, number, col, errors, today)
        elif col == "quantity":
            head[col] = None
            if value:
                try:
                    head[col] = Decimal(value.replace(",", ""))
                    if head[col] < 0 or head[col] >= Decimal("1e10"):
                        raise InvalidOperation
                except InvalidOperation:
                    errors.append(RowError(number, col, f"{value!r} is not a quantity (a number, like 250)."))
        else:
            if len(value) > HEAD_LIMITS.get(col, 200):
                errors.append(RowError(number, col, f"{col} is longer than {HEAD_LIMITS[col]} characters."))
            head[col] = value
    if head.get("received_on") is None:
        head["received_on"] = today
    return head


def _date(value: str, number: int, col: str, errors: list[RowError], today: dt.date) -> dt.date | None:
    if not value:
        return None
    try:
        iso = parse_date(value)
    except ValueError:
        errors.append(RowError(number, col, f"{value!r} is not a possible date (use YYYY-MM-DD or DD/MM/YYYY)."))
        return None
    day = dt.date.fromisoformat(iso) if iso else None
    if day and day > today:
        errors.append(RowError(number, col, f"{value} is in the future."))
    return day


def _person(role: str, row: dict[str, str], number: int, errors: list[RowError]) -> dict[str, Any] | None:
    values = {f: row.get(f"{role}_{f}", "") for f in PERSON_FIELDS}
    if not any(values.values()):
        return None
    before = len(errors)
    for f, v in values.items():
        if len(v) > _PERSON_LIMITS[f]:
            errors.append(RowError(number, f"{role}_{f}", f"Longer than {_PERSON_LIMITS[f]} characters."))
    if not values["surname"] and not values["first_name"]:
        errors.append(RowError(number, f"{role}_surname", "A person needs a name."))
    dob = None
    if values["dob"]:
        try:
            iso = parse_date(values["dob"])
            dob = dt.date.fromisoformat(iso) if iso else None
        except ValueError:
            errors.append(
                RowError(number, f"{role}_dob", f"{values['dob']!r} is not a possible date of birth (use YYYY-MM-DD).")
            )
    postcode = values["postcode"].upper()
    if postcode and not POSTCODE.match(postcode):
        errors.append(RowError(number, f"{role}_postcode", f"{values['postcode']!r} is not a UK postcode."))
    if values["email"] and not EMAIL.match(values["email"]):
        errors.append(RowError(number, f"{role}_email", f"{values['email']!r} is not an email address."))
    if values["phone"] and not PHONE.match(values["phone"]):
        errors.append(RowError(number, f"{role}_phone", f"{values['phone']!r} is not a phone number."))
    if len(errors) > before:
        return None
    return {**{k: v for k, v in values.items() if k != "dob"}, "date_of_birth": dob, "postcode": postcode, "role": role}


def template_csv(template: str) -> tuple[list[str], list[list[str]]]:
    return template_columns(template), [TEMPLATES[template]["example"]]
