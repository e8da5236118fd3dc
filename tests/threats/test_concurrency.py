"""Two people editing one threat, OCG or assessment: a stale save is a conflict, never an overwrite."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from rocu.accounts.models import Force, Region, RoleAssignment, User
from rocu.audit.models import AuditEvent
from rocu.core.concurrency import EditConflict
from rocu.core.policy import Role
from rocu.threats import services
from rocu.threats.models import Assessment, AssessmentStatus, Meeting, OrganisedCrimeGroup
from tests.api.conftest import assert_problem, bearer, create_token
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

HARM = {"physical": 2, "psychological": 2, "financial": 2, "community": 2, "scope": 2, "vulnerability": 2}


def score(**changes):
    fields = dict(
        harm=dict(HARM),
        likelihood=4,
        confidence="medium",
        organisational_position=3,
        opportunity=3,
        rationale="Partner reporting.",
    )
    fields.update(changes)
    return services.ScoreRequest(**fields)


@pytest.fixture
def sw():
    return Region.objects.get(code="south-west")


@pytest.fixture
def threat(persona, sw):
    return services.threat_create(
        actor=persona("analyst"),
        region=sw,
        name="County lines — Torquay",
        threat_type="drugs",
        area="Torquay",
        forces_affected=[Force.objects.get(code="devon-cornwall")],
    )


@pytest.fixture
def analyst3(persona):
    """A third analyst, so two can review what a third scored."""
    model = persona("analyst")
    user = User.objects.create(
        username="analyst3", region=model.region, vetting=model.vetting, vetting_expires=model.vetting_expires
    )
    RoleAssignment.objects.create(user=user, role=Role.ANALYST)
    return user


def _analyst2():
    return User.objects.get(username="analyst2")


def _form(page: str) -> dict[str, Any]:
    """The edit form's fields as the browser would post them back, from the rendered page."""
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or not value or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1))
        else:
            data[name.group(1)] = html.unescape(value.group(1))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(text.strip())
    return data


