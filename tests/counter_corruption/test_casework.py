"""Declarations, triage and casework through services, pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rocu.accounts.models import RoleAssignment, User
from rocu.audit.models import AuditEvent, Category
from rocu.audit.services import audit_record
from rocu.core.errors import Conflict, NotFound, ValidationFailed
from rocu.core.models import Job, JobStatus
from rocu.core.policy import Role
from rocu.counter_corruption import selectors, services
from rocu.counter_corruption.models import Alert, AlertStatus, Case, CaseStatus, Declaration
from rocu.counter_corruption.scanning import anomaly_scan
from rocu.intelligence.models import Nominal


def _alert(subject, **kw):
    values = dict(
        subject=subject,
        region=subject.region,
        day=timezone.localdate(),
        score=70,
        reasons=[{"rule": "association_match", "score": 70, "text": "Looked at 1 person record.", "records": []}],
        rules=["association_match"],
        rules_version="anomalies-v1",
        first_seq=1,
        last_seq=1,
    )
    values.update(kw)
    return Alert.objects.create(**values)


def _empty_searches(user, n):
    for _ in range(n):
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="intelligence.nominal.list",
            object_type="intelligence.nominal",
            detail={"ids": [], "searched": True, "results": 0},
        )


def test_it_keeps_a_declaration_between_the_declarant_and_counter_corruption(persona, client_for):
    declared = services.declaration_create(
        actor=persona("sio"), kind="association_person", first_name="Dean", surname="Kellow", postcode="pl4 0dx"
    )
    assert declared.postcode == "PL4 0DX"
    assert "Kellow" in client_for("sio").get("/counter-corruption/declarations/").content.decode()
    assert "Kellow" not in client_for("analyst").get("/counter-corruption/declarations/").content.decode()
    assert "Kellow" not in client_for("head").get("/api/v1/counter-corruption/declarations/").content.decode()
    assert "Kellow" in client_for("auditor").get("/counter-corruption/register/?q=kellow").content.decode()
    assert AuditEvent.objects.filter(action="counter_corruption.declaration.list", actor_username="auditor").exists()
    with pytest.raises(NotFound):
        services.declaration_withdraw(actor=persona("analyst"), declaration=declared)


def test_it_refuses_a_declaration_that_names_nobody_and_keeps_nothing(persona, client_for):
    before = Declaration.objects.count()
    with pytest.raises(ValidationFailed, match="surname"):
        services.declaration_create(actor=persona("sio"), kind="association_person", first_name="Dean")
    page = client_for("sio").post("/counter-corruption/declarations/", {"kind": "business_interest"})
    assert page.status_code == 200
    assert "Give the name of the business or organisation." in page.content.decode()
    assert Declaration.objects.count() == before


def test_it_takes_a_declaration_through_the_api(client_for):
    response = client_for("lro").post(
        "/api/v1/counter-corruption/declarations/",
        data=json.dumps(
            {"declaration_kind": "association_address", "address": "14 Harbour View", "postcode": "PL4 0DX"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Declaration.objects.get(pk=response.json()["id"]).declarant.username == "lro"
    bad = client_for("lro").post(
        "/api/v1/counter-corruption/declarations/",
        data=json.dumps({"declaration_kind": "association_address"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")


def test_it_withdraws_a_declaration_but_keeps_it_on_the_register(persona, client_for):
    declared = services.declaration_create(actor=persona("lro"), kind="business_interest", organisation="Acme Ltd")
    assert client_for("lro").post(f"/counter-corruption/declarations/{declared.pk}/withdraw/").status_code == 302
    declared.refresh_from_db()
    assert declared.withdrawn_at is not None
    with pytest.raises(Conflict):
        services.declaration_withdraw(actor=persona("lro"), declaration=declared)


def test_it_takes_an_alert_from_triage_to_a_closed_case(persona, client_for):
    auditor = persona("auditor")
    alert = _alert(persona("disruption"))
    client = client_for("auditor")
    assert client.get(f"/counter-corruption/alerts/{alert.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="counter_corruption.alert.view", object_id=str(alert.pk)).exists()

    page = client.post(f"/counter-corruption/alerts/{alert.pk}/", {"action": "close", "note": ""})
    body = page.content.decode()
    assert "Say why the alert can be closed." in body
    assert "Choose the category of corruption intelligence." in body
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW
    assert (
        client.post(
            f"/counter-corruption/alerts/{alert.pk}/", {"action": "assign", "assigned_to": "auditor"}
        ).status_code
        == 302
    )
    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to) == (AlertStatus.ASSIGNED, auditor)

    opened = client.post(
        f"/counter-corruption/alerts/{alert.pk}/", {"action": "escalate", "title": "Access to an associate"}
    )
    case = Case.objects.get(subject=persona("disruption"))
    assert opened["Location"] == f"/counter-corruption/cases/{case.pk}/"
    alert.refresh_from_db()
    assert (alert.status, alert.case) == (AlertStatus.ESCALATED, case)

    client.post(f"/counter-corruption/cases/{case.pk}/", {"action": "note", "text": "Interviewed the officer."})
    refused = client.post(f"/counter-corruption/cases/{case.pk}/", {"action": "close", "summary": "Done"})
    assert "Choose" in refused.content.decode()
    assert refused.status_code == 200
    client.post(
        f"/counter-corruption/cases/{case.pk}/",
        {
            "action": "close",
            "category": "inappropriate_association",
            "outcome": "misconduct",
            "summary": "Looked up a relative's associate with no work reason.",
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.get_category_display() == "Inappropriate association"
    assert case.notes.count() == 1
    actions = set(AuditEvent.objects.filter(actor_username="auditor").values_list("action", flat=True))
    assert {
        "counter_corruption.alert.assign",
        "counter_corruption.alert.escalate",
        "counter_corruption.case.open",
        "counter_corruption.case.note",
        "counter_corruption.case.close",
    } <= actions
    with pytest.raises(Conflict):
        services.case_add_note(actor=auditor, case=case, text="Too late")


def test_it_never_shows_people_alerts_or_cases_about_themselves(persona, client_for):
    auditor = persona("auditor")
    mine = _alert(auditor)
    other = _alert(persona("sio"))
    listed = client_for("auditor").get("/counter-corruption/alerts/").content.decode()
    assert f"/counter-corruption/alerts/{other.pk}/" in listed
    assert f"/counter-corruption/alerts/{mine.pk}/" not in listed
    with pytest.raises(NotFound):
        services.alert_close(
            actor=auditor, alert=mine, category="systems_misuse", outcome="no_further_action", note="Nothing to see"
        )
    assert not selectors.alerts_visible(user=persona("sio")).exists()


def test_it_closes_an_alert_from_its_page_in_a_corruption_category_and_can_reopen_it(persona, client_for):
    alert = _alert(persona("sio"))
    client = client_for("auditor")
    done = client.post(
        f"/counter-corruption/alerts/{alert.pk}/",
        {
            "action": "close",
            "category": "systems_misuse",
            "outcome": "advice",
            "note": "Looked up a neighbour out of curiosity; words of advice given.",
        },
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.category, alert.outcome, alert.closed_by) == (
        AlertStatus.CLOSED,
        "systems_misuse",
        "advice",
        persona("auditor"),
    )
    page = client.get(f"/counter-corruption/alerts/{alert.pk}/").content.decode()
    assert "Words of advice given · Misuse of force systems" in page
    assert "Reopen for triage" in page
    client.post(f"/counter-corruption/alerts/{alert.pk}/", {"action": "reopen", "note": "New information."})
    alert.refresh_from_db()
    assert (alert.status, alert.category, alert.outcome) == (AlertStatus.NEW, "", "")
    assert AuditEvent.objects.filter(action="counter_corruption.alert.reopen", object_id=str(alert.pk)).exists()


def test_it_shows_both_versions_when_someone_triaged_the_alert_since_the_page_was_opened(persona, client_for):
    alert = _alert(persona("sio"))
    client = client_for("auditor")
    seen = alert.row_version
    page = client.get(f"/counter-corruption/alerts/{alert.pk}/").content.decode()
    assert f'name="row_version" value="{seen}"' in page
    # Another officer closes it meanwhile.
    services.alert_close(
        actor=persona("auditor"), alert=alert, category="systems_misuse", outcome="advice", note="Closed elsewhere."
    )
    stale = client.post(
        f"/counter-corruption/alerts/{alert.pk}/",
        {"action": "escalate", "title": "Access by sio", "note": "Open a case", "row_version": str(seen)},
    )
    assert stale.status_code == 409
    assert 'data-testid="edit-conflict"' in stale.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert not Case.objects.filter(alerts=alert).exists()


def test_it_refuses_to_assign_an_alert_to_someone_outside_the_team(persona):
    alert = _alert(persona("sio"))
    with pytest.raises(ValidationFailed, match="counter-corruption team"):
        services.alert_assign(actor=persona("auditor"), alert=alert, assignee="analyst")


def test_it_shows_the_teams_own_access_only_to_a_senior_investigator(persona, client_for):
    alert = _alert(persona("sio"))
    client_for("auditor").get(f"/counter-corruption/alerts/{alert.pk}/")
    page = client_for("auditor").get("/counter-corruption/team-access/").content.decode()
    assert "counter_corruption.alert.view" in page
    junior = User.objects.create(
        username="junior.cc",
        region=persona("auditor").region,
        vetting="sc",
        vetting_expires=persona("auditor").vetting_expires,
    )
    RoleAssignment.objects.create(user=junior, role=Role.AUDITOR)
    assert client_for("junior.cc").get("/counter-corruption/team-access/").status_code == 403
    with pytest.raises(ValidationFailed):
        services.senior_grant(actor=persona("auditor"), user=junior)
    services.senior_grant(actor=persona("head"), user=junior)
    assert client_for("junior.cc").get("/counter-corruption/team-access/").status_code == 200


def test_it_scans_from_the_page_as_a_job_and_alerts_a_fishing_expedition(
    persona, client_for, django_capture_on_commit_callbacks
):
    anomaly_scan(actor_username="test")
    fisher = persona("lro")
    _empty_searches(fisher, 12)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("auditor").post("/counter-corruption/scan/", {})
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["alerts_raised"] == 1
    alert = Alert.objects.get(subject=fisher)
    assert alert.rules == ["fishing"]
    assert "12 searches that found nobody" in alert.reasons[0]["text"]


def test_it_alerts_a_look_at_the_records_of_a_case_that_concerns_the_user(persona):
    anomaly_scan(actor_username="test")
    subject = persona("analyst")
    nominal = Nominal.objects.filter(region=subject.region).exclude(created_by=subject).first()
    case = Case.objects.create(
        reference="CC-T1", region=subject.region, subject=subject, title="Access review", opened_by=persona("auditor")
    )
    earlier = [
        {"rule": "no_work_link", "score": 50, "text": "", "records": [["intelligence.nominal", str(nominal.pk)]]}
    ]
    _alert(subject, day=timezone.localdate() - dt.timedelta(days=3), case=case, reasons=earlier)
    audit_record(actor=subject, category=Category.CONSULTATION, action="intelligence.nominal.view", obj=nominal)
    anomaly_scan(actor_username="test")
    alert = Alert.objects.get(subject=subject, day=timezone.localdate())
    assert "concerns_self" in alert.rules


def test_it_scans_from_the_command_line(persona):
    _empty_searches(persona("sio"), 10)
    out = io.StringIO()
    call_command("anomalies", "scan", stdout=out)
    assert "Incremental scan:" in out.getvalue()
    assert "1 alerts raised" in out.getvalue()
    out = io.StringIO()
    call_command("anomalies", "scan", "--full", stdout=out)
    assert out.getvalue().startswith("Full scan:")
    assert AuditEvent.objects.filter(action="counter_corruption.scan", category=Category.COMBINATION).exists()


def test_it_lists_alerts_with_a_fixed_number_of_queries(persona, client_for, django_assert_max_num_queries):
    for user in User.objects.filter(username__startswith="sw.staff")[:30]:
        _alert(user)
    client = client_for("auditor")
    client.get("/counter-corruption/alerts/")
    with django_assert_max_num_queries(20):
        assert client.get("/counter-corruption/alerts/?per_page=50").status_code == 200


def test_it_gives_and_withdraws_the_senior_grant_from_the_command_line(persona):
    out = io.StringIO()
    call_command("counter-corruption", "senior", "auditor", "--withdraw", stdout=out)
    assert "withdrawn from auditor" in out.getvalue()
    assert not selectors.is_senior(persona("auditor"))
    call_command("counter-corruption", "senior", "auditor", stdout=out)
    assert selectors.is_senior(persona("auditor"))
    with pytest.raises(CommandError, match="auditor role"):
        call_command("counter-corruption", "senior", "analyst", stdout=out)
    with pytest.raises(CommandError, match="No user"):
        call_command("counter-corruption", "senior", "nobody-at-all", stdout=out)
