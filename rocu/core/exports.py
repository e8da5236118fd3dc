"""Helpers for every export: cells that a spreadsheet will not run as formulas."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
