"""rocu's MoRiLE-style scoring: harm, likelihood, risk, priority (DOMAIN.md "Scoring").

Plain Python so that a whole region's threats (or a network's, 100,000 of them) can be
re-scored in well under a second and the rules property-tested without a database.
The scale is data, not code: the caller reads a versioned scale file and passes it in
with `scale_from_mapping`, and every result carries the version that produced it.

- Harm: six dimensions, each 0-4; harm = weighted sum / (sum of weights x 4) x 100.
- Likelihood: 1-5. Risk = harm x likelihood / 5, so 0-100.
- Confidence (low / medium / high) travels beside the score and never changes it.
- Organisational position and opportunity (1-5 each) scale risk into priority by a
  multiplier between `base` and `base + position_weight + opportunity_weight` (at most
  1), so priority never exceeds risk and is monotonic in both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

MAX_DIMENSION = 4
MIN_LIKELIHOOD, MAX_LIKELIHOOD = 1, 5
MIN_ADJUSTER, MAX_ADJUSTER = 1, 5


class ScaleError(ValueError):
    """A scale file or an input that does not fit the scale, naming the field."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    weight: float


@dataclass(frozen=True)
class Scale:
    version: str
    dimensions: tuple[Dimension, ...]
    harm_levels: tuple[str, ...]
    likelihood_levels: tuple[str, ...]
    confidence_levels: tuple[str, ...]
    priority_base: float
    position_weight: float
    opportunity_weight: float

    @cached_property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    @cached_property
    def weighted_keys(self) -> tuple[tuple[str, float], ...]:
        return tuple((d.key, d.weight) for d in self.dimensions)


@dataclass(frozen=True)
class ScoreInput:
    harm: Mapping[str, int]
    likelihood: int
    confidence: str
    organisational_position: int = 3
    opportunity: int = 3


@dataclass(frozen=True)
class Score:
    harm: float
    likelihood: int
    risk: float
    priority: float
    confidence: str
    scale_version: str


@dataclass(frozen=True)
class Change:
    """One line of "what changed since the last version", for side-by-side display."""

    field: str
    before: Any
    after: Any


def scale_from_mapping(data: Mapping[str, Any]) -> Scale:
    """Build a Scale from a parsed scale file (TOML), refusing anything inconsistent."""
    try:
        dims = tuple(Dimension(str(d["key"]), str(d["label"]), float(d["weight"])) for d in data["harm"]["dimensions"])
        priority = data["priority"]
        scale = Scale(
            version=str(data["version"]),
            dimensions=dims,
            harm_levels=tuple(data["harm"]["levels"]),
            likelihood_levels=tuple(data["likelihood"]["levels"]),
            confidence_levels=tuple(data["confidence"]["levels"]),
            priority_base=float(priority["base"]),
            position_weight=float(priority["position_weight"]),
            opportunity_weight=float(priority["opportunity_weight"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ScaleError(f"The scale file is incomplete or malformed: {exc}") from None
    if not scale.version:
        raise ScaleError("The scale has no version.")
    if not dims or len({d.key for d in dims}) != len(dims) or any(d.weight <= 0 for d in dims):
        raise ScaleError("Harm dimensions need unique keys and positive weights.")
    if len(scale.harm_levels) != MAX_DIMENSION + 1 or len(scale.likelihood_levels) != MAX_LIKELIHOOD:
        raise ScaleError("The scale needs 5 harm levels (0-4) and 5 likelihood levels (1-5).")
    top = scale.priority_base + scale.position_weight + scale.opportunity_weight
    if scale.priority_base < 0 or scale.position_weight < 0 or scale.opportunity_weight < 0 or top > 1:
        raise ScaleError("Priority weights must be non-negative and add up to at most 1.")
    return scale


def validate(inputs: ScoreInput, scale: Scale) -> None:
    """Refuse out-of-range input rather than clamp it, naming the field at fault.

    The common case (everything in range) is checked in one quick pass, because
    batches of 100,000 are scored at once; only a failure takes the slow path that
    works out which field to name.
    """
    harm = inputs.harm
    keys = scale.dimension_keys
    ok = len(harm) == len(keys)
    if ok:
        for k in keys:
            v = harm.get(k)
            if type(v) is not int or v < 0 or v > MAX_DIMENSION:
                ok = False
                break
    if (
        ok
        and type(inputs.likelihood) is int
        and MIN_LIKELIHOOD <= inputs.likelihood <= MAX_LIKELIHOOD
        and type(inputs.organisational_position) is int
        and MIN_ADJUSTER <= inputs.organisational_position <= MAX_ADJUSTER
        and type(inputs.opportunity) is int
        and MIN_ADJUSTER <= inputs.opportunity <= MAX_ADJUSTER
        and inputs.confidence in scale.confidence_levels
    ):
        return
    _explain(inputs, scale)


def _explain(inputs: ScoreInput, scale: Scale) -> None:
    unknown = set(inputs.harm) - set(scale.dimension_keys)
    if unknown:
        raise ScaleError(f"Unknown harm dimension: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    for key in scale.dimension_keys:
        value = inputs.harm.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DIMENSION:
            raise ScaleError(f"Score {key.replace('_', ' ')} from 0 to {MAX_DIMENSION}.", field=key)
    if not _in(inputs.likelihood, MIN_LIKELIHOOD, MAX_LIKELIHOOD):
        raise ScaleError("Score likelihood from 1 to 5.", field="likelihood")
    if inputs.confidence not in scale.confidence_levels:
        raise ScaleError(f"Confidence must be one of: {', '.join(scale.confidence_levels)}.", field="confidence")
    if not _in(inputs.organisational_position, MIN_ADJUSTER, MAX_ADJUSTER):
        raise ScaleError("Score organisational position from 1 to 5.", field="organisational_position")
    if not _in(inputs.opportunity, MIN_ADJUSTER, MAX_ADJUSTER):
        raise ScaleError("Score opportunity from 1 to 5.", field="opportunity")


def _in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def score(inputs: ScoreInput, scale: Scale) -> Score:
    validate(inputs, scale)
    return _score(inputs, scale, sum(d.weight for d in scale.dimensions) * MAX_DIMENSION)


def _score(
    inputs: ScoreInput, scale: Scale, harm_max: float, weighted_keys: tuple[tuple[str, float], ...] = ()
) -> Score:
    harm_in = inputs.harm
    weighted = 0.0
    for k, w in weighted_keys or scale.weighted_keys:
        weighted += w * harm_in[k]
    harm = min(100.0, weighted / harm_max * 100)
    risk = harm * inputs.likelihood / MAX_LIKELIHOOD
    multiplier = (
        scale.priority_base
        + scale.position_weight * (inputs.organisational_position - 1) / 4
        + scale.opportunity_weight * (inputs.opportunity - 1) / 4
    )
    return Score(
        harm=round(harm, 1),
        likelihood=inputs.likelihood,
        risk=round(risk, 1),
        priority=round(min(100.0, risk * multiplier), 1),
        confidence=inputs.confidence,
        scale_version=scale.version,
    )


def score_many(batch: Sequence[ScoreInput], scale: Scale) -> list[Score]:
    """Score a batch; each input validated, the scale's constants worked out once."""
    harm_max = sum(d.weight for d in scale.dimensions) * MAX_DIMENSION
    weighted_keys = scale.weighted_keys
    out = []
    for inputs in batch:
        validate(inputs, scale)
        out.append(_score(inputs, scale, harm_max, weighted_keys))
    return out


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[Change]:
    """What differs between two versions' inputs and results, in `after`'s field order."""
    if before is None:
        return [Change(k, None, v) for k, v in after.items()]
    return [Change(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]
