"""Dashboards, exports, the PCC report and the public page, on the seeded demo region."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rocu.accounts.models import User
from rocu.audit.models import AuditEvent, Category
from rocu.intelligence.models import Nominal
from rocu.performance import selectors


def _names():
    """Surnames of people of interest and full names of staff, long enough to be telling."""
    surnames = {n.surname for n in Nominal.objects.all() if len(n.surname) > 3}
    staff = {u.get_full_name() for u in User.objects.all() if len(u.get_full_name()) > 5}
    return surnames | staff


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("actor", "url"),
    [
        ("pcc", "/performance/?period=2025-Q3"),
        ("pcc", "/performance/export.csv?period=2025-Q3"),
        ("national", "/performance/?scope=all"),
        ("national", "/performance/export.csv?scope=all"),
        ("national", "/performance/national/export.csv"),
        (None, "/performance/public/"),
    ],
)
def test_it_shows_no_names_to_aggregate_roles_or_the_public(client_for, actor, url):
    response = client_for(actor).get(url)
    assert response.status_code == 200
    text = _body(response).decode("utf-8", "replace")
    own = User.objects.get(username=actor).get_full_name() if actor else None
    leaked = [n for n in _names() if n != own and n in text]
    assert leaked == []


def test_it_audits_every_export_as_a_disclosure(client_for):
    before = AuditEvent.objects.filter(category=Category.DISCLOSURE).count()
    for fmt in ("csv", "xlsx", "pdf"):
        response = client_for("head").get(f"/performance/export.{fmt}?period=2025-Q3")
        assert response.status_code == 200
    events = AuditEvent.objects.filter(category=Category.DISCLOSURE).order_by("-pk")[:3]
    assert AuditEvent.objects.filter(category=Category.DISCLOSURE).count() == before + 3
    assert {e.action for e in events} == {"performance.dashboard.export"}


def test_it_exports_exactly_the_rows_on_screen_with_definitions(client_for):
    client = client_for("head")
    page = client.get("/performance/?period=2025-Q3&metric=vacancy_rate")
    csv_text = client.get("/performance/export.csv?period=2025-Q3&metric=vacancy_rate").content.decode("utf-8-sig")
    for row in page.context["report"].tables[0].rows:
        assert ",".join(str(c) for c in row) in csv_text
    assert "Definitions" in csv_text
    assert "vacancy_rate, version 1" in csv_text


def test_it_says_clearly_when_a_metric_or_period_is_wrong(client_for):
    client = client_for("head")
    assert "There is no metric called" in client.get("/performance/?metric=made_up").content.decode()
    assert "rocu holds no figures for" in client.get("/performance/?period=FY2099").content.decode()
    assert "Enter a period" in client.get("/performance/?period=2025-Q9").content.decode()


def test_it_lists_metrics_without_a_source_as_unavailable_not_zero(monkeypatch, client_for):
    monkeypatch.setattr(selectors, "_tables", lambda: {"referrals_referral"})
    text = client_for("head").get("/performance/").content.decode()
    assert "Vacancy rate: unavailable — source not yet in rocu" in text


def test_it_keeps_the_force_soc_lead_to_their_force(client_for, persona):
    lead = persona("forcelead")
    text = client_for("forcelead").get("/performance/").content.decode()
    assert lead.force.name in text
    assert client_for("forcelead").get("/performance/?scope=all").status_code == 400


def test_it_runs_a_fixed_number_of_queries_per_dashboard(client_for):
    client = client_for("national")
    counts = []
    for scope in ("all", ""):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/performance/?scope={scope}&period=FY2025")
        counts.append(len(ctx.captured_queries))
    assert counts[0] < 60


def test_it_builds_the_pcc_report_from_the_command(db, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("performance", "pcc-report", "--period", "2025-Q3", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF")


def test_it_protects_small_numbers_on_the_public_page(client_for):
    response = client_for(None).get("/performance/public/")
    results = response.context["results"]
    for _, row, _ in results["rows"]:
        assert not any(isinstance(v, int) and 0 < v < 10 for v in row)


def test_it_compares_every_region_and_lists_those_missing_data(client_for):
    response = client_for("national").get("/performance/national/?metric=vacancy_rate")
    assert response.status_code == 200
    rows = response.context["report"].tables[0].rows
    assert len(rows) == 10


def test_it_sends_dashboard_reads_to_the_replica_when_one_is_set():
    from rocu.performance.db_router import ReplicaRouter, with_replica

    databases, routers = with_replica(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "a"}}, "sqlite:////tmp/b"
    )
    assert set(databases) == {"default", "replica"}
    assert routers
    assert with_replica({"default": {}}, "") == ({"default": {}}, [])
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica", "performance") is False
