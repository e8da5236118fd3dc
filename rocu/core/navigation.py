"""Navigation entries by permission; capability apps add theirs with `register_nav`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from rocu.core import policy


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    perm: str | None  # None: any signed-in user
    order: int = 100


_ENTRIES: list[NavEntry] = [
    NavEntry("Home", "core:home", None, 0),
    NavEntry("Organisations", "accounts:organisations", policy.Perm.ORGANISATIONS_VIEW, 80),
    NavEntry("People", "accounts:people", policy.Perm.PEOPLE_VIEW, 85),
    NavEntry("Need-to-know groups", "accounts:groups", policy.Perm.GROUPS_VIEW, 86),
    NavEntry("Audit trail", "audit:events", policy.Perm.AUDIT_VIEW, 90),
    NavEntry("API", "api-docs", None, 99),
]


def register_nav(entry: NavEntry) -> None:
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def navigation_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    perms = policy.permissions_for(user)
    items = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.perm is not None and entry.perm not in perms:
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items
