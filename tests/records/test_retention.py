"""Review and retention: groups and dates for every person record, decisions, disposal, holds."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from rocu.audit.models import AuditEvent, Category
from rocu.core.errors import Conflict, PermissionDenied, ValidationFailed
from rocu.intelligence.models import Nominal
from rocu.intelligence.services import nominal_create
from rocu.records import selectors, services
from rocu.records.models import RetentionRecord, RetentionStatus, ReviewDecision


def _record(reference="NOM-OLD000"):
    return RetentionRecord.objects.get(reference=reference)


def test_it_gives_a_new_person_record_a_review_group_and_date(persona):
    analyst = persona("analyst")
    nominal = nominal_create(actor=analyst, region=analyst.region, subject_category="suspect", surname="Vosper")
    entry = RetentionRecord.objects.get(object_type="intelligence.nominal", object_id=str(nominal.pk))
    today = timezone.localdate()
    assert (entry.group, entry.config_version, entry.reference) == (3, "mopi-1", nominal.reference)
    assert entry.next_review == today.replace(year=today.year + 6)
    assert "clear period" in entry.review_basis


def test_it_queues_only_the_records_that_are_due(persona):
    queue = selectors.retention_queue(user=persona("head"))
    references = set(queue.values_list("reference", flat=True))
    assert {"NOM-OLD000", "NOM-OLD001", "NOM-OLD004"} <= references
    assert all(r.next_review <= timezone.localdate() for r in queue)
    assert not selectors.retention_queue(user=persona("analyst")).exists()
    assert not selectors.retention_queue(user=persona("outsider")).exists()


def test_it_refuses_a_decision_without_a_reason_and_changes_nothing(persona, client_for):
    record = _record()
    with pytest.raises(ValidationFailed, match="reason"):
        services.retention_decide(actor=persona("head"), record=record, decision="retain", reason="  ")
    page = client_for("auditor").post(
        f"/records/review/{record.pk}/", {"action": "decide", "decision": "dispose", "reason": ""}
    )
    assert page.status_code == 200
    assert "Give a reason for this decision." in page.content.decode()
    assert not ReviewDecision.objects.filter(record=record).exists()
    assert Nominal.objects.get(reference="NOM-OLD000").surname == "Tregear"


def test_it_retains_with_a_reason_and_sets_the_next_review(persona):
    record = _record()
    made = services.retention_decide(
        actor=persona("head"), record=record, decision="retain", reason="Still linked to a live OCG"
    )
    record.refresh_from_db()
    today = timezone.localdate()
    assert made.next_review == record.next_review == today.replace(year=today.year + 6)
    assert record.last_reviewed == today
    assert AuditEvent.objects.filter(action="records.record.retain", object_id=record.object_id).exists()


def test_it_disposes_by_erasing_the_personal_data_and_logging_what_kind_of_record_it_was(persona, client_for):
    record = _record("NOM-OLD001")
    nominal = Nominal.objects.get(reference="NOM-OLD001")
    response = client_for("auditor").post(
        f"/records/review/{record.pk}/", {"action": "decide", "decision": "dispose", "reason": "No longer necessary"}
    )
    assert response.status_code == 302
    nominal.refresh_from_db()
    assert (nominal.first_name, nominal.surname, nominal.address, nominal.postcode, nominal.date_of_birth) == (
        "",
        "",
        "",
        "",
        None,
    )
    assert nominal.reference == "NOM-OLD001"
    record.refresh_from_db()
    assert record.status == RetentionStatus.DISPOSED
    event = AuditEvent.objects.get(category=Category.ERASURE, object_id=str(nominal.pk))
    assert event.detail["record_kind"] == "Person record (nominal)"
    assert "surname" in event.detail["fields_erased"]
    flat = json.dumps([event.detail, event.reason, event.recipient, event.action])
    for erased in ("Kelly", "Pengelly", "Lemon Street", "TR1 2LS"):
        assert erased not in flat
    with pytest.raises(Conflict):
        services.retention_decide(actor=persona("head"), record=record, decision="retain", reason="Oops")


def test_it_refuses_to_dispose_of_a_record_under_legal_hold(persona):
    record = _record("NOM-OLD002")  # the demo holds it
    with pytest.raises(ValidationFailed, match="legal hold"):
        services.retention_decide(actor=persona("head"), record=record, decision="dispose", reason="Time is up")
    assert Nominal.objects.get(reference="NOM-OLD002").surname == "Hosking"
    services.retention_set_hold(actor=persona("head"), record=record, hold=False, reason="Claim settled")
    services.retention_decide(actor=persona("head"), record=record, decision="dispose", reason="Time is up")
    assert Nominal.objects.get(reference="NOM-OLD002").surname == ""


def test_it_retains_group_1_records_and_moves_the_review_when_a_reviewer_regroups(persona):
    record = services.retention_set_group(
        actor=persona("auditor"), record=_record("NOM-OLD003"), group=1, reason="Public protection matter"
    )
    assert record.group_set_by_reviewer
    assert record.group == 1
    with pytest.raises(ValidationFailed, match="retained, not disposed"):
        services.retention_decide(actor=persona("head"), record=record, decision="dispose", reason="Old")
    with pytest.raises(ValidationFailed, match="group"):
        services.retention_set_group(actor=persona("auditor"), record=record, group=7, reason="No such group")


def test_it_refuses_reviews_by_people_without_the_right(persona):
    with pytest.raises(PermissionDenied):
        services.retention_decide(actor=persona("analyst"), record=_record(), decision="retain", reason="Mine")


def test_it_decides_through_the_api(client_for):
    record = _record("NOM-OLD004")
    client = client_for("head")
    url = f"/api/v1/records/retention/{record.pk}/decide/"
    bad = client.post(url, data=json.dumps({"decision": "retain", "reason": ""}), content_type="application/json")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    good = client.post(
        url,
        data=json.dumps({"decision": "retain", "reason": "Linked to Op Vizardlike"}),
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json()["reviewer"] == "head"
    listed = client.get("/api/v1/records/retention/?due=all&group=3").json()
    assert listed["count"] >= 5
    assert client.get("/api/v1/records/retention/?due=soon").status_code == 400


def test_it_registers_every_record_from_the_command_line(persona):
    analyst = persona("analyst")
    Nominal.objects.bulk_create(
        [
            Nominal(
                region=analyst.region,
                reference="NOM-BULK1",
                subject_category="witness",
                surname="Uren",
                created_by=analyst,
                created_at=timezone.now() - dt.timedelta(days=3000),
                updated_at=timezone.now() - dt.timedelta(days=3000),
            )
        ]
    )
    out = io.StringIO()
    call_command("retention", "sync", stdout=out)
    assert "1 records registered" in out.getvalue()
    assert _record("NOM-BULK1").next_review < timezone.localdate()


def test_it_lists_the_queue_with_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for("head")
    client.get("/records/review/?due=all")
    with django_assert_max_num_queries(15):
        assert client.get("/records/review/?due=all&per_page=100").status_code == 200
