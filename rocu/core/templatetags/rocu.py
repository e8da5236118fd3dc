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
