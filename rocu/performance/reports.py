"""What a performance page shows, as tables, so the screen and every export hold the same.

A page is built once as a `Report` (titled tables, each naming the metric definitions
it uses); the template draws charts from it and the CSV, XLSX and PDF exports write the
very same rows, with the definitions attached.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from rocu.core.charts import LAYOUT_DEFAULTS, PALETTE, chart
from rocu.engines import metrics as m
from rocu.performance import selectors


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    metric_ids: list[str]
    note: str = ""
    chart: dict[str, Any] | None = None


@dataclass
class Report:
    title: str
    scope_label: str
    period_label: str
    tables: list[Table] = field(default_factory=list)
    unavailable: list[m.MetricDefinition] = field(default_factory=list)

    def definitions(self) -> list[tuple[str, str]]:
        used: list[str] = []
        for table in self.tables:
            used += [i for i in table.metric_ids if i not in used]
        return [definition_line(m.BY_ID[i]) for i in used]

    def flat_rows(self) -> tuple[list[str], list[list[Any]]]:
        """Every table as one sheet: table, then its own columns."""
        width = max((len(t.header) for t in self.tables), default=0)
        header = ["Table", "Scope", "Period"] + [f"Column {i + 1}" for i in range(width)]
        rows: list[list[Any]] = []
        for table in self.tables:
            rows.append([table.title, self.scope_label, self.period_label, *table.header])
            for row in table.rows:
                rows.append([table.title, self.scope_label, self.period_label, *list(row)])
        return header, rows


def definition_line(metric: m.MetricDefinition) -> tuple[str, str]:
    return (
        f"{metric.name} ({metric.id}, version {metric.version})",
        f"{metric.definition} Formula: {metric.formula}. Unit: {metric.unit}. Owner: {metric.owner}. "
        f"Source: {metric.source}.",
    )


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


@functools.cache
def _template() -> dict[str, Any]:
    """Plotly's default template as `chart` writes it into every figure (read, never changed)."""
    template: dict[str, Any] = json.loads(go.Figure().to_json())["layout"]["template"]
    return template


