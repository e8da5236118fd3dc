"""Writes of the performance area: only the audit of what leaves rocu."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rocu.audit.models import Category
from rocu.audit.services import audit_record


def performance_export(
    *, actor: Any, what: str, fmt: str, scope_label: str, period: str, rows: int, region_id: int | None
) -> None:
    """Record an export as a disclosure: figures left rocu for the person who asked."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            category=Category.DISCLOSURE,
            action=f"performance.{what}.export",
            object_type="performance.report",
            object_id=what,
            region_id=region_id,
            recipient=getattr(actor, "username", ""),
            detail={"format": fmt, "scope": scope_label, "period": period, "rows": rows},
        )
