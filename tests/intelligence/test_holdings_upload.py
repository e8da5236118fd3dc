"""Importing a holdings extract from the page: a background job, all or nothing, clear refusals."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from rocu.audit.models import AuditEvent
from rocu.core.models import Job
from rocu.intelligence.models import HoldingRecord, HoldingsUpload, HoldingsUploadStatus

HEADER = "person_id,first_name,surname,dob,address,town,postcode,phone,email\n"


def upload(client, text: str | bytes, name: str = "niche.csv", source: str = "Page extract", **extra):
    from django.test import TestCase

    content = text.encode() if isinstance(text, str) else text
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job's task is queued on commit
        return client.post(
            "/people-of-interest/holdings/upload/",
            {"source": source, "file": SimpleUploadedFile(name, content, content_type="text/csv"), **extra},
        )


def test_it_imports_an_extract_in_a_job_and_shows_the_counts(client_for):
    client = client_for("analyst")
    response = upload(
        client,
        HEADER + "P1,Ruth,Pascoe,1980-02-03,1 Fore St,Truro,tr1 2ab,,\nP2,Jago,Penrose,03/04/1975,,,,,\n",
    )
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == "succeeded"
    held = HoldingRecord.objects.filter(source__name="Page extract")
    assert sorted(held.values_list("person_id", flat=True)) == ["P1", "P2"]
    assert held.get(person_id="P1").postcode == "TR1 2AB"
    done = HoldingsUpload.objects.get(job=job)
    assert done.status == HoldingsUploadStatus.IMPORTED
    assert done.counts["added"] == 2
    assert bytes(done.content) == b""  # the people now live in the holdings only
    page = client.get(job.result_url).content.decode()
    assert "2 added" in page
    assert AuditEvent.objects.filter(action="intelligence.holdings.import", object_id=str(done.pk)).exists() is False
    assert AuditEvent.objects.filter(action="intelligence.holdings.upload", object_id=str(done.pk)).exists()


def test_it_imports_nothing_when_one_row_is_bad_and_says_which(client_for):
    client = client_for("analyst")
    response = upload(client, HEADER + "P1,Ruth,Pascoe,,,,,,\nP2,Jago,Penrose,31/02/1975,,,,,\n", source="Bad")
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == "failed"
    assert "Row 3" in job.error
    assert "dob" in job.error
    assert not HoldingRecord.objects.filter(source__name="Bad").exists()
    assert HoldingsUpload.objects.get(job=job).status == HoldingsUploadStatus.REFUSED


def test_it_refuses_a_wrong_file_at_once_with_a_clear_message(client_for):
    client = client_for("head")
    wrong_encoding = upload(client, HEADER.encode() + "P1,Zoë,Brâs,,,,,,\n".encode("latin-1"))
    assert wrong_encoding.status_code == 400
    assert "not UTF-8" in wrong_encoding.content.decode()
    missing = upload(client, "person_id,first_name\nP1,Ann\n")
    assert missing.status_code == 400
    assert "no column surname" in missing.content.decode()
    not_csv = upload(client, HEADER, name="niche.xlsx")
    assert not_csv.status_code == 400
    assert ".csv" in not_csv.content.decode()
    no_source = upload(client, HEADER, source=" ")
    assert no_source.status_code == 400
    assert not HoldingsUpload.objects.exists()


def test_re_uploading_the_same_extract_updates_rather_than_duplicates(client_for):
    client = client_for("analyst")
    upload(client, HEADER + "P1,Ruth,Pascoe,,,,,,\n", source="Twice")
    upload(client, HEADER + "P1,Ruth,Pascoe-Hart,,,,,,\n", source="Twice")
    held = HoldingRecord.objects.filter(source__name="Twice")
    assert list(held.values_list("surname", flat=True)) == ["Pascoe-Hart"]