def plain_chart(
    trace: dict[str, Any],
    layout: dict[str, Any],
    *,
    chart_id: str,
    title: str,
    table_header: Sequence[str],
    table_rows: Iterable[Sequence[Any]],
    definitions: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """Exactly what `rocu.core.charts.chart(go.Figure(trace, layout), ...)` returns for one plain
    trace of strings and numbers, built as dicts: plotly's validating figure objects cost some
    15 ms a chart, and a dashboard draws two dozen (tests/performance/test_speed.py checks the
    two agree)."""
    return {
        "id": chart_id,
        "title": title,
        "figure": {"data": [trace], "layout": {**layout, **LAYOUT_DEFAULTS, "template": _template()}},
        "header": list(table_header),
        "rows": [list(r) for r in table_rows],
        "definitions": list(definitions),
    }


def _bar(table: Table, chart_id: str) -> dict[str, Any] | None:
    points = [(str(r[0]), _numeric(r[1])) for r in table.rows if len(r) > 1]
    points = [(label, v) for label, v in points if v is not None]
    if not points:
        return None
    return plain_chart(
        {"marker": {"color": PALETTE[0]}, "x": [p[0] for p in points], "y": [p[1] for p in points], "type": "bar"},
        {"yaxis": {"rangemode": "tozero"}, "height": 300},
        chart_id=chart_id,
        title=table.title,
        table_header=table.header,
        table_rows=table.rows,
        definitions=[definition_line(m.BY_ID[i]) for i in table.metric_ids],
    )


def dashboard_report(results: list[selectors.MetricResult], scope_label: str, period: m.Period) -> Report:
    report = Report("Performance dashboard", scope_label, period.label)
    for result in results:
        if not result.available:
            report.unavailable.append(result.metric)
            continue
        table = Table(result.metric.id, result.metric.name, result.header, result.rows, [result.metric.id], result.note)
        table.chart = _bar(table, f"chart-{result.metric.id}")
        report.tables.append(table)
        if result.trend:
            unit = "rate" if result.metric.unit == "percentage" else "total"
            trend_rows: list[list[Any]] = [
                [m.parse_period(token).label, m.percent(v) if unit == "rate" else int(v or 0)]
                for token, v in result.trend
            ]
            trend = Table(
                f"{result.metric.id}-trend",
                f"{result.metric.name}: trend ({result.trend_word})",
                ["Period", "Rate" if unit == "rate" else "Total"],
                trend_rows,
                [result.metric.id],
            )
            ys = [(v * 100 if (unit == "rate" and v is not None) else v) for _, v in result.trend]
            trend.chart = plain_chart(
                {
                    "line": {"color": PALETTE[1]},
                    "mode": "lines+markers",
                    "x": [r[0] for r in trend_rows],
                    "y": ys,
                    "type": "scatter",
                },
                {"yaxis": {"rangemode": "tozero", "ticksuffix": "%" if unit == "rate" else ""}, "height": 260},
                chart_id=f"chart-{result.metric.id}-trend",
                title=trend.title,
                table_header=trend.header,
                table_rows=trend.rows,
                definitions=[definition_line(result.metric)],
            )
            report.tables.append(trend)
    return report


def national_report(metric: m.MetricDefinition, period: m.Period, units: list[tuple[str, int, int]]) -> Report:
    """The same proportion for every region against funnel-plot control limits."""
    target, points = m.funnel(units)
    report = Report(f"National consistency: {metric.name}", "All regions", period.label)
    words = {
        "above": "Outlier: above",
        "below": "Outlier: below",
        "warning-above": "Warning: above",
        "warning-below": "Warning: below",
    }
    rows = []
    for p in points:
        rows.append(
            [
                p.unit,
                p.numerator,
                p.denominator,
                m.percent(p.proportion),
                "—" if p.lower998 is None else f"{m.percent(p.lower998)} to {m.percent(p.upper998)}",
                "missing data" if p.proportion is None else words.get(p.outlier, "Within limits"),
            ]
        )
    table = Table(
        "national",
        f"{metric.name} by region, {period.label} (national rate {m.percent(target)})",
        ["Region", "Numerator", "Denominator", "Rate", "99.8% control limits", "Finding"],
        rows,
        [metric.id],
    )
    fig = go.Figure()
    with_data = [p for p in points if p.proportion is not None]
    if with_data and target is not None:
        top = max(p.denominator for p in with_data)
        ns = [max(1, round(top * i / 40)) for i in range(1, 41)]
        for z, name, dash in ((m.Z95, "95% limits", "dash"), (m.Z998, "99.8% limits", "dot")):
            lims = [m.funnel_limits(target, n, z) for n in ns]
            fig.add_trace(
                go.Scatter(
                    x=ns,
                    y=[lo * 100 for lo, _ in lims],
                    mode="lines",
                    name=name,
                    line={"dash": dash, "color": PALETTE[9]},
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=ns,
                    y=[hi * 100 for _, hi in lims],
                    mode="lines",
                    showlegend=False,
                    line={"dash": dash, "color": PALETTE[9]},
                )
            )
        fig.add_hline(y=target * 100, line_color=PALETTE[2], annotation_text="national rate")
        fig.add_trace(
            go.Scatter(
                x=[p.denominator for p in with_data],
                y=[(p.proportion or 0) * 100 for p in with_data],
                text=[p.unit for p in with_data],
                mode="markers+text",
                textposition="top center",
                name="Regions",
                marker={
                    "size": 11,
                    "color": [PALETTE[1] if p.outlier in ("above", "below") else PALETTE[0] for p in with_data],
                },
            )
        )
    fig.update_layout(height=420, xaxis_title="Denominator (size of the region's work)", yaxis_title="Rate (%)")
    table.chart = chart(
        fig,
        chart_id="chart-national",
        title=table.title,
        table_header=table.header,
        table_rows=table.rows,
        definitions=[definition_line(metric)],
    )
    report.tables.append(table)
    return report
