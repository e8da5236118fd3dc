"""The funnel from referral to outcome, and the hook later capabilities fill.

Stages up to "disseminated or adopted" are counted here. "Investigated" and "outcome"
belong to the investigations capability: it calls `register_funnel_stage_provider`
with a function that, given referral ids, answers which of them led to an
investigation (or an outcome). Until one is registered the stage shows an honest zero
and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# A provider takes referral ids and returns the subset that reached its stage.
StageProvider = Callable[[Iterable[int]], set[int]]

LATER_STAGES = ("investigated", "outcome")
_PROVIDERS: dict[str, StageProvider] = {}


def register_funnel_stage_provider(stage: str, provider: StageProvider) -> None:
    if stage not in LATER_STAGES:
        raise ValueError(f"unknown funnel stage {stage!r}; later stages are {', '.join(LATER_STAGES)}")
    _PROVIDERS[stage] = provider


def provider_for(stage: str) -> StageProvider | None:
    return _PROVIDERS.get(stage)


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    pending_note: str = ""  # shown while no capability records this stage


STAGES = (
    Stage("received", "Received"),
    Stage("checked", "Checked"),
    Stage("triaged", "Triaged"),
    Stage("actioned", "Disseminated or adopted"),
    Stage("investigated", "Investigated", "recorded once investigations are in rocu"),
    Stage("outcome", "Outcome", "recorded once investigations are in rocu"),
)
