"""Who reaches records review and subject access: the auditor and the ROCU head."""

from __future__ import annotations

import pytest

from rocu.records import urls
from rocu.records.models import RetentionRecord, SubjectAccessRequest
from tests.core.matrix import check, covered_names, expand, route_names

NO_REASON = {"action": "decide", "decision": "retain", "reason": ""}
EXPORT = {"recipient": "Disclosure team", "reason": "SAR response"}

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/records/review/"),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/records/review/?due=all&group=3&sort=-group"),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/records/review/{record}/"),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "POST", "/records/review/{record}/", NO_REASON),
    ("403 403 403 403 404 403 403 403 404 403 LOG", "GET", "/records/review/999999999/"),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/records/subject-access/"),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "POST", "/records/subject-access/", {"surname": ""}),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/records/subject-access/{sar}/"),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "POST", "/records/subject-access/{sar}/export/", EXPORT),
    ("403 403 403 403 405 403 403 403 405 403 LOG", "GET", "/records/subject-access/{sar}/export/"),
    ("403 403 403 403 200 403 403 403 200 403 401", "GET", "/api/v1/records/retention/"),
    ("403 403 403 403 200 403 403 403 200 403 401", "GET", "/api/v1/records/retention/{record}/"),
    # Access passes for the reviewers; a form body is refused (the API speaks JSON: see test_retention).
    ("403 403 403 403 415 403 403 403 415 403 401", "POST", "/api/v1/records/retention/{record}/decide/", NO_REASON),
]


@pytest.fixture
def records(db):
    return {
        "record": RetentionRecord.objects.filter(reference="NOM-OLD000").get().pk,
        "sar": SubjectAccessRequest.objects.first().pk,  # type: ignore[union-attr]
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "records") == route_names(urls)
