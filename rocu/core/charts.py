"""Charts drawn in the browser by Plotly, always with a table that holds the same figures.

Views build a Plotly figure and pass `chart(...)` to the template, which includes
`includes/chart.html`. Points may carry a URL in `customdata`; clicking opens it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go

LAYOUT_DEFAULTS: dict[str, Any] = {
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 14},
    "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
}
# Colours with enough contrast on white (GOV.UK palette), in a fixed order.
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#5694ca", "#912b88", "#28a197", "#505a5f"]


def chart(
    fig: go.Figure,
    *,
    chart_id: str,
    title: str,
    table_header: Sequence[str],
    table_rows: Iterable[Sequence[Any]],
    definitions: Sequence[tuple[str, str]] = (),
    plain_traces: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """`plain_traces` are trace dicts added after Plotly's checks: for thousands of points,
    where checking each value costs more than drawing the rest of the page."""
    fig.update_layout(**LAYOUT_DEFAULTS)
    figure = json.loads(fig.to_json())
    figure["data"].extend(plain_traces)
    _whole_number_ticks(figure)
    return {
        "id": chart_id,
        "title": title,
        "figure": figure,
        "header": list(table_header),
        "rows": [list(r) for r in table_rows],
        "definitions": list(definitions),
    }


def _whole_number_ticks(figure: dict[str, Any]) -> None:
    """Bars of small counts step their axis in ones: Plotly's own choice for a largest
    count of 1 or 2 is steps of 0.2 or 0.5, and nobody has 0.4 of an arrest."""
    for axis_name, key in (("yaxis", "y"), ("xaxis", "x")):
        values = [
            v
            for trace in figure["data"]
            if trace.get("type") == "bar" and (trace.get("orientation") == "h") == (key == "x")
            for v in (trace.get(key) if isinstance(trace.get(key), list) else [])
        ]
        if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            continue
        axis = figure.setdefault("layout", {}).setdefault(axis_name, {})
        if max(values, default=0) <= 10 and "dtick" not in axis:
            axis["dtick"] = 1
