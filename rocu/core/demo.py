"""The demo region: each capability registers a seeder that `rocu seed-demo` runs in order.

Seeders must be idempotent (running seed-demo twice changes nothing) and scale their
volumes by `ctx.scale` so benchmarks can ask for bigger regions.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    password: str
    scale: int = 1
    all_regions: bool = False
    rng: random.Random = field(default_factory=lambda: random.Random(20210210))
    logins: list[tuple[str, str]] = field(default_factory=list)  # (username, what it shows)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # seeders hand objects on by name


Seeder = Callable[[DemoContext], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int, name: str) -> Callable[[Seeder], Seeder]:
    def decorator(fn: Seeder) -> Seeder:
        if all(n != name for _, n, _ in _SEEDERS):
            _SEEDERS.append((order, name, fn))
        return fn

    return decorator


def seeders() -> list[tuple[int, str, Seeder]]:
    return sorted(_SEEDERS, key=lambda s: s[0])
