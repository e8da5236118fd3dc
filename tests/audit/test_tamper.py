"""The stored trail: the database refuses edits, and `rocu audit verify` catches a rogue
administrator who switches that guard off and edits or removes events anyway."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from rocu.accounts import services
from rocu.accounts.models import UnitType
from rocu.audit.models import AuditEvent, AuditHead
from rocu.audit.services import audit_verify


@pytest.fixture
def trail(persona):
    """A few events written the ordinary way, through services, and their numbers."""
    head = persona("head")
    services.unit_create(actor=head, region=head.region, unit_type=UnitType.CYBER, name="Dark Web Team")
    group = services.group_create(actor=head, region=head.region, name="Op Harbour team")
    services.group_add_member(actor=head, group=group, user=persona("analyst"))
    services.user_set_active(actor=head, user=persona("lro"), active=False, reason="Left the ROCU")
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def switch_off_the_guard() -> None:
    """What a rogue DBA could do: drop (SQLite) or disable (PostgreSQL) the triggers."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("DROP TRIGGER audit_event_no_delete")
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")


def raw(sql: str, *params: object) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def verify_by_cli() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_it_verifies_an_untouched_trail(trail):
    assert verify_by_cli() == f"Audit chain intact: {AuditEvent.objects.count()} events verified.\n"


@pytest.mark.parametrize(
    ("column", "value"),
    [("reason", "Nothing to see here"), ("actor_username", "auditor"), ("object_id", "1"), ("action", "x.y")],
)
def test_it_names_the_event_a_rogue_administrator_edited(trail, column, value):
    victim = trail[len(trail) // 2]
    switch_off_the_guard()
    raw(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", value, victim)

    with pytest.raises(CommandError, match=rf"broken at event #{victim}: contents do not match its digest"):
        verify_by_cli()


def test_it_names_the_event_after_one_removed_from_the_middle(trail):
    victim = trail[len(trail) // 2]
    switch_off_the_guard()
    raw("DELETE FROM audit_auditevent WHERE seq = %s", victim)

    with pytest.raises(CommandError, match=rf"broken at event #{victim + 1}: missing event"):
        verify_by_cli()


def test_it_catches_the_last_event_being_removed_through_the_head(trail):
    last = trail[-1]
    switch_off_the_guard()
    raw("DELETE FROM audit_auditevent WHERE seq = %s", last)

    with pytest.raises(CommandError, match=rf"broken at event #{last}: chain head does not match"):
        verify_by_cli()
    assert AuditHead.objects.get().seq == last


def test_it_catches_a_forged_digest_through_the_next_event(trail):
    victim = trail[-2]
    switch_off_the_guard()
    raw("UPDATE audit_auditevent SET reason = %s, digest = %s WHERE seq = %s", "edited", "f" * 64, victim)

    report = audit_verify()

    assert not report.ok
    assert report.first_broken_seq == victim


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'edited'",
        "UPDATE audit_auditevent SET digest = digest",
        "DELETE FROM audit_auditevent",
    ],
)
def test_it_refuses_plain_updates_and_deletes_in_the_database(trail, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql)

    assert AuditEvent.objects.count() == len(trail)
    assert audit_verify().ok


def test_it_refuses_updates_and_deletes_through_the_orm(trail):
    event = AuditEvent.objects.get(seq=trail[-1])

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()

    assert audit_verify().ok


def test_it_refuses_truncate_on_postgresql(trail):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("TRUNCATE audit_auditevent")

    assert AuditEvent.objects.count() == len(trail)
