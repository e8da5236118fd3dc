"""Money and FTE as the workforce pages show them."""

from __future__ import annotations

from django import template

from rocu.workforce import format as fmt

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return fmt.money(pence)
