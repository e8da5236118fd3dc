"""Faults injected into imports, uploads and the database, and what rocu does about them.

Each test breaks one thing on purpose, where it would break in production:
a worker dying in the middle of an import's row loop (SystemExit as from a second
SIGTERM, KeyboardInterrupt, or a kill that runs no Python at all), a disk filling up
while a file is written, the database going away. The properties: nothing is
half-written, the job says what happened and can be run again without duplicates,
the user gets a clear page or problem document (never a 500), and the audit trail
records only what was really done.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from rocu.accounts.models import PartnerAgency, Region
from rocu.audit.models import AuditEvent
from rocu.core import jobs
from rocu.core.models import Job, JobStatus
from rocu.intelligence.models import HoldingRecord, HoldingsSource
from rocu.referrals import intake
from rocu.referrals import services as referral_services
from rocu.referrals.models import ImportStatus, Referral, ReferralImport, ReferralSubject
from rocu.referrals.tasks import referral_import_run
from tests.api.conftest import bearer, create_token
from tests.conftest import sign_in


@pytest.fixture
def api_for(db: None) -> Callable[[str | None, str], Client]:
    """A client for a persona over "session" (second factor passed) or "bearer"."""
    from rocu.accounts.models import User

    def make(username: str | None, transport: str = "session") -> Client:
        if username is None:
            return Client()
        if transport == "bearer":
            return bearer(create_token(username))
        return sign_in(Client(), User.objects.get(username=username))

    return make


class Killed(BaseException):
    """A SIGKILL seen from inside: no `except Exception` and no `finally` of ours may
    record anything, exactly as when the kernel ends the process. (The open
    transaction is rolled back, as the database does for a dead connection.)"""


def die_on_call(n: int, exc: type[BaseException], real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, except that its n-th call raises `exc` instead."""
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise exc()
        return real(*args, **kwargs)

    return wrapper


def _csv(refs: list[str]) -> bytes:
    header = intake.template_columns("border_force_parcel")
    rows = [
        [ref, "", "2025-03-03", "Heathrow", "Cannabis", "500", "g"]
        + ["Zoë", f"Tregothnan{i}", "", "1 Quay Road", "Truro", "TR1 2AA", "", ""]
        + [""] * 8
        for i, ref in enumerate(refs)
    ]
    return ("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode()


def _post_import(client: Client, content: bytes) -> Any:
    from django.test import TestCase

    bf = PartnerAgency.objects.get(name="Border Force")
    upload = io.BytesIO(content)
    upload.name = "parcels.csv"
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/referrals/import/",
            {"partner": bf.pk, "template": "border_force_parcel", "mode": "all_or_nothing", "file": upload},
        )


def _retry(client: Client, job: Job) -> Any:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/jobs/{job.pk}/retry/")


REFS = [f"BF-KILL-{i}" for i in range(6)]


def _written() -> tuple[int, int]:
    return (
        Referral.objects.filter(partner_reference__startswith="BF-KILL-").count(),
        ReferralSubject.objects.filter(referral__partner_reference__startswith="BF-KILL-").count(),
    )


