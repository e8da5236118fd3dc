"""Helpers for every export: cells that a spreadsheet will not run as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """Neutralise formula injection (OWASP CSV injection) by prefixing a quote."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A CSV download of exactly these rows, every cell made safe for spreadsheets."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8 names correctly
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


def xlsx_response(
    filename: str,
    header: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    sheet: str = "Data",
    notes: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """An XLSX download; `notes` (label, text) go on a second sheet, e.g. metric definitions."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet[:31])
    ws.append(header)
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
    if notes:
        ns = workbook.create_sheet("Definitions")
        for label, text in notes:
            ns.append([_xlsx_cell(label), _xlsx_cell(text)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    value = safe_cell(value)
    return value
