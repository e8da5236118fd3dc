"""The scale file in force: read once from the repository and handed to the engines."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from rocu.engines.scoring import Scale, scale_from_mapping
from rocu.engines.tasking import LevelRule, rule_from_mapping

SCALES_DIR = Path(__file__).resolve().parent / "scales"
CURRENT = "morile_v1.toml"


@cache
def _data(name: str = CURRENT) -> dict[str, Any]:
    with (SCALES_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


def current_scale() -> Scale:
    return _scale()


def current_rule() -> LevelRule:
    return _rule()


@cache
def _scale() -> Scale:
    return scale_from_mapping(_data())


@cache
def _rule() -> LevelRule:
    return rule_from_mapping(_data())
