"""The auditor's pages: the filtered trail, its CSV export (itself a disclosure), the check."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.utils import timezone

from rocu.audit.models import AuditEvent, Category
from rocu.audit.services import audit_record
from rocu.audit.views import EXPORT_COLUMNS


@pytest.fixture
def trail(persona):
    """Five events of this test's own; the number of the last event before them.

    Other capabilities' demo data may hold events too, so lists are compared on the
    events after that number.
    """
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    head, sio, outsider = persona("head"), persona("sio"), persona("outsider")
    audit_record(actor=head, category=Category.ALTERATION, action="accounts.user.update", obj=sio)
    audit_record(actor=head, category=Category.CONSULTATION, action="accounts.user.view", obj=sio)
    audit_record(actor=sio, category=Category.ERASURE, action="intelligence.nominal.erase", object_type="x.y")
    audit_record(actor=outsider, category=Category.CONSULTATION, action="accounts.user.view", obj=outsider)
    audit_record(actor=None, actor_username="cli", category=Category.COLLECTION, action="core.demo.seed")
    return before


def listed(response, after: int = 0) -> list[tuple[str, str]]:
    return [(e.actor_username, e.action) for e in response.context["page"].object_list if e.seq > after]


def export(client, query: str = "", **data: str):
    response = client.post(f"/audit/export/{query}", data)
    body = b"".join(response.streaming_content).decode() if response.status_code == 200 else ""
    return response, list(csv.reader(io.StringIO(body)))


def test_it_shows_the_region_and_regionless_events_but_not_other_regions(client_for, persona, trail):
    response = client_for("auditor").get("/audit/?per_page=100")

    assert [e for e in listed(response, trail) if e[0] != "auditor"] == [
        ("cli", "core.demo.seed"),
        ("sio", "intelligence.nominal.erase"),
        ("head", "accounts.user.view"),
        ("head", "accounts.user.update"),
    ]
    south_west = persona("auditor").region_id
    visible = AuditEvent.objects.filter(region_id=south_west) | AuditEvent.objects.filter(region_id=None)
    assert response.context["count"] == visible.count()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=HEAD", {("head", "accounts.user.update"), ("head", "accounts.user.view")}),
        ("actor=head&category=consultation", {("head", "accounts.user.view")}),
        ("action=intelligence.", {("sio", "intelligence.nominal.erase")}),
        ("object_type=x.y", {("sio", "intelligence.nominal.erase")}),
        ("category=erasure&actor=sio", {("sio", "intelligence.nominal.erase")}),
        ("actor=outsider", set()),
    ],
)
def test_it_filters_the_trail(client_for, trail, query, expected):
    response = client_for("auditor").get(f"/audit/?{query}")

    assert response.status_code == 200
    assert set(listed(response, trail)) == expected


def test_it_filters_by_record_and_date(client_for, persona, trail):
    sio = persona("sio")
    today = timezone.localdate()
    client = client_for("auditor")

    by_record = listed(client.get(f"/audit/?object_type=accounts.user&object_id={sio.pk}"), trail)
    assert set(by_record) == {("head", "accounts.user.update"), ("head", "accounts.user.view")}
    tomorrow = today + dt.timedelta(days=1)
    assert listed(client.get(f"/audit/?actor=head&date_from={tomorrow}")) == []
    assert len(listed(client.get(f"/audit/?actor=head&date_from={today}&date_to={today}"), trail)) == 2


def test_it_sorts_newest_first_unless_asked(client_for, trail):
    client = client_for("auditor")

    seqs = [e.seq for e in client.get("/audit/").context["page"].object_list]
    assert seqs == sorted(seqs, reverse=True)
    by_actor = [e.actor_username for e in client.get("/audit/?sort=actor").context["page"].object_list]
    assert by_actor == sorted(by_actor)


def test_it_exports_exactly_the_filtered_events_and_audits_the_disclosure(client_for, persona, trail):
    sio = persona("sio").pk
    response, rows = export(
        client_for("auditor"),
        f"?actor=head&object_type=accounts.user&object_id={sio}",
        reason="Complaint 2024/311",
        recipient="Professional Standards",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert rows[0] == EXPORT_COLUMNS
    ours = {(r[2], r[4]) for r in rows[1:] if int(r[0]) > trail}
    assert ours == {("head", "accounts.user.update"), ("head", "accounts.user.view")}
    disclosure = AuditEvent.objects.get(action="audit.export")
    assert disclosure.category == Category.DISCLOSURE
    assert disclosure.actor_id == persona("auditor").pk
    assert disclosure.reason == "Complaint 2024/311"
    assert disclosure.recipient == "Professional Standards"
    assert disclosure.detail == {
        "rows": len(rows) - 1,
        "filters": {"actor": "head", "object_type": "accounts.user", "object_id": str(sio)},
    }


def test_it_names_the_auditor_as_recipient_when_no_one_else_is_given(client_for, trail):
    export(client_for("auditor"), reason="Routine dip sample")

    assert AuditEvent.objects.get(action="audit.export").recipient == "auditor"


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("", {}),
        ("", {"reason": "   "}),
        ("", {"reason": "x" * 501}),
        ("", {"reason": "Review", "recipient": "x" * 201}),
        ("?date_from=2024-02-01&date_to=2024-01-01", {"reason": "Review"}),
        ("?date_from=yesterday", {"reason": "Review"}),
    ],
)
def test_it_refuses_an_export_without_a_reason_or_with_bad_filters(client_for, trail, query, data):
    response, _ = export(client_for("auditor"), query, **data)

    assert response.status_code == 302
    assert response["Location"] == f"/audit/{query}"
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_it_neutralises_spreadsheet_formulas_in_the_export(client_for, persona):
    audit_record(
        actor=None,
        actor_username='=HYPERLINK("http://evil.example","click")',
        category=Category.DISCLOSURE,
        action="@SUM(A1:A9)",
        object_type="+cmd|' /C calc'!A0",
        object_id="-1+1",
        reason="\t=1+1",
        recipient="=2+2",
    )

    _, rows = export(client_for("auditor"), "?action=@SUM", reason="Formula check")

    (row,) = rows[1:]
    record = dict(zip(EXPORT_COLUMNS, row, strict=True))
    for column in ("actor_username", "action", "object_type", "object_id", "reason", "recipient"):
        assert record[column].startswith("'"), (column, record[column])
    assert record["actor_username"] == '\'=HYPERLINK("http://evil.example","click")'


def test_it_shows_an_intact_chain_and_audits_the_check(client_for, trail):
    response = client_for("auditor").post("/audit/verify/")

    assert response.status_code == 200
    assert b"Chain intact" in response.content
    check = AuditEvent.objects.get(action="audit.verify")
    assert check.category == Category.CONSULTATION
    assert check.detail == {"ok": True, "checked": check.seq - 1}


def test_it_shows_where_the_chain_is_broken(client_for, trail):
    victim = AuditEvent.objects.get(action="intelligence.nominal.erase").seq
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_update")
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
        cur.execute("UPDATE audit_auditevent SET actor_username = 'head' WHERE seq = %s", [victim])

    response = client_for("auditor").post("/audit/verify/")

    assert response.status_code == 200
    assert f"The chain is broken at event #{victim}".encode() in response.content
    assert AuditEvent.objects.get(action="audit.verify").detail["ok"] is False


def test_it_lists_the_trail_in_a_fixed_number_of_queries(client_for, persona, trail, django_assert_max_num_queries):
    client = client_for("auditor")
    client.get("/audit/")  # warm the session and the caches
    with django_assert_max_num_queries(15) as few:
        client.get("/audit/?per_page=100")
    head = persona("head")
    for i in range(150):
        audit_record(actor=head, category=Category.CONSULTATION, action="accounts.user.view", object_id=str(i))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/audit/?per_page=100")

    assert len(response.context["page"].object_list) == 100
