"""Government Security Classifications and police vetting, and how they meet.

DOMAIN.md: a user sees a record only when their vetting reaches its classification
(OFFICIAL → NPPV2, OFFICIAL-SENSITIVE → NPPV3 or SC, SECRET → SC, TOP SECRET → DV).
"""

from __future__ import annotations

from django.db import models


class Classification(models.TextChoices):
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"
    SECRET = "secret", "SECRET"
    TOP_SECRET = "top_secret", "TOP SECRET"


class Vetting(models.TextChoices):
    NONE = "none", "None"
    NPPV1 = "nppv1", "NPPV1"
    NPPV2_ABBREVIATED = "nppv2a", "NPPV2 (abbreviated)"
    NPPV2 = "nppv2", "NPPV2 (full)"
    NPPV3 = "nppv3", "NPPV3"
    CTC = "ctc", "CTC"
    SC = "sc", "SC"
    ESC = "esc", "eSC"
    DV = "dv", "DV"


# Classifications in ascending order, and the highest one each vetting level reaches.
CLASSIFICATION_ORDER: tuple[str, ...] = (
    Classification.OFFICIAL,
    Classification.OFFICIAL_SENSITIVE,
    Classification.SECRET,
    Classification.TOP_SECRET,
)
VETTING_REACH: dict[str, str | None] = {
    Vetting.NONE: None,
    Vetting.NPPV1: None,
    Vetting.NPPV2_ABBREVIATED: Classification.OFFICIAL,
    Vetting.NPPV2: Classification.OFFICIAL,
    Vetting.CTC: Classification.OFFICIAL,
    Vetting.NPPV3: Classification.OFFICIAL_SENSITIVE,
    Vetting.SC: Classification.SECRET,
    Vetting.ESC: Classification.SECRET,
    Vetting.DV: Classification.TOP_SECRET,
}


def classifications_reached(vetting: str) -> list[str]:
    """Every classification a holder of this (in-date) vetting may see."""
    top = VETTING_REACH.get(vetting)
    if top is None:
        return []
    return list(CLASSIFICATION_ORDER[: CLASSIFICATION_ORDER.index(top) + 1])
