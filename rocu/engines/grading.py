"""Disruption grades (rocu's rule v1, DOMAIN.md) and the 4P balance.

Plain Python so the rule can be read, versioned and property-tested on its own. The
grade a claimant proposes is theirs; the rule here only says what each grade means and
which claims a grade's definition cannot cover (a minor claim cannot rest on a
principal charged; a major one needs an impact of six months or more).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RULE_VERSION = "disruption-grades-v1"

MAJOR = "major"
MODERATE = "moderate"
MINOR = "minor"
GRADES = (MAJOR, MODERATE, MINOR)

DEFINITIONS: dict[str, str] = {
    MAJOR: (
        "An OCG's leadership or core capability removed (for example principals charged, "
        "a supply route closed) for 6 months or more."
    ),
    MODERATE: "Significant impact for weeks to months (a key member arrested, a large seizure).",
    MINOR: "Short-term impact (a warning, a small seizure, an account frozen).",
}

PURSUE = "pursue"
PREVENT = "prevent"
PROTECT = "protect"
PREPARE = "prepare"
PS = (PURSUE, PREVENT, PROTECT, PREPARE)

# Below this many weeks of impact a claim cannot be graded major; above this a claim
# is more than minor. Weeks, because claims state expected impact that way.
MAJOR_MIN_WEEKS = 26
MINOR_MAX_WEEKS = 4


@dataclass(frozen=True)
class GradeCheck:
    ok: bool
    reason: str = ""


def check_grade(grade: str, impact_weeks: int) -> GradeCheck:
    """Whether a claimed grade fits the expected length of its impact under rule v1."""
    if grade not in GRADES:
        return GradeCheck(False, f"Unknown grade {grade!r}; choose major, moderate or minor.")
    if impact_weeks < 0:
        return GradeCheck(False, "The expected impact cannot be negative.")
    if grade == MAJOR and impact_weeks < MAJOR_MIN_WEEKS:
        return GradeCheck(False, "A major disruption removes leadership or core capability for 6 months or more.")
    if grade == MINOR and impact_weeks > MINOR_MAX_WEEKS:
        return GradeCheck(False, "An impact of more than four weeks is more than minor: grade it moderate or major.")
    return GradeCheck(True)


@dataclass(frozen=True)
class Balance:
    """How work spreads across the 4Ps: counts, shares (0..1) and the dominant P."""

    counts: dict[str, int]
    shares: dict[str, float]
    total: int
    dominant: str | None
    # 1.0 when the four Ps are even, 0.0 when one P holds everything (normalised entropy).
    evenness: float
    pursue_dominates: bool


def balance(items: Iterable[str] | Mapping[str, int]) -> Balance:
    """The 4P balance of a plan's actions, a threat's outcomes or a region's disruptions."""
    import math

    counts = dict.fromkeys(PS, 0)
    if isinstance(items, Mapping):
        for p, n in items.items():
            if p in counts:
                counts[p] += max(0, int(n))
    else:
        for p in items:
            if p in counts:
                counts[p] += 1
    total = sum(counts.values())
    shares = {p: (counts[p] / total if total else 0.0) for p in PS}
    dominant = max(PS, key=lambda p: counts[p]) if total else None
    entropy = -sum(s * math.log(s) for s in shares.values() if s > 0)
    evenness = entropy / math.log(len(PS)) if total else 0.0
    return Balance(
        counts=counts,
        shares=shares,
        total=total,
        dominant=dominant,
        evenness=round(min(1.0, max(0.0, evenness)), 6),
        pursue_dominates=bool(total) and shares[PURSUE] > 0.5,
    )
