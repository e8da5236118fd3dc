"""Who reaches counter-corruption: the auditor (counter-corruption) alone, never about themselves.

Declarations are everyone's own; the register, alerts and cases are counter-corruption's.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rocu.accounts.models import Region
from rocu.counter_corruption import urls
from rocu.counter_corruption.models import Alert, Case
from rocu.counter_corruption.services import declaration_create
from tests.core.matrix import check, covered_names, expand, route_names

BAD_ASSIGN = {"action": "assign", "assigned_to": ""}
BAD_NOTE = {"action": "note", "text": ""}

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/counter-corruption/alerts/"),
    (
        "403 403 403 403 403 403 403 403 200 403 LOG",
        "GET",
        "/counter-corruption/alerts/?status=open&rule=fishing&sort=-score",
    ),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/counter-corruption/alerts/{alert}/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "POST", "/counter-corruption/alerts/{alert}/", BAD_ASSIGN),
    # Nobody sees an alert about themselves; nor one from another region.
    ("403 403 403 403 403 403 403 403 404 403 LOG", "GET", "/counter-corruption/alerts/{alert_own}/"),
    ("403 403 403 403 403 403 403 403 404 403 LOG", "GET", "/counter-corruption/alerts/{alert_elsewhere}/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/counter-corruption/cases/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/counter-corruption/cases/{case}/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "POST", "/counter-corruption/cases/{case}/", BAD_NOTE),
    ("403 403 403 403 403 403 403 403 404 403 LOG", "GET", "/counter-corruption/cases/{case_own}/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", "/counter-corruption/declarations/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "POST", "/counter-corruption/declarations/", {"kind": "nonsense"}),
    (
        "302 404 404 404 404 404 404 404 404 404 LOG",
        "POST",
        "/counter-corruption/declarations/{declaration}/withdraw/",
        {},
    ),
    ("405 405 405 405 405 405 405 405 405 405 LOG", "GET", "/counter-corruption/declarations/{declaration}/withdraw/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/counter-corruption/register/"),
    ("403 403 403 403 403 403 403 403 302 403 LOG", "POST", "/counter-corruption/scan/", {}),
    ("403 403 403 403 403 403 403 403 405 403 LOG", "GET", "/counter-corruption/scan/"),
    # The demo auditor holds the senior grant (see test_casework for one who does not).
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/counter-corruption/team-access/"),
    # The API: a visitor without a session or token gets 401.
    ("403 403 403 403 403 403 403 403 200 403 401", "GET", "/api/v1/counter-corruption/alerts/"),
    ("403 403 403 403 403 403 403 403 200 403 401", "GET", "/api/v1/counter-corruption/alerts/{alert}/"),
    ("403 403 403 403 403 403 403 403 404 403 401", "GET", "/api/v1/counter-corruption/alerts/{alert_own}/"),
    ("403 403 403 403 403 403 403 403 200 403 401", "GET", "/api/v1/counter-corruption/cases/"),
    ("403 403 403 403 403 403 403 403 200 403 401", "GET", "/api/v1/counter-corruption/cases/{case}/"),
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", "/api/v1/counter-corruption/declarations/"),
    # Everyone may declare; a form body is refused (the API speaks JSON: see test_casework).
    ("415 415 415 415 415 415 415 415 415 415 401", "POST", "/api/v1/counter-corruption/declarations/", {}),
]


@pytest.fixture
def records(persona):
    sw = Region.objects.get(code="south-west")
    ne = Region.objects.get(code="north-east")
    today = dt.date(2026, 1, 5)

    def alert(subject, region):
        return Alert.objects.create(
            subject=subject,
            region=region,
            day=today,
            score=60,
            reasons=[{"rule": "fishing", "score": 60, "text": "Ran 12 searches that found nobody.", "records": []}],
            rules=["fishing"],
            rules_version="anomalies-v1",
            first_seq=1,
            last_seq=2,
        )

    def case(subject):
        made = Case.objects.create(
            reference=f"CC-T{subject.pk}", region=sw, subject=subject, title="Access review", opened_by=persona("head")
        )
        return made.pk

    return {
        "alert": alert(persona("disruption"), sw).pk,
        "alert_own": alert(persona("auditor"), sw).pk,
        "alert_elsewhere": alert(persona("outsider"), ne).pk,
        "case": case(persona("lro")),
        "case_own": case(persona("auditor")),
        "declaration": declaration_create(actor=persona("analyst"), kind="association_person", surname="Kellow").pk,
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "counter_corruption") == route_names(urls)
