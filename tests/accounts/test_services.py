"""Changes to people, groups, units and partners through their services: what each does,
what it refuses, and that a refusal leaves nothing behind (no row, no audit event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from rocu.accounts import services
from rocu.accounts.models import (
    Accreditation,
    AccreditationKind,
    Force,
    GroupMembership,
    NeedToKnowGroup,
    PartnerAgency,
    PartnerKind,
    Region,
    RoleAssignment,
    Unit,
    UnitType,
    User,
)
from rocu.audit.models import AuditEvent, Category
from rocu.core.classification import Vetting
from rocu.core.errors import PermissionDenied, ValidationFailed

TODAY = timezone.localdate()
NEXT_YEAR = TODAY + dt.timedelta(days=365)
COUNTED = (User, RoleAssignment, Accreditation, NeedToKnowGroup, GroupMembership, Unit, PartnerAgency, AuditEvent)


@contextmanager
def nothing_written() -> Iterator[None]:
    before = {m.__name__: m.objects.count() for m in COUNTED}
    yield
    assert {m.__name__: m.objects.count() for m in COUNTED} == before


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def new_person(actor: User, **changes: object) -> User:
    fields: dict[str, object] = dict(
        username="new.analyst",
        first_name="Ada",
        last_name="Vane",
        email="ada.vane@rocu.example",
        region=actor.region,
        force=Force.objects.get(code="dorset"),
        vetting=Vetting.NPPV3,
        vetting_expires=NEXT_YEAR,
        roles=["analyst"],
    )
    fields.update(changes)
    return services.user_create(actor=actor, **fields)


@pytest.fixture
def head(persona):
    return persona("head")


@pytest.fixture
def north_east(db):
    return Region.objects.get(code="north-east")


# --- People --------------------------------------------------------------------------


def test_it_creates_a_person_with_roles_and_audits_it_without_personal_details(head):
    person = new_person(head)

    assert person.role_names() == ["analyst"]
    assert not person.has_usable_password()
    event = last_event()
    assert (event.category, event.action, event.actor_id) == (Category.COLLECTION, "accounts.user.create", head.pk)
    assert (event.object_type, event.object_id, event.region_id) == ("accounts.user", str(person.pk), head.region_id)
    assert event.detail == {"roles": ["analyst"], "vetting": "nppv3"}
    assert "Vane" not in str(event.detail)


def test_it_sets_a_password_only_when_it_is_strong(head):
    assert new_person(head, password="a-long-enough-passphrase").check_password("a-long-enough-passphrase")
    with nothing_written(), pytest.raises(ValidationFailed) as refused:
        new_person(head, username="second.person", password="password")
    assert refused.value.field == "password"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"roles": ["analyst", "superuser"]}, "roles"),
        ({"vetting": Vetting.SC, "vetting_expires": None}, "vetting_expires"),
        ({"vetting": "nppv9"}, "vetting"),
        ({"force": "northumbria"}, "force"),
        ({"username": "ANALYST"}, "username"),
    ],
)
def test_it_refuses_a_bad_person_and_writes_nothing(head, changes, field):
    if changes.get("force"):
        changes["force"] = Force.objects.get(code=changes["force"])

    with nothing_written(), pytest.raises(ValidationFailed) as refused:
        new_person(head, **changes)

    assert refused.value.field == field


def test_it_refuses_to_create_a_person_in_another_region(head, north_east):
    with nothing_written(), pytest.raises(PermissionDenied):
        new_person(head, region=north_east, force=None)


@pytest.mark.parametrize("username", ["analyst", "auditor", "national", "outsider"])
def test_it_lets_only_a_people_manager_create_people(persona, username):
    actor = persona(username)

    with nothing_written(), pytest.raises(PermissionDenied):
        new_person(actor, region=actor.region or persona("head").region)


def test_it_accepts_no_vetting_without_an_expiry(head):
    assert new_person(head, vetting=Vetting.NONE, vetting_expires=None).vetting == Vetting.NONE


def test_it_updates_a_person_and_audits_the_change_without_copying_names(head, persona):
    lro = persona("lro")

    services.user_update(actor=head, user=lro, job_title="Superintendent", vetting=Vetting.SC, last_name="Smythe")

    lro.refresh_from_db()
    assert (lro.job_title, lro.vetting, lro.last_name) == ("Superintendent", Vetting.SC, "Smythe")
    changes = last_event().detail["changes"]
    assert changes["job_title"] == ["Detective Superintendent", "Superintendent"]
    assert changes["vetting"] == ["nppv3", "sc"]
    assert changes["last_name"] == "changed"
    assert "Symons" not in str(changes)


def test_it_records_nothing_when_an_update_changes_nothing(head, persona):
    lro = persona("lro")

    with nothing_written():
        services.user_update(actor=head, user=lro, job_title=lro.job_title)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"is_superuser": True}, ValidationFailed),
        ({"password": "x"}, ValidationFailed),
        ({"vetting": Vetting.DV, "vetting_expires": None}, ValidationFailed),
        ({"force": "durham"}, ValidationFailed),
        ({"region": "north-east"}, PermissionDenied),
    ],
)
def test_it_refuses_a_bad_update_and_leaves_the_person_as_they_were(head, persona, changes, error):
    if "force" in changes:
        changes["force"] = Force.objects.get(code=changes["force"])
    if "region" in changes:
        changes["region"] = Region.objects.get(code=changes["region"])

    with nothing_written(), pytest.raises(error):
        services.user_update(actor=head, user=persona("lro"), **changes)

    lro = persona("lro")
    assert (lro.region.code, lro.force.code, lro.vetting) == ("south-west", "dorset", Vetting.NPPV3)
    assert not lro.is_superuser


def test_it_refuses_to_update_someone_in_another_region(head, persona):
    with nothing_written(), pytest.raises(PermissionDenied):
        services.user_update(actor=head, user=persona("outsider"), job_title="Mole")

    assert persona("outsider").job_title != "Mole"


def test_it_sets_roles_and_audits_what_was_added_and_removed(head, persona):
    services.user_set_roles(actor=head, user=persona("lro"), roles=["sio", "analyst"])

    assert sorted(persona("lro").role_names()) == ["analyst", "sio"]
    assert last_event().detail == {"added": ["analyst", "sio"], "removed": ["lro"]}


@pytest.mark.parametrize(
    ("target", "roles", "error"),
    [
        ("lro", ["lro", "god"], ValidationFailed),
        ("head", ["analyst"], ValidationFailed),  # their own head role
        ("outsider", ["rocu_head"], PermissionDenied),
    ],
)
def test_it_refuses_bad_roles_and_changes_none(head, persona, target, roles, error):
    before = sorted(persona(target).role_names())

    with nothing_written(), pytest.raises(error):
        services.user_set_roles(actor=head, user=persona(target), roles=roles)

    assert sorted(persona(target).role_names()) == before


def test_it_deactivates_and_reactivates_with_a_reason(head, persona):
    services.user_set_active(actor=head, user=persona("lro"), active=False, reason="Left the ROCU")
    assert not persona("lro").is_active
    assert (last_event().action, last_event().reason) == ("accounts.user.deactivate", "Left the ROCU")

    services.user_set_active(actor=head, user=persona("lro"), active=True, reason="Came back")
    assert persona("lro").is_active
    assert last_event().action == "accounts.user.activate"


@pytest.mark.parametrize(
    ("target", "reason", "error"),
    [
        ("lro", "  ", ValidationFailed),
        ("head", "Handing over", ValidationFailed),  # themself
        ("outsider", "Suspicious", PermissionDenied),
    ],
)
def test_it_refuses_a_bad_deactivation(head, persona, target, reason, error):
    with nothing_written(), pytest.raises(error):
        services.user_set_active(actor=head, user=persona(target), active=False, reason=reason)

    assert persona(target).is_active


def test_it_takes_every_permission_from_a_deactivated_person(client_for, head, persona):
    client = client_for("lro")
    services.user_set_active(actor=head, user=persona("lro"), active=False, reason="Suspended")

    assert client.get("/groups/").status_code == 302


# --- Accreditations ---------------------------------------------------------------------


def test_it_sets_and_renews_an_accreditation(head, persona):
    lro = persona("lro")

    services.accreditation_set(actor=head, user=lro, kind=AccreditationKind.PIP2, awarded=TODAY)
    assert last_event().category == Category.COLLECTION
    services.accreditation_set(actor=head, user=lro, kind=AccreditationKind.PIP2, awarded=TODAY, expires=NEXT_YEAR)

    assert lro.accreditations.get().expires == NEXT_YEAR
    assert last_event().category == Category.ALTERATION


@pytest.mark.parametrize(
    ("awarded", "expires", "field"),
    [(TODAY + dt.timedelta(days=1), None, "awarded"), (TODAY, TODAY - dt.timedelta(days=1), "expires")],
)
def test_it_refuses_impossible_accreditation_dates(head, persona, awarded, expires, field):
    with nothing_written(), pytest.raises(ValidationFailed) as refused:
        services.accreditation_set(
            actor=head, user=persona("lro"), kind=AccreditationKind.PIP2, awarded=awarded, expires=expires
        )

    assert refused.value.field == field


def test_it_refuses_accreditations_for_another_region(head, persona):
    with nothing_written(), pytest.raises(PermissionDenied):
        services.accreditation_set(actor=head, user=persona("outsider"), kind=AccreditationKind.PIP3, awarded=TODAY)


def test_it_removes_an_accreditation_and_logs_the_erasure_without_the_record(head, persona):
    accreditation = persona("sio").accreditations.get(kind=AccreditationKind.PIP3)

    services.accreditation_remove(actor=head, accreditation=accreditation)

    assert not persona("sio").accreditations.filter(kind=AccreditationKind.PIP3).exists()
    event = last_event()
    assert (event.category, event.detail) == (Category.ERASURE, {"kind": "pip3"})


# --- Need-to-know groups ----------------------------------------------------------------


def test_it_creates_a_group_with_its_creator_as_first_member(head):
    group = services.group_create(actor=head, region=head.region, name="Op Harbour team", purpose="Drugs importation")

    assert list(group.memberships.values_list("user__username", flat=True)) == ["head"]
    assert last_event().action == "accounts.group.create"


@pytest.mark.parametrize(
    ("actor", "region", "name", "error"),
    [
        ("head", "south-west", "OP VIZARDLIKE TEAM", ValidationFailed),
        ("head", "north-east", "Op Tyne team", PermissionDenied),
        ("analyst", "south-west", "Op Harbour team", PermissionDenied),
    ],
)
def test_it_refuses_a_bad_group(persona, actor, region, name, error):
    with nothing_written(), pytest.raises(error):
        services.group_create(actor=persona(actor), region=Region.objects.get(code=region), name=name)


def test_it_adds_and_removes_members(head, persona):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")

    services.group_add_member(actor=head, group=group, user=persona("lro"))
    assert group.memberships.filter(user__username="lro").exists()
    assert last_event().detail == {"user": persona("lro").pk}

    services.group_remove_member(actor=head, group=group, user=persona("lro"))
    assert not group.memberships.filter(user__username="lro").exists()
    assert last_event().action == "accounts.group.remove_member"


@pytest.mark.parametrize(
    ("member", "error"),
    [("analyst", ValidationFailed), ("outsider", ValidationFailed)],  # already in; another region
)
def test_it_refuses_a_bad_new_member(head, persona, member, error):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")

    with nothing_written(), pytest.raises(error):
        services.group_add_member(actor=head, group=group, user=persona(member))


def test_it_refuses_removing_someone_who_is_not_a_member(head, persona):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")

    with nothing_written(), pytest.raises(ValidationFailed):
        services.group_remove_member(actor=head, group=group, user=persona("lro"))


def test_it_lets_only_a_member_who_manages_people_change_membership(head, persona):
    group = services.group_create(actor=head, region=head.region, name="Op Harbour team")
    deputy = new_person(head, username="deputy", roles=["rocu_head"])

    with nothing_written(), pytest.raises(PermissionDenied):
        services.group_add_member(actor=deputy, group=group, user=persona("lro"))
    with nothing_written(), pytest.raises(PermissionDenied):
        services.group_add_member(actor=persona("sio"), group=group, user=persona("lro"))


# --- Units and partners -----------------------------------------------------------------


def test_it_creates_a_unit_and_a_regional_partner(head):
    unit = services.unit_create(actor=head, region=head.region, unit_type=UnitType.CYBER, name="Dark Web Team")
    assert (unit.region, last_event().action) == (head.region, "accounts.unit.create")

    partner = services.partner_create(
        actor=head, name="Torbay Council", kind=PartnerKind.LOCAL_AUTHORITY, region=head.region
    )
    assert (partner.region, last_event().action) == (head.region, "accounts.partner.create")


@pytest.mark.parametrize(
    ("actor", "region", "name", "error"),
    [
        ("head", "south-west", "regional intelligence unit", ValidationFailed),
        ("head", "north-east", "Tyne Cyber", PermissionDenied),
        ("analyst", "south-west", "Dark Web Team", PermissionDenied),
    ],
)
def test_it_refuses_a_bad_unit(persona, actor, region, name, error):
    with nothing_written(), pytest.raises(error):
        services.unit_create(
            actor=persona(actor), region=Region.objects.get(code=region), unit_type=UnitType.CYBER, name=name
        )


@pytest.mark.parametrize(
    ("actor", "region", "name", "error"),
    [
        ("head", "south-west", "BORDER FORCE", ValidationFailed),
        ("head", "north-east", "Durham County Council", PermissionDenied),
        ("head", None, "Crimestoppers", PermissionDenied),  # a national partner is not one region's to add
        ("sio", "south-west", "Torbay Council", PermissionDenied),
    ],
)
def test_it_refuses_a_bad_partner(persona, actor, region, name, error):
    with nothing_written(), pytest.raises(error):
        services.partner_create(
            actor=persona(actor),
            name=name,
            kind=PartnerKind.OTHER,
            region=Region.objects.get(code=region) if region else None,
        )
