"""Navigation by permission, grouped into sections so the header stays short.

Capability apps add entries with `register_nav`; an entry's section is its URL
namespace. The header shows one link per section (its first entry the user may
use); the section's other entries appear as a sub-navigation on its pages.
"""

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


# Section names and order in the header, by URL namespace.
SECTIONS: dict[str, tuple[str, int]] = {
    "core": ("Home", 0),
    "threats": ("Threats and tasking", 10),
    "referrals": ("Referrals", 20),
    "intelligence": ("Intelligence", 30),
    "operations": ("Operations and plans", 40),
    "outcomes": ("Outcomes", 45),
    "performance": ("Performance", 50),
    "governance": ("Governance", 60),
    "workforce": ("Workforce", 70),
    "accounts": ("People and organisations", 80),
    "audit": ("Audit", 90),
    "counter_corruption": ("Counter-corruption", 91),
    "records": ("Records", 92),
    "api": ("API", 99),
}

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


def _section(entry: NavEntry) -> str:
    return entry.url_name.split(":", 1)[0] if ":" in entry.url_name else "api"


def navigation_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """Sections the user may use, each with its entries; the current ones marked active."""
    if not getattr(user, "is_authenticated", False):
        return []
    perms = policy.permissions_for(user)
    sections: dict[str, dict[str, Any]] = {}
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.perm is not None and entry.perm not in perms:
            continue
        key = _section(entry)
        label, order = SECTIONS.get(key, (entry.label, entry.order))
        url = reverse(entry.url_name)
        section = sections.setdefault(
            key, {"label": label, "order": order, "url": url, "active": False, "children": []}
        )
        section["children"].append({"label": entry.label, "url": url, "active": False})
    # The entry whose URL is the longest prefix of the current path is the active one.
    best: tuple[int, dict[str, Any], dict[str, Any]] | None = None
    for section in sections.values():
        for child in section["children"]:
            url = child["url"]
            matches = current_path == url if url == "/" else current_path.startswith(url)
            if matches and (best is None or len(url) > best[0]):
                best = (len(url), section, child)
    if best is not None:
        best[1]["active"] = True
        best[2]["active"] = True
    else:  # a page outside every entry's URL: the section sharing its first path segment
        first = current_path.strip("/").split("/", 1)[0]
        for section in sections.values():
            if first and any(c["url"].strip("/").split("/", 1)[0] == first for c in section["children"]):
                section["active"] = True
                break
    return sorted(sections.values(), key=lambda s: s["order"])
