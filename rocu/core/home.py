"""Home page panels: each capability contributes what a role should see first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PanelBuilder = Callable[[Any], "Panel | None"]


@dataclass
class Panel:
    title: str
    order: int = 100
    figures: list[tuple[str, Any]] = field(default_factory=list)  # (label, value)
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"text", "url", "hint"}
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    body: str = ""


_BUILDERS: list[PanelBuilder] = []


def register_panel(builder: PanelBuilder) -> PanelBuilder:
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)
    return builder


def home_panels(user: Any) -> list[Panel]:
    panels = [p for b in _BUILDERS if (p := b(user)) is not None]
    return sorted(panels, key=lambda p: p.order)
