"""Glue between rocu's records and the linkage engine: frames in, candidates out.

Holdings are the region's imported extracts plus its person records (nominals); each
gets a key ("h<pk>" or "n<pk>") that the engine passes back on every candidate.

Each process keeps its regions' holdings warm (normalised, counted, in DuckDB) so a
referral's subjects are checked in well under a second against a million holdings.
A warm copy is used only while the database says nothing has changed since it was
built: an import, an edit or an erasure makes the next check rebuild it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import pandas as pd
from django.conf import settings
from django.db.models import Count, Max

from rocu.engines import linkage
from rocu.intelligence.models import HoldingRecord, HoldingsSource, Nominal

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


def holdings_fingerprint(region_id: int) -> tuple[Any, ...]:
    """What the region's holdings look like now; any import, edit or erasure changes it."""
    from rocu.records.models import RetentionRecord

    held = HoldingRecord.objects.filter(region_id=region_id).aggregate(n=Count("pk"), top=Max("pk"))
    imported = HoldingsSource.objects.filter(region_id=region_id).aggregate(n=Count("pk"), at=Max("imported_at"))
    nominals = Nominal.objects.filter(region_id=region_id).aggregate(n=Count("pk"), top=Max("pk"), at=Max("updated_at"))
    erased = RetentionRecord.objects.filter(disposed_at__isnull=False).aggregate(n=Count("pk"), at=Max("disposed_at"))
    return (
        held["n"],
        held["top"],
        imported["n"],
        imported["at"],
        nominals["n"],
        nominals["top"],
        nominals["at"],
        erased["n"],
        erased["at"],
    )


class _WarmCache:
    """The last few regions' warm holdings in this process, each with the fingerprint it was built from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions: OrderedDict[int, tuple[tuple[Any, ...], linkage.WarmHoldings]] = OrderedDict()

    def get(self, region_id: int) -> linkage.WarmHoldings:
        fingerprint = holdings_fingerprint(region_id)
        with self._lock:
            cached = self._regions.get(region_id)
            if cached and cached[0] == fingerprint:
                self._regions.move_to_end(region_id)
                return cached[1]
        frame = linkage.prepare(holdings_frame(region_id), id_column="person_id")
        warm = linkage.WarmHoldings(frame, model())
        with self._lock:
            self._regions[region_id] = (fingerprint, warm)
            self._regions.move_to_end(region_id)
            while len(self._regions) > max(settings.ROCU_LINKAGE_WARM_REGIONS, 0):
                self._regions.popitem(last=False)
        return warm

    def clear(self) -> None:
        with self._lock:
            self._regions.clear()


warm_cache = _WarmCache()


def check(subjects: list[Any], region_id: int, threshold: float = 0.01) -> tuple[list[linkage.Candidate], int]:
    """Candidates for these subjects against the region's holdings, and how many were searched."""
    if not subjects:
        return [], 0
    warm = warm_cache.get(region_id)
    if not warm.n:
        return [], 0
    prepared = linkage.prepare(subjects_frame(subjects), id_column="subject_id")
    return warm.check(prepared, threshold=threshold), warm.n