@pytest.mark.parametrize("death", [SystemExit, Killed])
def test_a_worker_dying_mid_import_leaves_nothing_and_the_job_runs_again_without_duplicates(
    client_for, monkeypatch, death
):
    client = client_for("disruption")
    # The 4th subject of the row loop: three referrals and their subjects are already in the transaction.
    monkeypatch.setattr(referral_services, "_subject", die_on_call(4, death, referral_services._subject))
    response = _post_import(client, _csv(REFS))
    assert response.status_code == 302
    upload = ReferralImport.objects.latest("pk")
    job = Job.objects.get(pk=upload.job_id)

    assert _written() == (0, 0), "half an import was kept"
    assert upload.status == ImportStatus.QUEUED
    assert bytes(upload.content) == _csv(REFS), "the file must survive for the retry"
    assert not AuditEvent.objects.filter(action="referrals.import.complete", object_id=str(upload.pk)).exists()
    if death is SystemExit:  # a worker told to stop says so on its way out
        assert job.status == JobStatus.INTERRUPTED
    else:  # a killed one cannot: the job looks running until its heartbeat is old
        assert job.status == JobStatus.RUNNING
        assert client.post(f"/jobs/{job.pk}/retry/").status_code == 409  # not while it may still run
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
        page = client.get(f"/jobs/{job.pk}/")
        assert "The job was interrupted" in page.content.decode()
        assert "Run it again" in page.content.decode()
        job.refresh_from_db()
        assert job.status == JobStatus.INTERRUPTED

    monkeypatch.undo()
    again = _retry(client, job)
    assert again.status_code == 302
    job.refresh_from_db()
    upload.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (upload.status, upload.rows_imported, upload.rows_duplicate) == (ImportStatus.DONE, 6, 0)
    assert _written() == (6, 6)
    assert AuditEvent.objects.filter(action="core.job.retry", object_id=str(job.pk)).count() == 1

    # A finished job cannot be run again; the same task run twice (a retry racing a slow
    # worker) changes nothing: the upload is already done.
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 409
    referral_import_run.call(job.pk, upload.pk)
    assert _written() == (6, 6)
    upload.refresh_from_db()
    assert (upload.rows_imported, upload.rows_duplicate) == (6, 0)


def test_a_worker_dying_during_the_intelligence_check_leaves_nothing_and_the_retry_checks(client_for, monkeypatch):
    """The linkage run of an import is in the import's transaction: dying in it keeps no
    referral and no candidate, and the retried job imports and checks every subject."""
    from rocu.intelligence import linking
    from rocu.referrals.models import CandidateMatch

    refs = [f"BF-KILL-{i}" for i in range(3)]
    client = client_for("disruption")
    monkeypatch.setattr(linking, "check", die_on_call(1, Killed, linking.check))
    _post_import(client, _csv(refs))
    upload = ReferralImport.objects.latest("pk")
    job = Job.objects.get(pk=upload.job_id)
    assert _written() == (0, 0), "referrals kept from an import whose check died"
    assert not CandidateMatch.objects.filter(subject__referral__partner_reference__startswith="BF-KILL-").exists()
    assert upload.status == ImportStatus.QUEUED

    monkeypatch.undo()
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert _retry(client, job).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert _written() == (3, 3)
    checked = Referral.objects.filter(partner_reference__startswith="BF-KILL-", checked_at__isnull=False).count()
    assert checked == 3, "the retry must run the intelligence check as well"


def test_a_keyboard_interrupt_in_the_worker_marks_the_job_interrupted_and_propagates(client_for, monkeypatch):
    client = client_for("disruption")
    monkeypatch.setattr(referral_services, "_subject", die_on_call(2, KeyboardInterrupt, referral_services._subject))
    with pytest.raises(KeyboardInterrupt):
        _post_import(client, _csv(REFS[:3]))
    job = Job.objects.filter(kind="referrals.import").latest("pk")
    assert job.status == JobStatus.INTERRUPTED
    assert "Nothing it was writing was kept" in job.error
    assert _written() == (0, 0)


def test_only_the_jobs_owner_can_run_it_again(client_for, persona, monkeypatch):
    monkeypatch.setattr(referral_services, "_subject", die_on_call(1, SystemExit, referral_services._subject))
    _post_import(client_for("disruption"), _csv(REFS[:2]))
    job = Job.objects.filter(kind="referrals.import").latest("pk")
    assert job.status == JobStatus.INTERRUPTED
    monkeypatch.undo()
    for who, status in [(None, 302), ("analyst", 404), ("head", 404), ("auditor", 404), ("disruption", 302)]:
        response = client_for(who).post(f"/jobs/{job.pk}/retry/")
        assert response.status_code == status, who
        if who is None:
            assert "/accounts/" in response["Location"]
    assert client_for("disruption").get(f"/jobs/{job.pk}/retry/").status_code == 405


