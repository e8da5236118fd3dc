"""Triage and assignment through the API and the page: bad input, and stale saves refused (409 / both versions)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from rocu.accounts.models import Force, PartnerAgency, Region, User
from rocu.audit.models import AuditEvent, Category
from rocu.core.concurrency import EditConflict
from rocu.referrals import services
from rocu.referrals.models import Referral, ReferralStatus, TriageDecision
from tests.api.conftest import assert_problem, bearer, create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(db) -> Referral:
    """A checked, untriaged referral of the South West, from the demo seed."""
    found = Referral.objects.filter(region__code="south-west", status=ReferralStatus.CHECKED).order_by("pk").first()
    assert found is not None
    assert found.row_version == 1
    return found


@pytest.fixture
def dc(db) -> Force:
    return Force.objects.get(code="devon-cornwall")


def _post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def _triage_url(referral: Referral) -> str:
    return f"/api/v1/referrals/{referral.pk}/triage/"


def test_it_records_a_triage_decision_through_the_api(referral, dc):
    client = bearer(create_token("disruption"))
    body = {
        "decision": "disseminate",
        "reason": "Supply into Plymouth; force lead to develop.",
        "force": dc.pk,
        "handling_code": "C",
        "handling_conditions": "Not for disclosure to the sender.",
        "row_version": 1,
    }
    done = _post(client, _triage_url(referral), body)
    assert done.status_code == 200, done.content
    data = done.json()
    assert (data["status"], data["decision"], data["disseminated_to"], data["row_version"]) == (
        "triaged",
        "disseminate",
        dc.pk,
        2,
    )
    assert "subjects" not in data  # the answer names no person
    referral.refresh_from_db()
    assert (referral.handling_code, referral.handling_conditions) == ("C", "Not for disclosure to the sender.")
    event = AuditEvent.objects.filter(action="referrals.referral.triage", object_id=str(referral.pk)).get()
    assert (event.category, event.recipient) == (Category.DISCLOSURE, dc.name)
    assert client.get(f"/api/v1/referrals/{referral.pk}/").json()["row_version"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"decision": "shred"}, "decision"),
        ({"decision": ""}, "decision"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"row_version": None}, "row_version"),
        ({"row_version": 0}, "row_version"),
        ({"row_version": 2**40}, "row_version"),
        ({"row_version": "one"}, "row_version"),
        ({"force": 999999999}, "force"),
        ({"force": "devon"}, "force"),
        ({"handling_code": "X"}, "handling_code"),
        ({"handling_conditions": "c" * 501}, "handling_conditions"),
        ({"partner": 999999999}, "partner"),
    ],
)
def test_it_refuses_bad_triage_input_naming_the_field(referral, change, field):
    client = bearer(create_token("disruption"))
    body = {"decision": "nfa", "reason": "No link to holdings.", "row_version": 1, **change}
    body = {k: v for k, v in body.items() if v is not None}
    problem = assert_problem(_post(client, _triage_url(referral), body), 400)
    assert field in problem["errors"], problem
    referral.refresh_from_db()
    assert (referral.status, referral.decision, referral.row_version) == (ReferralStatus.CHECKED, "", 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "disseminate"}, "force"),
        ({"decision": "disseminate", "force": "DC", "handling_code": ""}, "handling_code"),
        ({"decision": "disseminate", "force": "DC", "handling_code": "C"}, "handling_conditions"),
        ({"decision": "refer_partner"}, "partner"),
    ],
)
def test_it_refuses_a_decision_missing_what_it_needs(referral, dc, body, field):
    client = bearer(create_token("disruption"))
    sent = {"reason": "Because.", "row_version": 1, **body}
    if sent.get("force") == "DC":
        sent["force"] = dc.pk
    if sent.get("handling_code") == "":
        del sent["handling_code"]
    problem = assert_problem(_post(client, _triage_url(referral), sent), 400)
    assert field in problem["errors"], problem
    referral.refresh_from_db()
    assert referral.row_version == 1


def test_it_refuses_triage_before_the_check_through_the_api(persona):
    received = Referral.objects.filter(region__code="south-west", status=ReferralStatus.RECEIVED).first()
    assert received is not None
    client = bearer(create_token("disruption"))
    body = {"decision": "nfa", "reason": "Nothing.", "row_version": received.row_version}
    assert "decision" in assert_problem(_post(client, _triage_url(received), body), 400)["errors"]


def test_it_answers_a_stale_api_triage_with_409_and_overwrites_nothing(persona, referral, dc):
    services.referral_triage(
        actor=persona("head"),
        referral=Referral.objects.get(pk=referral.pk),
        decision=TriageDecision.ADOPT,
        reason="Links to a priority OCG.",
        expected_version=1,
    )
    client = bearer(create_token("disruption"))
    stale = _post(
        client,
        _triage_url(referral),
        {"decision": "nfa", "reason": "Personal use.", "row_version": 1},
    )
    problem = assert_problem(stale, 409)
    assert problem["conflict"]["current_version"] == 2
    fields = {f["field"]: (f["saved"], f["yours"]) for f in problem["conflict"]["fields"]}
    assert fields["Decision"] == ("Adopt by the ROCU", "No further action")
    assert fields["Decision reason"] == ("Links to a priority OCG.", "Personal use.")
    referral.refresh_from_db()
    assert (referral.decision, referral.decision_reason, referral.decided_by.username, referral.row_version) == (
        TriageDecision.ADOPT,
        "Links to a priority OCG.",
        "head",
        2,
    )
    assert AuditEvent.objects.filter(action="referrals.referral.triage", object_id=str(referral.pk)).count() == 1

    # Made again on the version now read, on purpose, it is taken.
    again = _post(client, _triage_url(referral), {"decision": "nfa", "reason": "Personal use.", "row_version": 2})
    assert (again.status_code, again.json()["decision"], again.json()["row_version"]) == (200, "nfa", 3)


def test_it_refuses_a_stale_triage_in_the_service_and_writes_nothing(persona, referral, dc):
    first = Referral.objects.get(pk=referral.pk)
    second = Referral.objects.get(pk=referral.pk)
    services.referral_assign(actor=persona("head"), referral=first, assignee=persona("disruption"), expected_version=1)
    with pytest.raises(EditConflict) as caught:
        services.referral_triage(
            actor=persona("disruption"),
            referral=second,
            decision=TriageDecision.DISSEMINATE,
            reason="Local supply.",
            force=dc,
            handling_code="P",
            expected_version=1,
        )
    rows = {r.label: (r.theirs, r.yours) for r in caught.value.rows}
    assert rows["Decision"] == ("", "Disseminate to a force")
    assert rows["Assigned to"][0] == str(persona("disruption"))
    referral.refresh_from_db()
    assert (referral.status, referral.decision, referral.disseminated_to_id, referral.row_version) == (
        ReferralStatus.CHECKED,
        "",
        None,
        2,
    )
    with pytest.raises(EditConflict):  # a caller that does not say what it read is refused too
        services.referral_triage(
            actor=persona("disruption"), referral=referral, decision="nfa", reason="x", expected_version=None
        )
    assert not AuditEvent.objects.filter(action="referrals.referral.triage", object_id=str(referral.pk)).exists()


def test_it_assigns_through_the_api_and_refuses_a_stale_or_wrong_assignment(persona, referral):
    client = bearer(create_token("head"))
    url = f"/api/v1/referrals/{referral.pk}/assign/"
    done = _post(client, url, {"assignee": persona("disruption").pk, "row_version": 1})
    assert (done.status_code, done.json()["assigned_to"], done.json()["row_version"]) == (
        200,
        persona("disruption").pk,
        2,
    )
    stale = _post(client, url, {"assignee": persona("analyst").pk, "row_version": 1})
    fields = {f["field"]: f for f in assert_problem(stale, 409)["conflict"]["fields"]}
    assert fields["Assigned to"]["saved"] == str(persona("disruption"))
    referral.refresh_from_db()
    assert referral.assigned_to == persona("disruption")

    outsider = persona("outsider")  # another region
    assert "assignee" in assert_problem(_post(client, url, {"assignee": outsider.pk, "row_version": 2}), 400)["errors"]
    assert "assignee" in assert_problem(_post(client, url, {"assignee": 999999999, "row_version": 2}), 400)["errors"]
    assert "row_version" in assert_problem(_post(client, url, {"assignee": None}), 400)["errors"]
    assert "assignee" in assert_problem(_post(client, url, {"row_version": 2}), 400)["errors"]
    nobody = _post(client, url, {"assignee": None, "row_version": 2})
    assert (nobody.status_code, nobody.json()["assigned_to"], nobody.json()["row_version"]) == (200, None, 3)
    referral.refresh_from_db()
    assert referral.assigned_to is None


def test_it_refuses_triage_of_another_regions_referral(referral):
    ne = Region.objects.get(code="north-east")
    assert ne.pk != referral.region_id
    client = bearer(create_token("outsider"))
    body = {"decision": "nfa", "reason": "No.", "row_version": 1}
    assert_problem(_post(client, _triage_url(referral), body), 404)
    referral.refresh_from_db()
    assert referral.decision == ""


def _page_version(body: str) -> list[str]:
    import re

    return re.findall(r'name="row_version" value="(\d+)"', body)


def test_it_shows_both_versions_on_a_stale_triage_page_and_takes_the_second_try(client_for, referral, dc):
    url = f"/referrals/{referral.pk}/"
    mine, theirs = client_for("disruption"), client_for("head")
    assert _page_version(mine.get(url).content.decode()) == ["1", "1"]  # the triage and assignment forms
    saved = theirs.post(url + "triage/", {"decision": "adopt", "reason": "Priority OCG link.", "row_version": "1"})
    assert saved.status_code == 302

    form = {
        "decision": "disseminate",
        "reason": "Local supply only.",
        "force": str(dc.pk),
        "handling_code": "P",
        "row_version": "1",
    }
    page = mine.post(url + "triage/", form)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="edit-conflict"' in body
    assert "Saved by someone else (version 2)" in body
    assert "Priority OCG link." in body
    assert "Local supply only." in body
    referral.refresh_from_db()
    assert (referral.decision, referral.decision_reason, referral.row_version) == ("adopt", "Priority OCG link.", 2)
    assert _page_version(body)[0] == "2"  # the triage form is re-drawn on the stored version, with what I typed
    assert "Local supply only." in body.split('data-testid="edit-conflict"')[1]

    assert mine.post(url + "triage/", {**form, "row_version": "2"}).status_code == 302
    referral.refresh_from_db()
    assert (referral.decision, referral.disseminated_to, referral.row_version) == ("disseminate", dc, 3)


def test_it_shows_a_stale_assignment_as_a_conflict_on_the_page(client_for, persona, referral):
    url = f"/referrals/{referral.pk}/assign/"
    head = client_for("head")
    assert head.post(url, {"assignee": persona("disruption").pk, "row_version": "1"}).status_code == 302
    page = client_for("disruption").post(url, {"assignee": persona("head").pk, "row_version": "1"})
    assert page.status_code == 200
    assert 'data-testid="edit-conflict"' in page.content.decode()
    referral.refresh_from_db()
    assert (referral.assigned_to, referral.row_version) == (persona("disruption"), 2)
    missing = client_for("disruption").post(url, {"assignee": persona("head").pk}, follow=True)
    assert "out of date" in missing.content.decode()
    referral.refresh_from_db()
    assert referral.assigned_to == persona("disruption")


def test_it_keeps_refer_to_partner_reachable(persona, referral):
    hmrc = PartnerAgency.objects.exclude(kind="border_force").first()
    client = bearer(create_token("disruption"))
    body = {"decision": "refer_partner", "reason": "Tax matter.", "partner": hmrc.pk, "row_version": 1}
    done = _post(client, _triage_url(referral), body)
    assert (done.status_code, done.json()["referred_to_partner"]) == (200, hmrc.pk)
    assert User.objects.filter(pk=done.json()["decided_by"], username="disruption").exists()


def test_the_assignment_form_offers_only_people_who_work_the_queue(client_for, persona, referral):
    page = client_for("head").get(f"/referrals/{referral.pk}/")
    offered = {str(pk) for pk, _label in page.context["assign_form"].fields["assignee"].choices if pk}
    for worker in ("disruption", "analyst", "head"):
        assert str(persona(worker).pk) in offered
    for other in ("sio", "lro", "forcelead", "auditor"):  # same region, but the service would refuse them
        assert str(persona(other).pk) not in offered
    lapsed = persona("analyst")
    lapsed.vetting_expires = dt.date(2000, 1, 1)
    lapsed.save(update_fields=["vetting_expires"])
    page = client_for("head").get(f"/referrals/{referral.pk}/")
    assert str(lapsed.pk) not in {str(pk) for pk, _ in page.context["assign_form"].fields["assignee"].choices if pk}
