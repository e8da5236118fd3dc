"""The oversight cycle through its services: ingestion, tracking, closure, evidence,
the 56-day response and its publication, on the real database."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfWriter

from rocu.accounts.models import Force, Region
from rocu.audit.models import AuditEvent
from rocu.core.errors import Conflict, PermissionDenied, ValidationFailed
from rocu.core.models import Job, JobStatus
from rocu.governance import selectors, services
from rocu.governance.models import (
    AccountableOfficer,
    Evidence,
    Finding,
    Inspection,
    InspectionResponse,
    Outcome,
    Position,
    ProgressStatus,
    RecommendationTracking,
    ReminderSent,
    ReportUpload,
    TrackingChange,
)
from tests.governance.conftest import text_file

# The inspection summary the project was seeded with, kept beside the tests so a clone anywhere runs them.
SEED = Path(__file__).resolve().parents[1] / "data" / "000_15a6d0866c0ff4f9.txt"


def seed_pdf() -> bytes:
    from weasyprint import HTML

    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return HTML(string=f"<html><body style='font-size:10pt'>{html}</body></html>").write_pdf()


def test_it_computes_the_seeds_response_date(gov):
    assert gov["inspection"].published == dt.date(2021, 2, 10)
    assert gov["inspection"].response_due == dt.date(2021, 4, 7)


def test_it_records_the_chief_constables_refusal_and_still_tracks_nationally(gov):
    rec1 = gov["recs"]["Recommendation 1"]
    position = gov["published"].positions.get(finding=rec1)
    assert position.position == Position.NOT_ACCEPTED
    assert "sufficient legislation" in position.reasons
    assert RecommendationTracking.objects.filter(finding=rec1).count() == Region.objects.count() == 10


def test_it_ingests_the_seed_text_proposing_before_saving(persona):
    head = persona("head")
    findings_before = Finding.objects.count()
    record = services.report_upload(actor=head, upload=text_file("response.txt", SEED.read_bytes()))
    assert record.state == ReportUpload.State.PROPOSED
    assert record.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert Finding.objects.count() == findings_before  # nothing saved until confirmed
    proposed = record.proposal["findings"]
    recs = [f for f in proposed if f["kind"] == "recommendation"]
    assert len(recs) == 3
    assert {f["due_date"] for f in recs} == {"2022-02-28"}
    assert [f["text"] for f in proposed if f["kind"] == "cause_of_concern"] == ["Lack of a sustainable funding model"]
    assert record.proposal["published"] == "2021-02-10"

    kept = [f for f in proposed if f["kind"] == "recommendation"][:2]
    kept[1] = {**kept[1], "text": "Edited: a chief officer for each ROCU."}
    dc = Force.objects.get(code="devon-cornwall")
    inspection = services.report_confirm(
        actor=head,
        upload=record,
        title="Ingested copy",
        published="2021-02-10",
        body="hmicfrs",
        findings=kept,
        response_force=dc,
        chief_constable_comments=record.proposal["chief_constable_comments"],
        pcc_response=record.proposal["pcc_response"],
    )
    assert [f.text[:8] for f in inspection.findings.all()] == ["By Febru", "Edited: "]
    response = InspectionResponse.objects.get(inspection=inspection, force=dc)
    assert "do not agree" in response.chief_constable_comments
    with pytest.raises(Conflict):
        services.report_confirm(
            actor=head, upload=record, title="Again", published="2021-02-10", body="hmicfrs", findings=kept
        )


def test_it_reads_a_pdf_report_as_a_job_with_progress(persona, django_capture_on_commit_callbacks):
    head = persona("head")
    with django_capture_on_commit_callbacks(execute=True):
        record = services.report_upload(actor=head, upload=text_file("seed.pdf", seed_pdf()))
    record.refresh_from_db()
    job = Job.objects.get(pk=record.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress_done == job.progress_total == record.pages
    assert record.state == ReportUpload.State.PROPOSED
    recs = [f for f in record.proposal["findings"] if f["kind"] == "recommendation"]
    assert len(recs) == 3
    assert all(f["due_date"] == "2022-02-28" for f in recs)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"This is plain text pretending to be a PDF", "not a real PDF"),
        ("report.pdf", b"%PDF-1.7\n garbage that is not a PDF at all", "damaged"),
        ("report.docx", b"PK\x03\x04....", "must be one of"),
        ("report.txt", b"\x00\x01\x02binary", "not a real TXT"),
        ("report.txt", b"", "empty"),
    ],
)
def test_it_refuses_bad_report_files_and_saves_nothing(persona, name, content, message):
    before = ReportUpload.objects.count()
    with pytest.raises(ValidationFailed, match=message):
        services.report_upload(actor=persona("head"), upload=text_file(name, content))
    assert ReportUpload.objects.count() == before


def test_it_refuses_an_encrypted_pdf(persona):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    before = ReportUpload.objects.count()
    with pytest.raises(ValidationFailed, match="encrypted"):
        services.report_upload(actor=persona("head"), upload=text_file("locked.pdf", buf.getvalue()))
    assert ReportUpload.objects.count() == before


def test_it_refuses_a_file_over_the_size_limit(persona, gov, monkeypatch):
    from rocu.governance import files

    monkeypatch.setattr(files, "EVIDENCE_MAX_BYTES", 100)
    t = gov["sw"]["Recommendation 2"]
    before = Evidence.objects.count()
    with pytest.raises(ValidationFailed, match="smaller than"):
        services.evidence_add(actor=persona("lro"), tracking=t, upload=text_file("big.txt", "x" * 101), description="d")
    assert Evidence.objects.count() == before


def test_it_walks_a_recommendation_to_closure_with_an_approver_who_is_not_the_owner(persona, gov):
    lro, head = persona("lro"), persona("head")
    t = RecommendationTracking.objects.get(finding__inspection=gov["other"], region__code="south-west")
    assert (t.owner, t.approver) == (lro, head)
    with pytest.raises(ValidationFailed, match="request closure instead"):
        services.tracking_progress(
            actor=lro, tracking=t, progress=ProgressStatus.COMPLETE, expected_version=t.row_version
        )
    with pytest.raises(ValidationFailed, match="Add evidence"):
        services.tracking_closure_request(actor=lro, tracking=t)
    e = services.evidence_add(
        actor=lro, tracking=t, upload=text_file("plan.txt", "4P plan with Prevent actions"), description="Revised plan"
    )
    assert e.sha256 == hashlib.sha256(b"4P plan with Prevent actions").hexdigest()
    services.tracking_closure_request(actor=lro, tracking=t, note="Plans updated")
    with pytest.raises(PermissionDenied, match="owner cannot approve"):
        services.tracking_closure_decide(actor=lro, tracking=t, approve=True)
    with pytest.raises(PermissionDenied):
        services.tracking_closure_decide(actor=persona("outsider"), tracking=t, approve=True)
    t.refresh_from_db()
    assert t.progress == ProgressStatus.BEING_PROGRESSED
    assert t.closure_requested_at is not None
    services.tracking_closure_decide(actor=head, tracking=t, approve=True, note="Evidence checked")
    t.refresh_from_db()
    assert (t.progress, t.closed_by, t.closure_requested_at) == (ProgressStatus.COMPLETE, head, None)
    # Complete is not achieved: the outcome is judged on its own.
    assert t.outcome == Outcome.NOT_ASSESSED
    services.tracking_outcome(
        actor=lro,
        tracking=t,
        outcome=Outcome.NOT_ACHIEVED,
        note="Prevent actions not yet run",
        expected_version=t.row_version,
    )
    t.refresh_from_db()
    assert (t.progress, t.outcome) == (ProgressStatus.COMPLETE, Outcome.NOT_ACHIEVED)
    whats = list(t.changes.order_by("changed_at", "pk").values_list("what", flat=True))
    assert whats[-4:] == ["evidence", "closure_requested", "closure_approved", "outcome"]
    assert AuditEvent.objects.filter(action="governance.tracking.closure_approve", object_id=str(t.pk)).exists()


def test_it_refuses_an_owner_approving_their_own_closure_even_with_approval_rights(persona, gov):
    head = persona("head")
    t = gov["sw"]["Recommendation 4"]
    services.tracking_assign(actor=head, tracking=t, owner=head, approver=persona("sio"), due_date=t.due_date)
    services.evidence_add(actor=head, tracking=t, upload=text_file("note.txt", "Funding paper"), description="Paper")
    services.tracking_closure_request(actor=head, tracking=t)
    with pytest.raises(PermissionDenied, match="owner cannot approve"):
        services.tracking_closure_decide(actor=head, tracking=t, approve=True)
    t.refresh_from_db()
    assert t.progress != ProgressStatus.COMPLETE


def test_it_refuses_the_same_person_as_owner_and_approver(persona, gov):
    head = persona("head")
    with pytest.raises(ValidationFailed, match="other than the owner"):
        services.tracking_assign(
            actor=head, tracking=gov["sw"]["Recommendation 2"], owner=head, approver=head, due_date=None
        )


def test_it_keeps_progress_history_with_effective_dates(persona, gov):
    head = persona("head")
    t = gov["sw"]["Recommendation 1"]
    services.tracking_progress(
        actor=head,
        tracking=t,
        progress=ProgressStatus.BEING_PROGRESSED,
        effective_date="2021-05-01",
        expected_version=t.row_version,
    )
    t.refresh_from_db()
    change = t.changes.filter(what=TrackingChange.What.PROGRESS).first()
    assert (change.old_value, change.new_value, change.effective_date) == (
        "Awaiting review",
        "Being progressed",
        dt.date(2021, 5, 1),
    )
    with pytest.raises(ValidationFailed, match="future"):
        services.tracking_progress(
            actor=head,
            tracking=t,
            progress=ProgressStatus.AWAITING_REVIEW,
            effective_date=timezone.localdate() + dt.timedelta(days=2),
            expected_version=t.row_version,
        )


def test_it_lets_only_owners_and_managers_act(persona, gov):
    t = gov["sw"]["Recommendation 2"]
    for name in ("analyst", "pcc", "outsider", "sio"):
        with pytest.raises(PermissionDenied):
            services.tracking_progress(
                actor=persona(name), tracking=t, progress=ProgressStatus.AWAITING_REVIEW, expected_version=t.row_version
            )


def test_it_keeps_evidence_inside_its_region_unless_shared(persona, gov):
    lro = persona("lro")
    t = gov["sw"]["Recommendation 2"]
    private = services.evidence_add(actor=lro, tracking=t, upload=text_file("a.txt", "a"), description="private")
    shared = services.evidence_add(actor=lro, tracking=t, upload=text_file("b.txt", "b"), description="s", shared=True)
    personal = services.evidence_add(
        actor=lro, tracking=t, upload=text_file("c.txt", "c"), description="names", personal_data=True
    )
    outsider = set(selectors.evidence_visible(user=persona("outsider")).values_list("pk", flat=True))
    assert shared.pk in outsider
    assert private.pk not in outsider
    assert personal.pk not in outsider
    pcc = set(selectors.evidence_visible(user=persona("pcc")).values_list("pk", flat=True))
    assert private.pk in pcc
    assert personal.pk not in pcc
    national = set(selectors.evidence_visible(user=persona("national")).values_list("pk", flat=True))
    assert shared.pk in national
    assert private.pk not in national
    assert personal.pk in set(selectors.evidence_visible(user=persona("head")).values_list("pk", flat=True))


def test_it_publishes_a_response_only_when_every_recommendation_is_answered(persona, gov, client_for):
    pcc, head = persona("pcc"), persona("head")
    r = gov["draft"]
    rec = r.inspection.findings.get(kind="recommendation")
    with pytest.raises(ValidationFailed, match="chief constable's comments"):
        services.response_publish(actor=pcc, response=r)
    with pytest.raises(PermissionDenied):
        services.response_cc_comments(actor=pcc, response=r, text="Not the PCC's to write")
    services.response_cc_comments(actor=head, response=r, text="I welcome the report.")
    services.response_pcc(actor=pcc, response=r, text="I will hold the chief constable to account.")
    with pytest.raises(ValidationFailed, match=r"reasons|empty"):
        services.position_set(actor=pcc, response=r, finding=rec, position=Position.NOT_ACCEPTED, reasons="")
    with pytest.raises(ValidationFailed, match="a position on Recommendation 1"):
        services.response_publish(actor=pcc, response=r)
    services.position_set(actor=pcc, response=r, finding=rec, position=Position.PARTLY, reasons="Partners first.")
    published = services.response_publish(actor=pcc, response=r)
    assert published.state == InspectionResponse.State.PUBLISHED
    assert published.public_slug
    with pytest.raises(Conflict):
        services.response_pcc(actor=pcc, response=r, text="Too late")
    page = client_for(None).get(f"/governance/public/{published.public_slug}/")
    assert page.status_code == 200
    assert b"Partners first." in page.content
    pdf = client_for(None).get(f"/governance/public/{published.public_slug}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="governance.response.publish", object_id=str(r.pk))
    assert event.recipient == "the public"


def test_it_lets_a_pcc_office_respond_for_its_own_force_only(persona, gov):
    other_force = Force.objects.get(code="dorset")
    with pytest.raises(PermissionDenied):
        services.response_open(actor=persona("pcc"), inspection=gov["other"], force=other_force)
    with pytest.raises(PermissionDenied):
        services.response_open(actor=persona("outsider"), inspection=gov["other"], force=other_force)


def test_it_sends_reminders_once_per_threshold_however_often_it_runs(gov, persona):
    due = gov["draft"].due
    t = RecommendationTracking.objects.get(finding__inspection=gov["other"], region__code="south-west")
    mail.outbox.clear()
    out = io.StringIO()
    call_command("governance", "reminders", "--date", (due - dt.timedelta(days=14)).isoformat(), stdout=out)
    subjects = [m.subject for m in mail.outbox]
    assert any("response" in s and "due in 14 days" in s for s in subjects), subjects
    assert ReminderSent.objects.filter(key=f"response:{gov['draft'].pk}", days_before=14).exists()
    assert "pcc@rocu.example" in {a for m in mail.outbox for a in m.to}
    assert ReminderSent.objects.filter(key=f"tracking:{t.pk}").exists()  # due in 10 days: the 14-day reminder
    sent = len(mail.outbox)
    call_command("governance", "reminders", "--date", (due - dt.timedelta(days=14)).isoformat(), stdout=io.StringIO())
    assert len(mail.outbox) == sent
    call_command("governance", "reminders", "--date", (due + dt.timedelta(days=1)).isoformat(), stdout=io.StringIO())
    assert any("overdue" in m.subject for m in mail.outbox[sent:])


def test_it_ends_the_previous_accountable_officer_when_appointing_the_next(persona):
    head = persona("head")
    sw = Region.objects.get(code="south-west")
    new = services.accountable_appoint(
        actor=head, region=sw, subject="chief_officer", officer_name="ACC New", starts="2024-01-01"
    )
    previous = AccountableOfficer.objects.filter(region=sw, subject="chief_officer").exclude(pk=new.pk)
    assert previous.filter(ends__isnull=True).count() == 0
    assert previous.get(officer_name__startswith="ACC Daniel").ends == dt.date(2023, 12, 31)
    with pytest.raises(PermissionDenied):
        services.accountable_appoint(
            actor=persona("outsider"), region=sw, subject="chief_officer", officer_name="X", starts="2024-02-01"
        )


def test_it_keeps_the_measures_register_and_good_practice(persona):
    auditor, head = persona("auditor"), persona("head")
    sw = Region.objects.get(code="south-west")
    m = services.measure_save(
        actor=auditor, region=sw, kind="it_monitoring", title="Audit of search logs", status="planned"
    )
    assert m.region == sw
    with pytest.raises(PermissionDenied):
        services.measure_save(actor=persona("pcc"), region=sw, kind="gifts", title="X", status="planned")
    compliance = selectors.vetting_compliance(region_id=sw.pk)
    assert compliance["people"] > 40
    assert compliance["expired"] >= 0
    practice = services.practice_create(
        actor=persona("analyst"), title="Threat desk", summary="Daily desk", threat="drugs", capability="riu"
    )
    with pytest.raises(PermissionDenied):
        services.practice_adopt(actor=persona("analyst"), practice=practice, adopted_on="2024-01-01")
    ne_practice = selectors.practices_list(user=head, q="Joint SIO").get()
    with pytest.raises(Conflict):
        services.practice_adopt(actor=head, practice=ne_practice, adopted_on="2024-01-01")


def test_it_shows_laggards_first_in_the_national_view(persona, gov):
    rows = selectors.oversight_rows(user=persona("national"), finding=gov["recs"]["Recommendation 2"])
    assert len(rows) == 10
    ranks = [r.rank for r in rows]
    assert ranks == sorted(ranks)
    head_rows = selectors.oversight_rows(user=persona("head"), finding=gov["recs"]["Recommendation 2"])
    assert [r.region.code for r in head_rows] == ["south-west"]


def test_it_tracks_a_network_recommendation_in_every_region(persona, gov):
    national = persona("national")
    inspection = services.inspection_create(
        actor=national,
        title="Network thematic",
        published="2024-03-31",
        findings=[{"kind": "recommendation", "reference": "R1", "text": "Do it.", "due_date": "2024-12-31"}],
    )
    finding = inspection.findings.get()
    assert services.tracking_start_network(actor=national, finding=finding) == 10
    assert services.tracking_start_network(actor=national, finding=finding) == 0
    assert inspection.response_due == dt.date(2024, 5, 26)
    with pytest.raises(ValidationFailed):
        services.inspection_create(actor=national, title="", published="2024-03-31")
    assert not Inspection.objects.filter(title="").exists()
