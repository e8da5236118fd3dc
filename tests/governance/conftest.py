from __future__ import annotations

import io

import pytest

from rocu.governance.models import Finding, Inspection, InspectionResponse, RecommendationTracking


def text_file(name: str, content: bytes | str) -> io.BytesIO:
    data = content.encode() if isinstance(content, str) else content
    f = io.BytesIO(data)
    f.name = name
    f.size = len(data)  # type: ignore[attr-defined]
    return f


@pytest.fixture
def gov(db):
    """The demo's governance records by name."""
    inspection = Inspection.objects.get(title__startswith="An inspection of the effectiveness")
    recs = {f.reference: f for f in Finding.objects.filter(inspection=inspection, kind="recommendation")}
    sw = {
        t.finding.reference: t
        for t in RecommendationTracking.objects.filter(finding__inspection=inspection, region__code="south-west")
    }
    other = Inspection.objects.get(title__contains="demo inspection")
    return {
        "inspection": inspection,
        "recs": recs,
        "sw": sw,
        "other": other,
        "draft": InspectionResponse.objects.get(inspection=other),
        "published": InspectionResponse.objects.get(inspection=inspection),
        "ne": RecommendationTracking.objects.get(finding=recs["Recommendation 2"], region__code="north-east"),
    }
