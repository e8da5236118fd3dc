"""The PCC's quarterly report: a narrative filled with the quarter's figures and SVG charts.

Built for the PCC office, so counts of people are under disclosure control and nothing
names anyone; the same HTML goes to WeasyPrint for the PDF.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from rocu.engines import metrics as m
from rocu.performance import reports, selectors, svg


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def report_html(scope: selectors.DashboardScope, period: m.Period, *, disclosure_control: bool = True) -> str:
    results = selectors.compute(None, scope, period, disclosure_control=disclosure_control)
    previous = {
        r.metric.id: r for r in selectors.compute(None, scope, period.previous(), disclosure_control=disclosure_control)
    }
    sections = []
    for result in results:
        if not result.available:
            continue
        labels = [str(r[0]) for r in result.rows if _number(r[1]) is not None]
        values = [_number(r[1]) or 0.0 for r in result.rows if _number(r[1]) is not None]
        chart = svg.bar_chart(result.metric.name, labels, values) if labels else ""
        before = previous.get(result.metric.id)
        sections.append(
            {
                "result": result,
                "svg": chart,
                "previous": before.headline if before and before.available else "",
                "definition": reports.definition_line(result.metric),
            }
        )
    return render_to_string(
        "performance/pcc_report.html",
        {
            "scope": scope,
            "period": period,
            "previous": period.previous(),
            "sections": sections,
            "unavailable": [r.metric for r in results if not r.available],
            "generated": timezone.now(),
            "unavailable_text": selectors.UNAVAILABLE,
        },
    )
