"""Subject access (DPA 2018 s.45): find what rocu holds about a person and export it, audited."""

from __future__ import annotations

import pytest

from rocu.audit.models import AuditEvent, Category
from rocu.core.errors import PermissionDenied, ValidationFailed
from rocu.intelligence.services import nominal_create
from rocu.records import services
from rocu.records.models import SubjectAccessRequest, SubjectAccessStatus


def test_it_records_a_request_and_finds_every_record_that_may_be_about_the_person(persona, client_for):
    analyst = persona("analyst")
    nominal_create(
        actor=analyst,
        region=analyst.region,
        subject_category="victim",
        first_name="Donna",
        surname="ROWE",
        town="Truro",
    )
    client = client_for("head")
    created = client.post("/records/subject-access/", {"first_name": "Donna", "surname": "Rowe"})
    sar = SubjectAccessRequest.objects.get(pk=int(created["Location"].rstrip("/").split("/")[-1]))
    page = client.get(f"/records/subject-access/{sar.pk}/").content.decode()
    assert "Union Street" in page
    assert "Truro" in page
    search = AuditEvent.objects.get(action="records.subject_access.search", object_id=str(sar.pk))
    assert search.category == Category.COMBINATION
    assert search.detail["found"] == 2


def test_it_exports_for_disclosure_review_and_audits_it_as_a_disclosure(client_for):
    sar = SubjectAccessRequest.objects.get(surname="Rowe")
    response = client_for("auditor").post(
        f"/records/subject-access/{sar.pk}/export/", {"recipient": "Disclosure unit", "reason": "Respond to SAR"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert body.lstrip("\ufeff").startswith("request,record kind")
    assert "88 Union Street" in body
    event = AuditEvent.objects.get(action="records.subject_access.export")
    assert (event.category, event.recipient) == (Category.DISCLOSURE, "Disclosure unit")
    assert "Union Street" not in str(event.detail)
    sar.refresh_from_db()
    assert sar.status == SubjectAccessStatus.DISCLOSED


def test_it_refuses_an_export_without_a_recipient_and_discloses_nothing(client_for):
    sar = SubjectAccessRequest.objects.get(surname="Rowe")
    response = client_for("auditor").post(f"/records/subject-access/{sar.pk}/export/", {"reason": "x"})
    assert response.status_code == 400
    assert "Say who receives the export" in response.content.decode()
    assert not AuditEvent.objects.filter(action="records.subject_access.export").exists()


def test_it_refuses_a_subject_search_by_a_role_without_the_right(persona):
    sar = SubjectAccessRequest.objects.get(surname="Rowe")
    for username in ("analyst", "pcc", "national", "outsider"):
        with pytest.raises(PermissionDenied):
            services.subject_access_find(actor=persona(username), sar=sar)
        with pytest.raises(PermissionDenied):
            services.subject_access_create(actor=persona(username), surname="Rowe")


def test_it_refuses_a_request_without_a_surname(persona):
    with pytest.raises(ValidationFailed, match="surname"):
        services.subject_access_create(actor=persona("head"), surname=" ")
