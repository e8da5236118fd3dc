"""Each change and its audit event commit together or not at all.

A temporary trigger makes the audit table refuse new rows, as a full disk or a lost
privilege would; every service must then fail and leave its change unmade.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from rocu.accounts import selectors, services
from rocu.accounts.models import (
    Accreditation,
    AccreditationKind,
    ApiToken,
    GroupMembership,
    NeedToKnowGroup,
    PartnerAgency,
    PartnerKind,
    Unit,
    UnitType,
    User,
)
from rocu.audit.models import AuditEvent, AuditHead
from rocu.engines.hashchain import GENESIS

P = Callable[[str], User]
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def vizardlike() -> NeedToKnowGroup:
    return NeedToKnowGroup.objects.get(name="Op Vizardlike team")


def sio_pip3() -> Accreditation:
    return Accreditation.objects.get(user__username="sio", kind=AccreditationKind.PIP3)


def token_of(p: P) -> ApiToken:
    token, _ = services.api_token_create(actor=None, user=p("analyst"), name="Feed")
    return token


# name: (prepare (before the store fails), the change, was it made?, its audit action)
CASES: dict[str, tuple[Callable[[P], Any], Callable[[P, Any], Any], Callable[[P, Any], bool], str]] = {
    "user_create": (
        lambda p: None,
        lambda p, _: services.user_create(
            actor=p("head"),
            username="new.analyst",
            first_name="Ada",
            last_name="Vane",
            email="ada@rocu.example",
            region=p("head").region,
            roles=["analyst"],
        ),
        lambda p, _: User.objects.filter(username="new.analyst").exists(),
        "accounts.user.create",
    ),
    "user_update": (
        lambda p: None,
        lambda p, _: services.user_update(actor=p("head"), user=p("lro"), job_title="Detective Chief Superintendent"),
        lambda p, _: p("lro").job_title == "Detective Chief Superintendent",
        "accounts.user.update",
    ),
    "user_set_roles": (
        lambda p: None,
        lambda p, _: services.user_set_roles(actor=p("head"), user=p("lro"), roles=["lro", "sio"]),
        lambda p, _: "sio" in p("lro").role_names(),
        "accounts.user.roles",
    ),
    "user_set_active": (
        lambda p: None,
        lambda p, _: services.user_set_active(actor=p("head"), user=p("lro"), active=False, reason="Left"),
        lambda p, _: not p("lro").is_active,
        "accounts.user.deactivate",
    ),
    "accreditation_set": (
        lambda p: None,
        lambda p, _: services.accreditation_set(
            actor=p("head"), user=p("lro"), kind=AccreditationKind.PIP2, awarded=YESTERDAY
        ),
        lambda p, _: p("lro").accreditations.filter(kind=AccreditationKind.PIP2).exists(),
        "accounts.accreditation.set",
    ),
    "accreditation_remove": (
        lambda p: None,
        lambda p, _: services.accreditation_remove(actor=p("head"), accreditation=sio_pip3()),
        lambda p, _: not p("sio").accreditations.filter(kind=AccreditationKind.PIP3).exists(),
        "accounts.accreditation.remove",
    ),
    "group_create": (
        lambda p: None,
        lambda p, _: services.group_create(actor=p("head"), region=p("head").region, name="Op Harbour team"),
        lambda p, _: NeedToKnowGroup.objects.filter(name="Op Harbour team").exists(),
        "accounts.group.create",
    ),
    "group_add_member": (
        lambda p: None,
        lambda p, _: services.group_add_member(actor=p("head"), group=vizardlike(), user=p("lro")),
        lambda p, _: GroupMembership.objects.filter(group=vizardlike(), user=p("lro")).exists(),
        "accounts.group.add_member",
    ),
    "group_remove_member": (
        lambda p: None,
        lambda p, _: services.group_remove_member(actor=p("head"), group=vizardlike(), user=p("analyst")),
        lambda p, _: not GroupMembership.objects.filter(group=vizardlike(), user=p("analyst")).exists(),
        "accounts.group.remove_member",
    ),
    "unit_create": (
        lambda p: None,
        lambda p, _: services.unit_create(
            actor=p("head"), region=p("head").region, unit_type=UnitType.CYBER, name="Dark Web Team"
        ),
        lambda p, _: Unit.objects.filter(name="Dark Web Team").exists(),
        "accounts.unit.create",
    ),
    "partner_create": (
        lambda p: None,
        lambda p, _: services.partner_create(
            actor=p("head"), name="Torbay Council", kind=PartnerKind.LOCAL_AUTHORITY, region=p("head").region
        ),
        lambda p, _: PartnerAgency.objects.filter(name="Torbay Council").exists(),
        "accounts.partner.create",
    ),
    "api_token_create": (
        lambda p: None,
        lambda p, _: services.api_token_create(actor=None, user=p("analyst"), name="Border Force feed"),
        lambda p, _: ApiToken.objects.filter(name="Border Force feed").exists(),
        "accounts.api_token.create",
    ),
    "api_token_revoke": (
        token_of,
        lambda p, token: services.api_token_revoke(actor=None, token=token),
        lambda p, token: ApiToken.objects.get(pk=token.pk).revoked_at is not None,
        "accounts.api_token.revoke",
    ),
}


def chain_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.digest) if head else (0, GENESIS)


def refuse_audit_inserts() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "CREATE TRIGGER test_audit_store_down BEFORE INSERT ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;"
            )
        else:
            cur.execute(
                "CREATE FUNCTION test_audit_store_down() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'audit store unavailable'; END; $$ LANGUAGE plpgsql"
            )
            cur.execute(
                "CREATE TRIGGER test_audit_store_down BEFORE INSERT ON audit_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION test_audit_store_down()"
            )


@pytest.mark.parametrize("name", list(CASES))
def test_it_writes_one_audit_event_with_each_change(persona, name):
    prepare, change, made, action = CASES[name]
    before = prepare(persona)
    last, _ = chain_head()

    change(persona, before)

    assert made(persona, before)
    assert list(AuditEvent.objects.filter(seq__gt=last).values_list("action", flat=True)) == [action]
    assert chain_head()[0] == last + 1


@pytest.mark.parametrize("name", list(CASES))
def test_it_leaves_the_change_unmade_when_its_audit_event_cannot_be_written(persona, name):
    prepare, change, made, _action = CASES[name]
    before = prepare(persona)
    head = chain_head()
    refuse_audit_inserts()

    with pytest.raises(DatabaseError, match="audit store unavailable"):
        change(persona, before)

    assert not made(persona, before)
    assert chain_head() == head


def test_it_shows_no_personal_record_that_it_cannot_log_the_look_at(persona):
    refuse_audit_inserts()

    with pytest.raises(DatabaseError, match="audit store unavailable"):
        selectors.person_get(user=persona("head"), pk=persona("sio").pk)