def test_the_reaper_marks_only_silent_running_jobs(persona):
    owner = persona("disruption")
    now = timezone.now()

    def job(status: str, beat: dt.datetime | None) -> Job:
        return Job.objects.create(
            kind="t",
            title="t",
            created_by=owner,
            status=status,
            started_at=now - dt.timedelta(hours=2),
            heartbeat_at=beat,
        )

    silent, alive, never, done = (
        job(JobStatus.RUNNING, now - dt.timedelta(hours=1)),
        job(JobStatus.RUNNING, now),
        job(JobStatus.RUNNING, None),
        job(JobStatus.SUCCEEDED, now - dt.timedelta(hours=1)),
    )
    out = io.StringIO()
    call_command("jobs", "reap", "--after", "600", stdout=out)
    assert "2 interrupted jobs" in out.getvalue()
    statuses = {j.pk: Job.objects.get(pk=j.pk).status for j in (silent, alive, never, done)}
    assert statuses == {
        silent.pk: JobStatus.INTERRUPTED,
        alive.pk: JobStatus.RUNNING,
        never.pk: JobStatus.INTERRUPTED,
        done.pk: JobStatus.SUCCEEDED,
    }
    assert jobs.jobs_reap() == 0


# --- holdings import (a CLI run, one transaction) -------------------------------------------


