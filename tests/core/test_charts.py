"""Charts: the figure a page draws, and its axis steps."""

from __future__ import annotations

import plotly.graph_objects as go

from rocu.core.charts import chart


def _bars(values, **kw):
    fig = go.Figure(go.Bar(x=["a", "b", "c"][: len(values)], y=values, **kw))
    return chart(fig, chart_id="c", title="t", table_header=["k", "n"], table_rows=[])["figure"]["layout"]


def test_small_counts_step_in_ones():
    assert _bars([1, 0, 1])["yaxis"]["dtick"] == 1
    assert _bars([10, 2])["yaxis"]["dtick"] == 1


def test_large_counts_and_fractions_keep_plotlys_steps():
    assert "dtick" not in _bars([250, 40]).get("yaxis", {})
    assert "dtick" not in _bars([0.5, 1.5]).get("yaxis", {})


def test_horizontal_bars_step_their_value_axis():
    fig = go.Figure(go.Bar(y=["a", "b"], x=[1, 2], orientation="h"))
    layout = chart(fig, chart_id="c", title="t", table_header=[], table_rows=[])["figure"]["layout"]
    assert layout["xaxis"]["dtick"] == 1
    assert "dtick" not in layout.get("yaxis", {})


def test_a_chart_table_body_is_what_the_template_loop_wrote():
    """The one-pass table body escapes and localises each cell as `{{ cell }}` does."""
    import datetime as dt
    from decimal import Decimal

    from django.template import Context, Template

    rows = [["<script>alert(1)</script>", 3, 2.5, Decimal("1.50")], [dt.date(2026, 11, 25), None, True, "a & b"]]
    loop = Template(
        '{% for row in rows %}<tr class="govuk-table__row">{% for cell in row %}'
        '<td class="govuk-table__cell">{{ cell }}</td>{% endfor %}</tr>{% endfor %}'
    )
    one_pass = Template("{% load rocu %}{{ rows|table_rows }}")
    assert one_pass.render(Context({"rows": rows})) == loop.render(Context({"rows": rows}))
    assert "<script>" not in one_pass.render(Context({"rows": rows}))
