"""Who reaches each operations and outcomes API endpoint, with the exact answer, and what
the writes do.

`{viz}` Op Vizardlike (Avon and Somerset; team: sio, analyst; plan LRO: lro), `{lantern}`
Op Lantern (Devon and Cornwall), `{decision}` Vizardlike's first decision, `{plan}` its
plan, `{claim}` its validated disruption. Writes are JSON bodies (the API speaks JSON only).
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from rocu.operations.models import DecisionEntry, JointReview, Operation
from rocu.outcomes.models import ClaimStatus, DisruptionClaim, Outcome
from tests.core.matrix import ACTORS

pytestmark = pytest.mark.django_db

LIST = "200 200 200 200 200 200 403 403 403 200 401"
VIZ = "200 404 200 200 200 404 403 403 403 404 401"
LANTERN = "404 404 200 200 200 200 403 403 403 404 401"
BAD_PARAM = "400 400 400 400 400 400 403 403 403 400 401"

READS = [
    (LIST, "/api/v1/operations/"),
    (LIST, "/api/v1/operations/?status=live&flag=review_overdue&q=Op"),
    (BAD_PARAM, "/api/v1/operations/?flag=bogus"),
    ("400 400 400 400 400 400 400 400 400 400 401", "/api/v1/operations/?colour=red"),
    (VIZ, "/api/v1/operations/{viz}/"),
    (LANTERN, "/api/v1/operations/{lantern}/"),
    (LIST, "/api/v1/operation-decisions/?operation={viz}"),
    (BAD_PARAM, "/api/v1/operation-decisions/?operation=abc"),
    (VIZ, "/api/v1/operation-decisions/{decision}/"),
    (LIST, "/api/v1/joint-reviews/"),
    (LIST, "/api/v1/plans/"),
    (BAD_PARAM, "/api/v1/plans/?status=open"),
    # The force SOC lead sees the plan: its priority affects Devon and Cornwall too.
    ("200 404 200 200 200 200 403 403 403 404 401", "/api/v1/plans/{plan}/"),
    (LIST, "/api/v1/outcomes/?kind=seizure_firearms&p=pursue"),
    (BAD_PARAM, "/api/v1/outcomes/?kind=bogus"),
    (LIST, "/api/v1/disruptions/?grade=major&status=validated"),
    (VIZ, "/api/v1/disruptions/{claim}/"),
]


@pytest.fixture
def records(db):
    viz = Operation.objects.get(code_name="Op Vizardlike")
    return {
        "viz": viz.pk,
        "lantern": Operation.objects.get(code_name="Op Lantern").pk,
        "decision": DecisionEntry.objects.filter(operation=viz).first().pk,
        "plan": viz.plan_id,
        "claim": DisruptionClaim.objects.filter(operation=viz, status="validated").first().pk,
    }


def _cases(table):
    for answers, url in table:
        for actor, expected in zip(ACTORS, answers.split(), strict=True):
            yield pytest.param(url, actor, int(expected), id=f"{url} {actor or 'anonymous'}")


@pytest.mark.parametrize(("url", "actor", "expected"), list(_cases(READS)))
def test_it_answers_each_actor_reading_the_api(client_for, records, url, actor, expected):
    resp = client_for(actor).get(url.format(**records))
    assert resp.status_code == expected, resp.content[:300]


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _bodies(records, persona):
    today = timezone.localdate().isoformat()
    return {
        "decision": (
            "/api/v1/operation-decisions/",
            {"operation": records["viz"], "decision": "Arrest phase", "rationale": "Evidence gathered"},
        ),
        "review": (
            "/api/v1/joint-reviews/",
            {
                "operation": records["viz"],
                "held_on": today,
                "attendees": [persona("sio").pk, persona("lro").pk],
                "agreed_prevent": "Schools work",
            },
        ),
        "outcome": (
            "/api/v1/outcomes/",
            {"operation": records["viz"], "kind": "warning", "p": "prevent", "occurred_on": today, "count": 2},
        ),
        "claim": (
            "/api/v1/disruptions/",
            {
                "operation": records["viz"],
                "grade": "minor",
                "p": "protect",
                "impact_weeks": 2,
                "description": "Dealers advised",
                "evidence": "Visit log",
                "occurred_on": today,
            },
        ),
    }


WRITES = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("403 404 201 403 201 404 403 403 403 404 401", "decision"),
    ("201 404 201 201 201 404 403 403 403 404 401", "review"),
    ("403 403 201 201 201 403 403 403 403 403 401", "outcome"),
    ("403 403 201 201 201 403 403 403 403 403 401", "claim"),
]


@pytest.mark.parametrize(
    ("what", "actor", "expected"),
    [
        pytest.param(what, actor, int(e), id=f"{what} {actor or 'anonymous'}")
        for answers, what in WRITES
        for actor, e in zip(ACTORS, answers.split(), strict=True)
    ],
)
def test_it_answers_each_actor_writing_through_the_api(client_for, persona, records, what, actor, expected):
    url, body = _bodies(records, persona)[what]
    resp = _post(client_for(actor), url, body)
    assert resp.status_code == expected, resp.content[:300]


VALIDATE = "403 403 403 200 200 403 403 403 403 403 401"


@pytest.mark.parametrize(
    ("actor", "expected"), [pytest.param(a, int(e), id=str(a)) for a, e in zip(ACTORS, VALIDATE.split(), strict=True)]
)
def test_it_answers_each_actor_validating_a_claim(client_for, records, actor, expected):
    pending = DisruptionClaim.objects.get(operation_id=records["viz"], status=ClaimStatus.CLAIMED)
    resp = _post(client_for(actor), f"/api/v1/disruptions/{pending.pk}/validate/", {"approve": True})
    assert resp.status_code == expected, resp.content[:300]


def test_it_refuses_a_decision_without_rationale_as_a_problem(client_for, records):
    before = DecisionEntry.objects.count()
    resp = _post(
        client_for("sio"),
        "/api/v1/operation-decisions/",
        {"operation": records["viz"], "decision": "Go", "rationale": " "},
    )
    assert resp.status_code == 400
    assert resp["Content-Type"] == "application/problem+json"
    assert "rationale" in resp.json()["detail"]
    assert DecisionEntry.objects.count() == before


def test_it_appends_a_correction_pointing_back(client_for, records):
    resp = _post(
        client_for("sio"),
        "/api/v1/operation-decisions/",
        {"operation": records["viz"], "decision": "Corrected", "rationale": "Typo", "corrects": records["decision"]},
    )
    assert resp.status_code == 201
    assert resp.json()["corrects"] == records["decision"]
    original = client_for("sio").get(f"/api/v1/operation-decisions/{records['decision']}/").json()
    assert original["decision"] != "Corrected"


def test_it_refuses_a_joint_review_without_the_lro(client_for, persona, records):
    before = JointReview.objects.count()
    resp = _post(
        client_for("sio"),
        "/api/v1/joint-reviews/",
        {
            "operation": records["viz"],
            "held_on": timezone.localdate().isoformat(),
            "attendees": [persona("sio").pk],
            "agreed_pursue": "x",
        },
    )
    assert resp.status_code == 400
    assert "LRO" in resp.json()["detail"]
    assert JointReview.objects.count() == before


def test_it_refuses_a_conviction_without_a_charge_through_the_api(client_for, persona, records):
    from rocu.intelligence.models import Nominal

    person = Nominal.objects.filter(region=persona("sio").region).exclude(outcomes__kind="charge").first()
    before = Outcome.objects.count()
    resp = _post(
        client_for("sio"),
        "/api/v1/outcomes/",
        {
            "operation": records["viz"],
            "kind": "conviction",
            "p": "pursue",
            "nominal": person.pk,
            "sentence": "3 years",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert resp.status_code == 400
    assert "charge" in resp.json()["detail"]
    assert Outcome.objects.count() == before


def test_it_refuses_a_validator_approving_their_own_claim_through_the_api(client_for, persona, records):
    lro = client_for("lro")
    url, body = _bodies(records, persona)["claim"]
    created = _post(lro, url, body).json()
    resp = _post(lro, f"/api/v1/disruptions/{created['id']}/validate/", {"approve": True})
    assert resp.status_code == 400
    assert "own claim" in resp.json()["detail"]
    assert DisruptionClaim.objects.get(pk=created["id"]).status == ClaimStatus.CLAIMED


def test_it_records_reading_outcomes_that_name_a_person(client_for):
    from rocu.audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="outcomes.outcome.api_read").count()
    assert client_for("head").get("/api/v1/outcomes/?kind=arrest").status_code == 200
    event = AuditEvent.objects.filter(action="outcomes.outcome.api_read").order_by("-pk").first()
    assert AuditEvent.objects.filter(action="outcomes.outcome.api_read").count() == before + 1
    assert event.category == "consultation"


# The plan's LRO and the ROCU head change it; others who see it get 403, the rest 404.
PLAN_PATCH = "403 404 403 200 200 403 403 403 403 404 401"


@pytest.mark.parametrize(
    ("actor", "expected"),
    [pytest.param(a, int(e), id=str(a)) for a, e in zip(ACTORS, PLAN_PATCH.split(), strict=True)],
)
def test_it_answers_each_actor_changing_a_plan(client_for, records, actor, expected):
    url = f"/api/v1/plans/{records['plan']}/"
    resp = client_for(actor).patch(
        url, data=json.dumps({"partners": "NABIS", "row_version": 1}), content_type="application/json"
    )
    assert resp.status_code == expected, resp.content[:300]