def test_it_shows_both_versions_on_a_stale_threat_edit_and_saves_the_second_try(client_for, threat):
    url = f"/threats/{threat.pk}/edit/"
    first, second = client_for("analyst"), client_for("head")
    mine = _form(first.get(url).content.decode())
    theirs = _form(second.get(url).content.decode())
    assert mine["row_version"] == theirs["row_version"] == "1"

    assert second.post(url, {**theirs, "name": "County lines — Torquay and Paignton"}).status_code == 302
    page = first.post(url, {**mine, "name": "County lines — Torbay", "area": "Torbay"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="edit-conflict"' in body
    assert "Saved by someone else (version 2)" in body
    assert "County lines — Torquay and Paignton" in body
    assert "County lines — Torbay" in body
    threat.refresh_from_db()
    assert (threat.name, threat.area, threat.row_version) == ("County lines — Torquay and Paignton", "Torquay", 2)
    assert AuditEvent.objects.filter(action="threats.threat.update", object_id=str(threat.pk)).count() == 1

    # The page is re-drawn on version 2 with what this person typed: saving it is on purpose.
    again = _form(body)
    assert (again["row_version"], again["name"], again["area"]) == ("2", "County lines — Torbay", "Torbay")
    assert again["forces_affected"] == [str(Force.objects.get(code="devon-cornwall").pk)]
    assert first.post(url, again).status_code == 302
    threat.refresh_from_db()
    assert (threat.name, threat.area, threat.row_version) == ("County lines — Torbay", "Torbay", 3)


def test_it_refuses_a_stale_ocg_edit_in_the_service_and_writes_nothing(persona, sw):
    ocg = services.ocg_create(actor=persona("analyst"), region=sw, name="Quay Street crew", threat_types=["drugs"])
    services.ocg_update(actor=persona("head"), ocg=ocg, expected_version=1, status="dormant")
    stale = OrganisedCrimeGroup.objects.get(pk=ocg.pk)
    with pytest.raises(EditConflict) as caught:
        services.ocg_update(actor=persona("analyst"), ocg=stale, expected_version=1, status="disrupted", area="Quay")
    rows = {r.label: (r.theirs, r.yours) for r in caught.value.rows}
    assert rows["Status"] == ("Dormant", "Disrupted")
    assert rows["Area"] == ("", "Quay")
    ocg.refresh_from_db()
    assert (ocg.status, ocg.area, ocg.row_version) == ("dormant", "", 2)
    with pytest.raises(EditConflict):  # a caller that does not say what it read is refused too
        services.ocg_update(actor=persona("analyst"), ocg=ocg, expected_version=None, area="Quay")


def test_it_answers_a_stale_api_change_with_409_and_both_versions(persona, threat):
    client = bearer(create_token("analyst"))
    url = f"/api/v1/threats/{threat.pk}/"
    read = client.get(url).json()
    assert read["row_version"] == 1
    services.threat_update(actor=persona("head"), threat=threat, expected_version=1, area="Paignton")

    stale = client.patch(url, json.dumps({"area": "Brixham", "row_version": 1}), content_type="application/json")
    problem = assert_problem(stale, 409)
    assert problem["conflict"]["current_version"] == 2
    assert {"field": "Area", "saved": "Paignton", "yours": "Brixham"} in problem["conflict"]["fields"]
    threat.refresh_from_db()
    assert threat.area == "Paignton"

    missing = client.patch(url, json.dumps({"area": "Brixham"}), content_type="application/json")
    assert "row_version" in assert_problem(missing, 400)["errors"]
    done = client.patch(url, json.dumps({"area": "Brixham", "row_version": 2}), content_type="application/json")
    assert (done.status_code, done.json()["area"], done.json()["row_version"]) == (200, "Brixham", 3)

    ocg = services.ocg_create(actor=persona("analyst"), region=threat.region, name="Harbour crew")
    services.ocg_update(actor=persona("head"), ocg=ocg, expected_version=1, area="Harbour")
    stale_ocg = client.patch(
        f"/api/v1/ocgs/{ocg.pk}/", json.dumps({"area": "Quay", "row_version": 1}), content_type="application/json"
    )
    assert assert_problem(stale_ocg, 409)["conflict"]["current_version"] == 2


def test_it_makes_an_open_edit_page_stale_when_the_tcg_changes_the_lro(persona, threat):
    meeting = Meeting.objects.create(
        region=threat.region,
        title="T&CG",
        held_on=dt.date(2026, 1, 5),
        chair=persona("head"),
        created_by=persona("head"),
    )
    services.decision_record(
        actor=persona("head"),
        meeting=meeting,
        subject=threat,
        request=services.DecisionRequest(
            kind="adopt", rationale="Priority", owner=persona("head"), due_on=dt.date(2026, 2, 1), lro=persona("lro")
        ),
    )
    threat.refresh_from_db()
    assert threat.row_version == 2
    with pytest.raises(EditConflict) as caught:
        services.threat_update(actor=persona("analyst"), threat=threat, expected_version=1, lro=None)
    assert any(r.label == "Lead responsible officer (LRO)" and r.theirs for r in caught.value.rows)


def test_it_refuses_a_score_made_blind_to_a_newer_one_and_takes_it_when_made_again(client_for, persona, threat):
    url = f"/threats/subjects/{threat.pk}/score/"
    analyst = client_for("analyst")
    opened = _form(analyst.get(url).content.decode())
    assert opened["row_version"] == "0"
    services.assessment_create(actor=_analyst2(), subject=threat, request=score(), scored_from=0)
    form = {**opened, **dict.fromkeys(HARM, "3"), "likelihood": "5", "confidence": "high", "rationale": "Knife crime."}
    page = analyst.post(url, form)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="edit-conflict"' in body
    assert "scored " + threat.reference + " (version 1) after you opened the form" in body
    assert Assessment.objects.filter(subject=threat).count() == 1

    again = _form(body)
    assert again["row_version"] == "1"
    assert again["rationale"] == "Knife crime."
    made = analyst.post(url, again)
    assert made.status_code == 302
    latest = Assessment.objects.filter(subject=threat).latest("version")
    assert (latest.version, latest.scored_by.username, latest.rationale) == (2, "analyst", "Knife crime.")
    # A re-score starts from the latest version's inputs, and says it does.
    assert _form(analyst.get(url).content.decode())["row_version"] == "2"


def test_it_refuses_a_stale_score_through_the_api(persona, threat):
    client = bearer(create_token("analyst"))
    body = {"subject": threat.pk, "harm": HARM, "likelihood": 3, "confidence": "low", "rationale": "Reports."}
    services.assessment_create(actor=_analyst2(), subject=threat, request=score(), scored_from=0)
    stale = client.post("/api/v1/assessments/", json.dumps({**body, "scored_from": 0}), content_type="application/json")
    problem = assert_problem(stale, 409)
    fields = {f["field"]: (f["saved"], f["yours"]) for f in problem["conflict"]["fields"]}
    assert fields["Likelihood"] == ("4", "3")
    assert fields["Scored by"][1] == persona("analyst").display_name
    assert Assessment.objects.filter(subject=threat).count() == 1
    missing = client.post("/api/v1/assessments/", json.dumps(body), content_type="application/json")
    assert "scored_from" in assert_problem(missing, 400)["errors"]
    made = client.post("/api/v1/assessments/", json.dumps({**body, "scored_from": 1}), content_type="application/json")
    assert (made.status_code, made.json()["version"]) == (201, 2)


def test_it_shows_a_review_made_meanwhile_instead_of_recording_a_second(client_for, persona, threat, analyst3):
    assessment = services.assessment_create(actor=persona("analyst"), subject=threat, request=score(), scored_from=0)
    url = f"/threats/assessments/{assessment.pk}/"
    second = sign_in(Client(), analyst3)
    assert "Record review" in second.get(url).content.decode()
    services.assessment_review(actor=_analyst2(), assessment=assessment, approve=True)

    page = second.post(url, {"outcome": "return", "comment": "Likelihood looks high."})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="edit-conflict"' in body
    assert "reviewed version 1 after you opened it: it is now approved" in body
    assert "Likelihood looks high." in body
    assessment.refresh_from_db()
    assert (assessment.status, assessment.reviewed_by.username) == (AssessmentStatus.APPROVED, "analyst2")

    client = bearer(create_token("analyst3"))
    stale = client.post(
        f"/api/v1/assessments/{assessment.pk}/review/",
        json.dumps({"approve": False, "comment": "No."}),
        content_type="application/json",
    )
    rows = {f["field"]: (f["saved"], f["yours"]) for f in assert_problem(stale, 409)["conflict"]["fields"]}
    assert rows["Review"] == ("Approved", "Returned")
    assessment.refresh_from_db()
    assert assessment.review_comment == ""
