"""Template helpers: query strings for sort and page links, classification markings."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from rocu.core.web import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def qs(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (page, sort, ...)."""
    request: HttpRequest = context["request"]
    return "?" + querystring(request, **changes)


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], field: str) -> str:
    """Toggle sorting on a column: ascending first, then descending."""
    request: HttpRequest = context["request"]
    current = request.GET.get("sort", "")
    target = f"-{field}" if current == field else field
    return "?" + querystring(request, sort=target, page=None)


@register.simple_tag(takes_context=True)
def aria_sort(context: dict[str, Any], field: str) -> str:
    current = context["request"].GET.get("sort", "")
    if current == field:
        return "ascending"
    if current == f"-{field}":
        return "descending"
    return "none"


@register.filter
def table_rows(rows: Any) -> str:
    """A chart's table body, written in one pass: a scatter of a region's threats has a
    row for each of a thousand points, which the template language renders slowly."""
    from django.utils.formats import localize
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # missing from django-stubs

    out = []
    for row in rows:
        # As {{ cell }} would show it: local time, localised numbers and dates, escaped.
        shown = (
            conditional_escape(cell if isinstance(cell, str) else localize(template_localtime(cell))) for cell in row
        )
        cells = "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in shown)
        out.append(f'<tr class="govuk-table__row">{cells}</tr>')
    return mark_safe("".join(out))  # noqa: S308 - every cell is escaped
