"""Alert triage through the API: counter-corruption only, never the subject, every step audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from rocu.accounts.models import Region, RoleAssignment, User
from rocu.audit.models import AuditEvent
from rocu.core.policy import Role
from rocu.counter_corruption.models import Alert, AlertStatus, Case
from tests.api.conftest import assert_problem, bearer, create_token
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

API = "/api/v1/counter-corruption/alerts"
CLOSE = {"corruption_category": "systems_misuse", "alert_outcome": "no_further_action", "note": "Work lookup."}


def _alert(subject: User, region: Region | None = None) -> Alert:
    return Alert.objects.create(
        subject=subject,
        region=region or subject.region,
        day=dt.date(2026, 1, 5),
        score=60,
        reasons=[{"rule": "fishing", "score": 60, "text": "Ran 12 searches that found nobody.", "records": []}],
        rules=["fishing"],
        rules_version="anomalies-v1",
        first_seq=1,
        last_seq=2,
    )


@pytest.fixture
def colleague(persona):
    """A second counter-corruption investigator in the region, to assign work to."""
    auditor = persona("auditor")
    user = User.objects.create(
        username="cc.colleague", region=auditor.region, vetting=auditor.vetting, vetting_expires=auditor.vetting_expires
    )
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR)
    return user


@pytest.fixture
def alerts(persona):
    return {
        "other": _alert(persona("disruption")),
        "own": _alert(persona("auditor")),
        "elsewhere": _alert(persona("outsider"), Region.objects.get(code="north-east")),
    }


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


# Every persona's token against every alert endpoint. Only counter-corruption (the
# auditor) gets in; the auditor gets 404 on an alert about themselves, as on one from
# another region. A request with no token is 401.
ROWS = [
    # (answer for the auditor, everyone else with a token, method, which alert, action, body)
    ("200", "GET", None, "", None),
    ("200", "GET", "other", "", None),
    ("404", "GET", "own", "", None),
    ("404", "GET", "elsewhere", "", None),
    ("200", "POST", "other", "assign", {"assigned_to": "cc.colleague"}),
    ("404", "POST", "own", "assign", {"assigned_to": "cc.colleague"}),
    ("200", "POST", "other", "close", CLOSE),
    ("404", "POST", "own", "close", CLOSE),
    ("404", "POST", "elsewhere", "close", CLOSE),
    ("409", "POST", "other", "reopen", {"note": "It was never closed."}),
    ("201", "POST", "other", "escalate", {"title": "Access review"}),
    ("404", "POST", "own", "escalate", {"title": "Access review"}),
]


def _url(alerts, which, action):
    if which is None:
        return f"{API}/"
    return f"{API}/{alerts[which].pk}/" + (f"{action}/" if action else "")


@pytest.mark.parametrize("who", [*PERSONAS, None])
@pytest.mark.parametrize(("auditor_gets", "method", "which", "action", "body"), ROWS)
def test_it_answers_each_role_token_exactly(alerts, colleague, who, auditor_gets, method, which, action, body):
    client = bearer(create_token(who)) if who else Client()
    url = _url(alerts, which, action)
    if body is not None:
        body = {**body, "row_version": alerts[which].row_version}
    response = client.get(url) if method == "GET" else _post(client, url, body)
    expected = 401 if who is None else int(auditor_gets) if who == "auditor" else 403
    assert response.status_code == expected, (who, method, url, response.content[:300])


def test_it_hides_an_alert_from_its_subject_even_on_the_counter_corruption_team(alerts, colleague):
    about_colleague = _alert(colleague)
    theirs = bearer(create_token("cc.colleague"))
    assert_problem(theirs.get(f"{API}/{about_colleague.pk}/"), 404)
    assert about_colleague.pk not in [a["id"] for a in theirs.get(f"{API}/").json()["results"]]
    body = {**CLOSE, "row_version": about_colleague.row_version}
    assert_problem(_post(theirs, f"{API}/{about_colleague.pk}/close/", body), 404)
    # The auditor sees it, and cannot hand it to the person it is about.
    auditor = bearer(create_token("auditor"))
    assert auditor.get(f"{API}/{about_colleague.pk}/").status_code == 200
    refused = _post(auditor, f"{API}/{about_colleague.pk}/assign/", {"assigned_to": "cc.colleague", "row_version": 1})
    assert "about themselves" in assert_problem(refused, 400)["detail"]
    about_colleague.refresh_from_db()
    assert (about_colleague.status, about_colleague.row_version) == (AlertStatus.NEW, 1)


def test_it_audits_every_read_and_every_triage_step(alerts, colleague):
    auditor = bearer(create_token("auditor"))
    alert = alerts["other"]
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()

    listed = auditor.get(f"{API}/?status=open").json()
    assert alert.pk in [a["id"] for a in listed["results"]]
    assert alerts["own"].pk not in [a["id"] for a in listed["results"]]
    shown = auditor.get(f"{API}/{alert.pk}/").json()
    assert (shown["status"], shown["row_version"], shown["rules_version"]) == ("new", 1, "anomalies-v1")

    assigned = _post(auditor, f"{API}/{alert.pk}/assign/", {"assigned_to": "cc.colleague", "row_version": 1}).json()
    assert (assigned["status"], assigned["assigned_to"], assigned["row_version"]) == ("assigned", "cc.colleague", 2)
    closed = _post(
        auditor,
        f"{API}/{alert.pk}/close/",
        {
            "corruption_category": "inappropriate_association",
            "alert_outcome": "advice",
            "note": "Checked a relative's associate; advised.",
            "row_version": 2,
        },
    ).json()
    assert (closed["status"], closed["corruption_category"], closed["alert_outcome"], closed["closed_by"]) == (
        "closed",
        "inappropriate_association",
        "advice",
        "auditor",
    )
    reopened = _post(auditor, f"{API}/{alert.pk}/reopen/", {"note": "More looks found.", "row_version": 3}).json()
    assert (reopened["status"], reopened["corruption_category"]) == ("assigned", "")
    made = _post(auditor, f"{API}/{alert.pk}/escalate/", {"title": "Repeated access", "row_version": 4})
    assert made.status_code == 201
    case = Case.objects.get(pk=made.json()["id"])
    assert case.alerts.get().pk == alert.pk

    events = AuditEvent.objects.filter(seq__gt=start, actor_username="auditor").order_by("seq")
    assert [(e.category, e.action) for e in events] == [
        ("consultation", "counter_corruption.alert.list"),
        ("consultation", "counter_corruption.alert.view"),
        ("alteration", "counter_corruption.alert.assign"),
        ("alteration", "counter_corruption.alert.close"),
        ("alteration", "counter_corruption.alert.reopen"),
        ("collection", "counter_corruption.case.open"),
        ("alteration", "counter_corruption.alert.escalate"),
    ]
    assert alert.pk in events[0].detail["ids"]
    assert events[3].detail == {"category": "inappropriate_association", "outcome": "advice"}


def test_it_answers_a_stale_triage_with_409_and_both_versions_writing_nothing(alerts, colleague):
    auditor = bearer(create_token("auditor"))
    alert = alerts["other"]
    first = _post(auditor, f"{API}/{alert.pk}/assign/", {"assigned_to": "cc.colleague", "row_version": 1})
    assert first.status_code == 200
    before = AuditEvent.objects.count()

    stale = _post(auditor, f"{API}/{alert.pk}/close/", {**CLOSE, "row_version": 1})
    body = assert_problem(stale, 409)
    assert body["conflict"]["current_version"] == 2
    rows = {r["field"]: (r["saved"], r["yours"]) for r in body["conflict"]["fields"]}
    assert rows["Status"] == ("Assigned", "Closed")
    assert rows["Assigned to"] == ("cc.colleague", "cc.colleague")
    assert rows["Category"] == ("", "Misuse of force systems")
    alert.refresh_from_db()
    assert (alert.status, alert.row_version, alert.category) == (AlertStatus.ASSIGNED, 2, "")
    assert AuditEvent.objects.count() == before

    # Sent again from the version now stored, on purpose: it goes through.
    again = _post(auditor, f"{API}/{alert.pk}/close/", {**CLOSE, "row_version": body["conflict"]["current_version"]})
    assert again.status_code == 200
    assert again.json()["status"] == "closed"


@pytest.mark.parametrize(
    ("action", "body", "status", "field"),
    [
        ("close", {"alert_outcome": "advice", "note": "x", "corruption_category": "gossip"}, 400, "category"),
        ("close", {"corruption_category": "drugs", "alert_outcome": "shrug", "note": "x"}, 400, "outcome"),
        ("close", {"corruption_category": "drugs", "alert_outcome": "advice", "note": "  "}, 400, "note"),
        ("close", {"corruption_category": "drugs", "alert_outcome": "advice"}, 400, "note"),
        ("assign", {"assigned_to": "analyst"}, 400, "assigned_to"),
        ("assign", {"assigned_to": "nobody-at-all"}, 400, "assigned_to"),
        ("reopen", {"note": "Not closed yet."}, 409, None),
        ("escalate", {"title": ""}, 400, "title"),
    ],
)
def test_it_refuses_bad_triage_clearly_and_changes_nothing(alerts, colleague, action, body, status, field):
    auditor = bearer(create_token("auditor"))
    alert = alerts["other"]
    before = AuditEvent.objects.count()
    problem = assert_problem(_post(auditor, f"{API}/{alert.pk}/{action}/", {**body, "row_version": 1}), status)
    if field:
        assert field in json.dumps(problem.get("errors", {})) or field in problem["detail"]
    alert.refresh_from_db()
    assert (alert.status, alert.row_version) == (AlertStatus.NEW, 1)
    assert AuditEvent.objects.count() == before
    assert not Case.objects.filter(subject=alert.subject).exists()


def test_it_requires_the_row_version_on_every_triage_step(alerts):
    auditor = bearer(create_token("auditor"))
    problem = assert_problem(_post(auditor, f"{API}/{alerts['other'].pk}/close/", CLOSE), 400)
    assert "row_version" in problem["errors"]
