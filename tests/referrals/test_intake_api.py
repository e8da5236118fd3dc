"""Bulk intake through the API (202 and a job), hand entry for every template, the queue's
query count, and two imports of one file at once."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from rocu.accounts.models import PartnerAgency, Region
from rocu.audit.models import AuditEvent
from rocu.core.models import Job, JobStatus
from rocu.referrals import intake, services
from rocu.referrals.models import (
    ImportMode,
    ImportStatus,
    Referral,
    ReferralImport,
    ReferralStatus,
    ReferralSubject,
    ReferralTemplate,
)
from tests.api.conftest import assert_problem, bearer, create_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/imports/"


def _csv(rows: list[list[str]]) -> bytes:
    header = ",".join(intake.template_columns("border_force_parcel"))
    return ("\n".join([header, *(",".join(r) for r in rows)]) + "\n").encode()


def _row(ref: str, surname: str = "Penhallow", dob: str = "") -> list[str]:
    return (
        [ref, "", "2025-03-03", "Heathrow", "Cannabis", "500", "g"]
        + ["Zoë", surname, dob, "1 Quay Road", "Truro", "TR1 2AA", "", ""]
        + [""] * 8
    )


def _file(content: bytes, name: str = "parcels.csv") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.fixture
def bf(db) -> PartnerAgency:
    return PartnerAgency.objects.get(name="Border Force")


def _send(client, bf, content: bytes, **fields):
    data = {"partner": bf.pk, "template": "border_force_parcel", "file": _file(content), **fields}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job's task is queued on commit
        return client.post(URL, data)


def test_it_accepts_a_file_with_202_and_reports_its_job(bf):
    client = bearer(create_token("disruption"))
    answer = _send(client, bf, _csv([_row("BF-API-I1"), _row("BF-API-I2", dob="14/02/1990")]))
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert answer["Location"] == body["url"] == f"{URL}{body['id']}/"
    assert body["job"]["url"] == f"/jobs/{body['job']['id']}/"
    assert body["mode"] == ImportMode.ALL_OR_NOTHING

    status = client.get(body["url"]).json()
    assert (status["status"], status["rows_total"], status["rows_imported"], status["row_errors"]) == (
        ImportStatus.DONE,
        2,
        2,
        [],
    )
    assert status["job"]["status"] == JobStatus.SUCCEEDED
    assert status["job"]["percent"] == 100
    assert Referral.objects.get(partner_reference="BF-API-I2").status == ReferralStatus.CHECKED
    assert AuditEvent.objects.filter(action="referrals.import.upload", object_id=str(body["id"])).exists()
    listed = client.get(URL).json()["results"]
    assert listed[0]["id"] == body["id"]
    assert "row_errors" not in listed[0]

    again = client.get(_send(client, bf, _csv([_row("BF-API-I1")]))["Location"]).json()
    assert (again["rows_imported"], again["rows_duplicate"]) == (0, 1)


def test_it_reports_each_bad_row_and_imports_the_valid_ones_when_asked(bf):
    client = bearer(create_token("disruption"))
    content = _csv([_row("BF-API-V1"), _row("BF-API-V2", dob="31/02/1990"), _row("BF-API-V1")])
    refused = client.get(_send(client, bf, content)["Location"]).json()
    assert (refused["status"], refused["rows_imported"]) == (ImportStatus.REJECTED, 0)
    assert {(e["row"], e["field"]) for e in refused["row_errors"]} >= {(3, "sender_dob"), (4, "partner_reference")}
    assert not Referral.objects.filter(partner_reference__startswith="BF-API-V").exists()

    taken = client.get(_send(client, bf, content, mode="valid_rows")["Location"]).json()
    assert (taken["status"], taken["rows_imported"], taken["rows_invalid"]) == (ImportStatus.DONE, 1, 2)
    assert taken["errors_csv"].endswith("/errors.csv")
    assert Referral.objects.filter(partner_reference__startswith="BF-API-V").count() == 1


@pytest.mark.parametrize(
    ("content", "name", "fields", "field"),
    [
        (b"", "parcels.csv", {}, "file"),
        (b"x", "parcels.txt", {}, "file"),
        (b"x", "parcels.csv", {"template": "recipe"}, "template"),
        (b"x", "parcels.csv", {"mode": "most_rows"}, "mode"),
        (b"x", "parcels.csv", {"partner": 999999999}, "partner"),
        (b"x", "parcels.csv", {"partner": "border"}, "partner"),
    ],
)
def test_it_refuses_a_bad_upload_before_queueing_it(bf, content, name, fields, field):
    client = bearer(create_token("disruption"))
    data = {"partner": bf.pk, "template": "border_force_parcel", "file": _file(content, name), **fields}
    problem = assert_problem(client.post(URL, data), 400)
    assert field in problem["errors"], problem
    assert not ReferralImport.objects.exists()
    assert not Job.objects.filter(kind="referrals.import").exists()


def test_it_refuses_a_file_over_the_limit_and_a_body_that_is_not_a_form(bf):
    client = bearer(create_token("disruption"))
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        problem = assert_problem(_send(client, bf, _csv([_row("BF-BIG-1"), _row("BF-BIG-2")])), 400)
    assert "the limit is" in problem["errors"]["file"][0]
    as_json = client.post(URL, json.dumps({"partner": bf.pk}), content_type="application/json")
    assert_problem(as_json, 415)
    assert not ReferralImport.objects.exists()


def test_it_rejects_an_unreadable_file_in_the_job_naming_the_problem(bf):
    client = bearer(create_token("disruption"))
    data = {"partner": bf.pk, "template": "border_force_parcel", "file": _file(b"not a zip", "p.xlsx")}
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(URL, data)
    status = client.get(answer["Location"]).json()
    assert status["status"] == ImportStatus.REJECTED
    assert status["row_errors"] == [{"row": 0, "field": "file", "message": "The file is not a readable XLSX workbook."}]


# --------------------------------------------------------------------------- two imports at once


def test_two_imports_of_the_same_file_at_once_never_duplicate(persona, bf):
    """Import B runs to the end while A is between its duplicate count and its insert: A's
    rows are then stopped by the unique (partner, partner_reference) constraint, not doubled."""
    actor = persona("disruption")
    sw = Region.objects.get(code="south-west")
    content = _csv([_row(f"BF-RACE-{i}") for i in range(6)])
    first, second = (
        services.referral_import_start(
            actor=actor,
            region=sw,
            partner=bf,
            template="border_force_parcel",
            mode=ImportMode.ALL_OR_NOTHING,
            filename=f"parcels-{n}.csv",
            content=content,
        )
        for n in (1, 2)
    )
    ran: list[int] = []

    def meanwhile(done: int, total: int, message: str) -> None:
        if message.startswith("Saving") and not ran:
            ran.append(1)
            services.referral_import_process(upload=ReferralImport.objects.get(pk=second.pk))

    services.referral_import_process(upload=ReferralImport.objects.get(pk=first.pk), progress=meanwhile)
    assert ran == [1]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, second.rows_imported, second.rows_duplicate) == (ImportStatus.DONE, 6, 0)
    assert (first.status, first.rows_imported, first.rows_duplicate) == (ImportStatus.DONE, 0, 6)
    stored = Referral.objects.filter(partner=bf, partner_reference__startswith="BF-RACE-")
    assert stored.count() == 6
    assert ReferralSubject.objects.filter(referral__in=stored).count() == 6
    assert all(ref == f"REF-{pk:06d}" for ref, pk in stored.values_list("reference", "pk"))


def test_it_answers_conflict_when_a_hand_entry_loses_the_race(persona, bf):
    """The same partner reference stored between the duplicate check and the insert."""
    actor = persona("disruption")
    sw = Region.objects.get(code="south-west")
    head = {"partner_reference": "BF-RACE-H", "seizure_date": "2025-03-03", "commodity": "Khat"}
    built = services.build_referral(actor=actor, region=sw, partner=bf, template="border_force_parcel", head=head)
    parsed = [intake.ParsedReferral(row=2, head=head, subjects=[])]
    assert len(services.save_referrals([built], parsed)) == 1
    twin = services.build_referral(actor=actor, region=sw, partner=bf, template="border_force_parcel", head=head)
    assert services.save_referrals([twin], parsed) == []
    assert Referral.objects.filter(partner=bf, partner_reference="BF-RACE-H").count() == 1


# --------------------------------------------------------------------------- hand entry


def test_it_offers_the_hand_entry_form_of_every_template(client_for):
    client = client_for("disruption")
    parcel = client.get("/referrals/new/").content.decode()
    assert 'name="seizure_date"' in parcel
    assert 'name="recipient_surname"' in parcel
    assert 'name="subject_surname"' not in parcel
    for template in ReferralTemplate.values:
        page = client.get(f"/referrals/new/?template={template}")
        assert page.status_code == 200
        body = page.content.decode()
        for column in intake.template_columns(template):  # every column of the template is a field
            assert f'name="{column}"' in body, (template, column)
    general = client.get("/referrals/new/?template=partner_general").content.decode()
    assert 'name="summary"' in general
    assert 'name="seizure_date"' not in general
    assert client.get("/referrals/new/?template=recipe").status_code == 404


def test_it_records_a_partner_referral_by_hand(client_for):
    client = client_for("disruption")
    hmrc = PartnerAgency.objects.exclude(kind="border_force").order_by("pk").first()
    form = {
        "template": "partner_general",
        "partner": hmrc.pk,
        "partner_reference": "HMRC-HAND-1",
        "summary": "Cash deposits inconsistent with declared income.",
        "subject_first_name": "Zoë",
        "subject_surname": "Núñez",
        "subject_dob": "1985-07-21",
        "subject_postcode": "ex2 4an",
    }
    done = client.post("/referrals/new/", form)
    assert done.status_code == 302, done.content.decode()[:2000]
    made = Referral.objects.get(partner=hmrc, partner_reference="HMRC-HAND-1")
    assert (made.template, made.summary, made.status) == (
        "partner_general",
        "Cash deposits inconsistent with declared income.",
        ReferralStatus.CHECKED,
    )
    (subject,) = made.subjects.all()
    assert (subject.role, subject.surname, subject.postcode, str(subject.date_of_birth)) == (
        "subject",
        "Núñez",
        "EX2 4AN",
        "1985-07-21",
    )

    missing = client.post("/referrals/new/", {**form, "partner_reference": "HMRC-HAND-2", "summary": ""})
    assert missing.status_code == 200
    assert "govuk-error-summary" in missing.content.decode()
    nobody = client.post(
        "/referrals/new/", {**form, "partner_reference": "HMRC-HAND-3", "subject_first_name": "", "subject_surname": ""}
    )
    assert nobody.status_code == 200
    assert not Referral.objects.filter(partner_reference__in=["HMRC-HAND-2", "HMRC-HAND-3"]).exists()


def test_it_still_records_a_parcel_by_hand(client_for, bf):
    form = {
        "template": "border_force_parcel",
        "partner": bf.pk,
        "partner_reference": "BF-HAND-1",
        "seizure_date": "2025-03-02",
        "commodity": "Cocaine",
        "quantity": "12.5",
        "unit": "g",
        "recipient_first_name": "Ona",
        "recipient_surname": "Quickfall",
    }
    assert client_for("disruption").post("/referrals/new/", form).status_code == 302
    made = Referral.objects.get(partner=bf, partner_reference="BF-HAND-1")
    assert [s.role for s in made.subjects.all()] == ["recipient"]
    assert str(made.quantity) == "12.50"


# --------------------------------------------------------------------------- queue queries


def _seed(n: int, actor, bf) -> None:
    sw = Region.objects.get(code="south-west")
    heads = [{"partner_reference": f"QQ-{n}-{i:04d}", "seizure_date": None, "commodity": "Qat"} for i in range(n)]
    built = [
        services.build_referral(actor=actor, region=sw, partner=bf, template="border_force_parcel", head=h)
        for h in heads
    ]
    for i, r in enumerate(built):
        r.assigned_to = actor if i % 2 else None
    parsed = [
        intake.ParsedReferral(row=i + 2, head=h, subjects=[{"role": "sender", "surname": f"Q{i}"}])
        for i, h in enumerate(heads)
    ]
    services.save_referrals(built, parsed)


def test_the_queue_page_runs_the_same_queries_for_5_and_200_referrals(client_for, persona, bf):
    client = client_for("disruption")
    _seed(5, persona("disruption"), bf)
    _seed(200, persona("disruption"), bf)
    counts = {}
    for n in (5, 200):
        url = f"/referrals/?q=QQ-{n}-&per_page=100"
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        assert f"QQ-{n}-{n - 1:04d}" in page.content.decode()
        counts[n] = len(queries)
    assert counts[5] == counts[200], counts
    assert counts[5] <= 20, counts
