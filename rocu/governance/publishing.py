"""The published response: one context for the public page and its PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from rocu.governance.models import FindingKind, InspectionResponse


def context(response: InspectionResponse) -> dict[str, Any]:
    inspection = response.inspection
    findings = list(inspection.findings.all())
    positions = {p.finding_id: p for p in response.positions.all()}
    return {
        "r": response,
        "inspection": inspection,
        "concerns": [
            f for f in findings if f.kind in (FindingKind.CAUSE_OF_CONCERN, FindingKind.ACCELERATED_CAUSE_OF_CONCERN)
        ],
        "recommendations": [(f, positions.get(f.pk)) for f in findings if f.kind == FindingKind.RECOMMENDATION],
        "on_time": response.published_on is not None and response.published_on <= response.due,
    }


def response_pdf(response: InspectionResponse, *, base_url: str = "") -> bytes:
    """The same words as the public page, laid out for print; no scripts, no images fetched."""
    from weasyprint import HTML

    html = render_to_string("governance/public_response_pdf.html", context(response))
    return bytes(HTML(string=html, base_url=base_url or None).write_pdf())
