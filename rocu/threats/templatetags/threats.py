"""Template helpers for the threat pages."""

from __future__ import annotations

from django import template

register = template.Library()

_SUFFIXES = (" Constabulary", " Police")


@register.filter
def short_force(name: str) -> str:
    """ "Devon and Cornwall Police" → "Devon and Cornwall": tables of many forces stay readable."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
