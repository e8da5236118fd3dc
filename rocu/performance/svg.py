"""Bar charts drawn as SVG on the server, for the PDF report (no browser, no Chrome)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from rocu.core.charts import PALETTE


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], *, width: int = 640, unit: str = "") -> str:
    """A horizontal bar chart: readable labels whatever their length, values written on each bar."""
    bar_h, gap, left, top = 22, 8, 230, 34
    height = top + len(labels) * (bar_h + gap) + 10
    top_value = max([v for v in values if v is not None] + [1])
    scale = (width - left - 70) / top_value
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="18" font-size="14" font-weight="bold" font-family="sans-serif">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (bar_h + gap)
        w = max(0.0, (value or 0) * scale)
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" font-family="sans-serif">'
            f"{escape(str(label))[:40]}</text>"
        )
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>')
        shown = "" if value is None else (f"{value:.1f}{unit}" if unit == "%" else f"{value:,.0f}{unit}")
        parts.append(
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" font-size="12" font-family="sans-serif">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
