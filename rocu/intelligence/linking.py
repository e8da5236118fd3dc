"""Glue between rocu's records and the linkage engine: frames in, candidates out.

Holdings are the region's imported extracts plus its person records (nominals); each
gets a key ("h<pk>" or "n<pk>") that the engine passes back on every candidate.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

import pandas as pd

from rocu.engines import linkage
from rocu.intelligence.models import HoldingRecord, Nominal

HOLDING_COLUMNS = ["person_id", "first_name", "surname", "dob", "address", "town", "postcode", "phone", "email"]


@lru_cache(maxsize=1)
def model() -> linkage.LinkageModel:
    return linkage.load_model()


def subject_key(*, first_name: str, surname: str, dob: Any, postcode: str) -> str:
    """Who a subject is, as a digest: the same details on a later referral meet the same verdicts."""
    parts = [
        linkage.canonical_first(first_name or ""),
        linkage.canonical_surname(surname or ""),
        dob.isoformat() if dob else "",
        linkage.canonical_postcode(postcode or ""),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def holdings_frame(region_id: int) -> pd.DataFrame:
    """Every held person in the region, as the engine's CSV-shaped columns."""
    fields = ["pk", "first_name", "surname", "date_of_birth", "address", "town", "postcode", "phone", "email"]
    rows = [
        (f"h{r[0]}", *r[1:3], r[3].isoformat() if r[3] else "", *r[4:])
        for r in HoldingRecord.objects.filter(region_id=region_id).values_list(*fields).iterator(chunk_size=5000)
    ]
    rows += [
        (f"n{r[0]}", *r[1:3], r[3].isoformat() if r[3] else "", *r[4:])
        for r in Nominal.objects.filter(region_id=region_id).values_list(*fields)
    ]
    return pd.DataFrame(rows, columns=HOLDING_COLUMNS)


def subjects_frame(subjects: list[Any]) -> pd.DataFrame:
    rows = [
        (
            str(s.pk),
            s.first_name,
            s.surname,
            s.date_of_birth.isoformat() if s.date_of_birth else "",
            s.address,
            s.town,
            s.postcode,
            s.phone,
            s.email,
        )
        for s in subjects
    ]
    return pd.DataFrame(rows, columns=["subject_id", *HOLDING_COLUMNS[1:]])


def check(subjects: list[Any], region_id: int, threshold: float = 0.01) -> tuple[list[linkage.Candidate], int]:
    """Candidates for these subjects against the region's holdings, and how many were searched."""
    held = holdings_frame(region_id)
    if not subjects or held.empty:
        return [], len(held)
    found = linkage.link_rows(
        subjects=subjects_frame(subjects),
        holdings=held,
        model=model(),
        threshold=threshold,
        subject_id="subject_id",
        holding_id="person_id",
    )
    return found, len(held)