@pytest.fixture
def holdings_csv(tmp_path: Any) -> Any:
    path = tmp_path / "niche.csv"
    lines = ["person_id,first_name,surname,dob,address,town,postcode,phone,email"]
    lines += [f"KILL{i},Jory,Penhallow{i},1990-01-0{i + 1},{i} Fore St,Truro,tr1 2aa,," for i in range(5)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("death", [KeyboardInterrupt, Killed])
def test_a_holdings_import_killed_part_way_writes_nothing_and_runs_again_cleanly(
    persona, monkeypatch, holdings_csv, death
):
    import rocu.records.services as records

    sw = Region.objects.get(code="south-west")
    audit_before = AuditEvent.objects.count()
    # Dies after the records were bulk-inserted, while their review dates are being set.
    monkeypatch.setattr(records, "retention_register_many", die_on_call(1, death, records.retention_register_many))
    with pytest.raises(death):
        call_command("holdings", "import", str(holdings_csv), "--source", "Kill test", "--as", "analyst")
    assert not HoldingsSource.objects.filter(region=sw, name="Kill test").exists()
    assert not HoldingRecord.objects.filter(person_id__startswith="KILL").exists()
    assert AuditEvent.objects.count() == audit_before

    monkeypatch.undo()
    out = io.StringIO()
    call_command("holdings", "import", str(holdings_csv), "--source", "Kill test", "--as", "analyst", stdout=out)
    assert "5 added, 0 updated" in out.getvalue()
    call_command("holdings", "import", str(holdings_csv), "--source", "Kill test", "--as", "analyst", stdout=out)
    assert "0 added, 5 updated" in out.getvalue()
    assert HoldingRecord.objects.filter(person_id__startswith="KILL").count() == 5


# --- governance PDF ingestion (a job reading page by page) ---------------------------------


def _pdf(pages: int) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f"<p style='page-break-after: always'>Recommendation {i}: by 28 February 2022, forces should act.</p>"
        for i in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def test_a_worker_dying_while_reading_a_pdf_leaves_it_reading_and_a_retry_proposes_findings(
    persona, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from rocu.core.jobs import JobReporter
    from rocu.governance import services as gov
    from rocu.governance.models import ReportUpload
    from tests.governance.conftest import text_file

    head = persona("head")
    # The third progress report: page 2 of 4 has been read.
    monkeypatch.setattr(JobReporter, "progress", die_on_call(3, SystemExit, JobReporter.progress))
    with django_capture_on_commit_callbacks(execute=True):
        record = gov.report_upload(actor=head, upload=text_file("report.pdf", _pdf(4)))
    record.refresh_from_db()
    job = Job.objects.get(pk=record.job_id)
    assert job.status == JobStatus.INTERRUPTED
    assert record.state == ReportUpload.State.READING
    assert record.proposal in ({}, None, "")

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(actor=head, job_id=job.pk)
    record.refresh_from_db()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert record.state == ReportUpload.State.PROPOSED
    assert job.progress_done == job.progress_total == 4


# --- a full disk --------------------------------------------------------------------------


def _disk_full_after(n_bytes: int) -> Callable[..., Any]:
    """ContentFile.chunks that yields the first bytes, then fails as a full disk does."""

    def chunks(self: ContentFile, chunk_size: int | None = None) -> Iterator[bytes]:
        self.seek(0)
        yield self.read(n_bytes)
        raise OSError(errno.ENOSPC, "No space left on device")

    return chunks


def _stored_files() -> set[str]:
    from django.core.files.storage import default_storage

    root = default_storage.path("")
    import os

    return {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs}


def test_a_full_disk_during_an_evidence_upload_is_a_clear_error_and_leaves_no_file(client_for, monkeypatch):
    from rocu.governance.models import Evidence, RecommendationTracking

    t = RecommendationTracking.objects.filter(region__code="south-west").order_by("pk").first()
    client = client_for("head")
    files_before, audit_before, evidence_before = _stored_files(), AuditEvent.objects.count(), Evidence.objects.count()
    monkeypatch.setattr(ContentFile, "chunks", _disk_full_after(10))
    upload = io.BytesIO(b"A funding paper, quite long enough to be written in two parts." * 10)
    upload.name = "paper.txt"
    response = client.post(
        f"/governance/recommendations/{t.pk}/evidence/", {"description": "Funding paper", "file": upload}
    )
    assert response.status_code == 507
    page = response.content.decode()
    assert "no room" in page.lower()
    assert "nothing was saved" in page.lower()
    assert Evidence.objects.count() == evidence_before
    assert AuditEvent.objects.count() == audit_before
    assert _stored_files() == files_before, "a partly written file was left behind"


def test_a_full_disk_during_a_report_upload_answers_507(persona, monkeypatch):
    from rocu.core.errors import StorageFull
    from rocu.governance import services as gov
    from rocu.governance.models import ReportUpload
    from tests.governance.conftest import text_file

    files_before, audit_before = _stored_files(), AuditEvent.objects.count()
    uploads_before = ReportUpload.objects.count()
    monkeypatch.setattr(ContentFile, "chunks", _disk_full_after(5))
    with pytest.raises(StorageFull):
        gov.report_upload(actor=persona("head"), upload=text_file("response.txt", "Recommendation 1: act." * 20))
    assert ReportUpload.objects.count() == uploads_before
    assert AuditEvent.objects.count() == audit_before
    assert _stored_files() == files_before


def _db_full(statement_prefix: str) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith(statement_prefix):
            raise OperationalError("database or disk is full")
        return execute(sql, params, many, context)

    return wrapper


def test_a_full_disk_while_storing_a_referral_import_is_a_clear_error(client_for):
    client = client_for("disruption")
    counts = (ReferralImport.objects.count(), Job.objects.count(), AuditEvent.objects.count())
    with connection.execute_wrapper(_db_full('INSERT INTO "REFERRALS_REFERRALIMPORT"')):
        response = _post_import(client, _csv(REFS[:2]))
    assert response.status_code == 507
    assert "nothing was saved" in response.content.decode().lower()
    assert (ReferralImport.objects.count(), Job.objects.count(), AuditEvent.objects.count()) == counts


def test_a_full_disk_while_importing_through_the_api_is_problem_json(api_for):
    from tests.api.conftest import assert_problem

    bf = PartnerAgency.objects.get(name="Border Force")
    client = api_for("disruption", "bearer")
    counts = (ReferralImport.objects.count(), AuditEvent.objects.count())
    upload = io.BytesIO(_csv(REFS[:2]))
    upload.name = "parcels.csv"
    with connection.execute_wrapper(_db_full('INSERT INTO "REFERRALS_REFERRALIMPORT"')):
        response = client.post(
            "/api/v1/referrals/imports/",
            {"partner": bf.pk, "template": "border_force_parcel", "mode": "all_or_nothing", "file": upload},
        )
    body = assert_problem(response, 507)
    assert "nothing was saved" in body["detail"].lower()
    assert (ReferralImport.objects.count(), AuditEvent.objects.count()) == counts


# --- a lost database connection --------------------------------------------------------------


def _db_gone(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    ("who", "transport", "path"),
    [
        ("analyst", "session", "/referrals/"),
        ("analyst", "session", "/"),
        (None, "session", "/accounts/sign-in/"),
        ("analyst", "bearer", "/api/v1/referrals/"),
        ("analyst", "session", "/api/v1/referrals/"),
        ("auditor", "bearer", "/api/v1/me/"),
    ],
)
def test_a_lost_database_answers_503_with_retry_after(api_for, who, transport, path):
    client = api_for(who, transport)
    client.raise_request_exception = False
    with connection.execute_wrapper(_db_gone):
        # signing in reads the database (the rate limit, then the user)
        wrong = {"username": "analyst", "password": "wrong"}
        response = client.post(path, wrong) if who is None else client.get(path)
    assert response.status_code == 503, (path, response.status_code)
    assert response["Retry-After"] == "30"
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/problem+json")
        body = response.json()
        assert body["status"] == 503
        assert "server closed" not in str(body)  # the driver's words stay in the log
    else:
        assert "try again" in response.content.decode().lower()


def test_other_database_errors_are_not_mistaken_for_an_outage(client_for):
    """A bug (a bad query) is still a 500 the team hears about, not a 503 that hides it."""

    def broken(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'FROM "referrals_referral"' in sql:
            raise OperationalError("no such column: referrals_referral.nonsense")
        return execute(sql, params, many, context)

    client = client_for("analyst")
    client.raise_request_exception = False
    with connection.execute_wrapper(broken):
        response = client.get("/referrals/")
    assert response.status_code == 500


# --- /readyz names the fault ------------------------------------------------------------------


def _ready(expect: int) -> dict[str, Any]:
    response = Client().get("/readyz")
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == ("ready" if expect == 200 else "not ready")
    return body["checks"]


def test_readyz_is_ready_when_nothing_is_wrong(db):
    assert _ready(200) == {"database": "ok", "migrations": "ok", "data_dir": "ok", "storage": "ok"}


def test_readyz_says_when_the_database_is_unreachable(db):
    with connection.execute_wrapper(_db_gone):
        checks = _ready(503)
    assert checks["database"] == "unreachable"
    assert checks["error"] == "OperationalError"
    assert "server closed" not in str(checks)


def test_readyz_says_when_a_migration_is_unapplied(db):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder.Migration.objects.filter(app="core").order_by("-applied").first().delete()
    checks = _ready(503)
    assert checks["migrations"] == "1 unapplied"
    assert checks["database"] == "ok"


def test_readyz_says_when_the_upload_directory_takes_no_write(db, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the uploads' directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": blocker}},
    }
    checks = _ready(503)
    assert checks["storage"] == "not writable"
    assert checks["data_dir"] == "ok"
    assert str(tmp_path) not in str(checks)


def test_readyz_says_when_the_disk_is_nearly_or_quite_full(db, monkeypatch):
    import shutil
    import tempfile

    real_usage = shutil.disk_usage

    def nearly_full(path: Any) -> Any:
        return real_usage(path)._replace(free=50 * 2**20)

    monkeypatch.setattr(shutil, "disk_usage", nearly_full)
    checks = _ready(503)
    assert checks["storage"] == checks["data_dir"] == "low on space: 50 MB free, 200 MB needed"
    monkeypatch.undo()

    def no_room(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_room)
    checks = _ready(503)
    assert checks["storage"] == checks["data_dir"] == "full"


# --- a real worker process, SIGKILLed in the middle of an import -------------------------------

ENQUEUE = """
import django, sys
django.setup()
from rocu.accounts.models import PartnerAgency, User
from rocu.referrals import services
user = User.objects.get(username="disruption")
upload = services.referral_import_start(
    actor=user, region=user.region, partner=PartnerAgency.objects.get(name="Border Force"),
    template="border_force_parcel", mode="all_or_nothing", filename="parcels.csv",
    content=open(sys.argv[1], "rb").read(),
)
print(upload.job_id)
"""

# The worker, with a pause after the referrals are inserted (still uncommitted) that says
# where it is: the parent then SIGKILLs it there, which no Python code can see.
STALLING_WORKER = """
import pathlib, sys, time
import django
django.setup()
import rocu.referrals.services as s
real = s.retention_register_many
def stall(**kw):
    pathlib.Path(sys.argv[1]).write_text("inside the import's transaction")
    time.sleep(120)
    return real(**kw)
s.retention_register_many = stall
from django.core.management import call_command
call_command("db_worker", "--interval", "0.1", "--batch")
"""

RETRY = """
import django, sys
django.setup()
from rocu.accounts.models import User
from rocu.core.jobs import job_retry
print(job_retry(actor=User.objects.get(username="disruption"), job_id=int(sys.argv[1])).status)
"""


@pytest.mark.reliability_full
def test_a_worker_process_killed_mid_import_leaves_nothing_and_its_job_is_retried(tmp_path):
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    data = tmp_path / "data"
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ROCU_TEST_DB_NAME", "ROCU_TASKS_IMMEDIATE")
    }
    env.update(ROCU_DATA_DIR=str(data), ROCU_DEMO="1", DJANGO_SETTINGS_MODULE="rocu.settings")

    def python(*args: str, timeout: int = 300) -> str:
        done = subprocess.run(
            [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    python("-m", "rocu.cli", "migrate", "--no-input", "-v", "0")
    python("-m", "rocu.cli", "seed-demo", "--quiet", "--password", "correct-horse-battery-staple")
    refs = [f"BF-SIGKILL-{i}" for i in range(400)]
    (tmp_path / "parcels.csv").write_bytes(_csv(refs))
    job_id = int(python("-c", ENQUEUE, str(tmp_path / "parcels.csv")).strip())

    def db(sql: str, *params: Any) -> Any:
        with sqlite3.connect(data / "rocu.sqlite3", timeout=30) as conn:
            return conn.execute(sql, params).fetchone()

    marker = tmp_path / "stalled"
    worker = subprocess.Popen(
        [sys.executable, "-c", STALLING_WORKER, str(marker)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-3000:] if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker never reached the import"
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL

    like = "BF-SIGKILL-%"
    count = "SELECT COUNT(*) FROM referrals_referral WHERE partner_reference LIKE ?"
    assert db(count, like) == (0,), "the killed worker's half-import was kept"
    assert db("SELECT status FROM referrals_referralimport WHERE job_id = ?", job_id) == ("queued",)
    assert db("SELECT status FROM core_job WHERE id = ?", job_id) == ("running",)  # it cannot know

    out = python("-m", "rocu.cli", "jobs", "reap", "--after", "0")
    assert "1 interrupted job marked" in out
    assert db("SELECT status FROM core_job WHERE id = ?", job_id) == ("interrupted",)
    assert python("-c", RETRY, str(job_id)).strip() == "queued"
    python("-m", "rocu.cli", "db_worker", "--interval", "0.1", "--batch", timeout=600)

    assert db("SELECT status, progress_done, progress_total FROM core_job WHERE id = ?", job_id) == (
        "succeeded",
        400,
        400,
    )
    assert db(count, like) == (400,)
    assert db(
        "SELECT COUNT(DISTINCT partner_reference) FROM referrals_referral WHERE partner_reference LIKE ?", like
    ) == (400,)
    assert db("SELECT status, rows_imported FROM referrals_referralimport WHERE job_id = ?", job_id) == ("done", 400)
