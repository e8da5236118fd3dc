"""The one access policy: default deny, vetting against classification, need-to-know,
personal data only for operational roles in date, aggregates only for PCC and national."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rocu.accounts import selectors
from rocu.accounts.models import Force, NeedToKnowGroup, Region, RoleAssignment, User
from rocu.core import policy
from rocu.core.classification import Classification, Vetting
from rocu.core.errors import NotFound
from rocu.core.policy import AGGREGATE_ONLY_ROLES, PERSONAL_PERMS, ROLE_PERMISSIONS, Perm, Role
from rocu.intelligence.models import DataSubjectCategory, Nominal

TODAY = timezone.localdate()
OF, OS, S, TS = (
    Classification.OFFICIAL,
    Classification.OFFICIAL_SENSITIVE,
    Classification.SECRET,
    Classification.TOP_SECRET,
)


def fresh(username: str) -> User:
    """A new instance, so the policy's per-request caches start empty."""
    return User.objects.get(username=username)


def revet(username: str, vetting: str, expires: dt.date | None) -> User:
    User.objects.filter(username=username).update(vetting=vetting, vetting_expires=expires)
    return fresh(username)


def give_roles(username: str, *roles: str) -> User:
    user = fresh(username)
    RoleAssignment.objects.filter(user=user).delete()
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in roles)
    return fresh(username)


@pytest.fixture
def nominals(persona):
    """One South West person record at each classification, and one in the Op Vizardlike group."""
    sw = Region.objects.get(code="south-west")
    made = {}
    for n, (label, classification, group) in enumerate(
        [
            ("official", OF, None),
            ("sensitive", OS, None),
            ("secret", S, None),
            ("top-secret", TS, None),
            ("need-to-know", OF, NeedToKnowGroup.objects.get(name="Op Vizardlike team")),
        ]
    ):
        made[label] = Nominal.objects.create(
            region=sw,
            reference=f"TEST-{n:04d}",
            classification=classification,
            need_to_know_group=group,
            subject_category=DataSubjectCategory.SUSPECT,
            surname=label.title(),
            created_by=persona("head"),
        )
    return made


def visible(user: User, records: dict[str, Nominal]) -> set[str]:
    pks = set(
        policy.restrict(
            user, Nominal.objects.filter(pk__in=[n.pk for n in records.values()]), Perm.PERSONAL_DATA_VIEW
        ).values_list("pk", flat=True)
    )
    return {label for label, n in records.items() if n.pk in pks}


# --- Default deny ------------------------------------------------------------------------


def test_it_grants_nothing_to_an_anonymous_visitor():
    from django.contrib.auth.models import AnonymousUser

    assert policy.permissions_for(AnonymousUser()) == frozenset()
    assert not policy.requires_two_factor(AnonymousUser())


def test_it_grants_nothing_to_a_person_without_roles(db):
    user = give_roles("analyst")

    assert policy.permissions_for(user) == frozenset()
    assert list(policy.restrict(user, Region.objects.all(), Perm.ORGANISATIONS_VIEW)) == []


def test_it_grants_nothing_to_an_inactive_person(db):
    User.objects.filter(username="head").update(is_active=False)

    assert policy.permissions_for(fresh("head")) == frozenset()


def test_it_refuses_a_model_that_declares_no_policy(persona):
    with pytest.raises(TypeError, match="declares no PolicyFields"):
        policy.restrict(persona("head"), RoleAssignment.objects.all(), Perm.PEOPLE_VIEW)


# --- Vetting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vetting", "reached"),
    [
        (Vetting.NONE, set()),
        (Vetting.NPPV1, set()),
        (Vetting.NPPV2_ABBREVIATED, {OF}),
        (Vetting.NPPV2, {OF}),
        (Vetting.NPPV3, {OF, OS}),
        (Vetting.SC, {OF, OS, S}),
        (Vetting.ESC, {OF, OS, S}),
        (Vetting.DV, {OF, OS, S, TS}),
    ],
)
def test_it_lets_vetting_reach_classifications_as_domain_md_says(db, vetting, reached):
    user = revet("disruption", vetting, TODAY + dt.timedelta(days=30))

    assert set(policy.scope_for(user).classifications) == reached


@pytest.mark.parametrize(
    ("vetting", "seen"),
    [
        (Vetting.NPPV1, set()),
        (Vetting.NPPV2, {"official"}),
        (Vetting.NPPV3, {"official", "sensitive"}),
        (Vetting.SC, {"official", "sensitive", "secret"}),
        (Vetting.DV, {"official", "sensitive", "secret", "top-secret"}),
    ],
)
def test_it_shows_records_only_up_to_the_vetting(nominals, vetting, seen):
    assert visible(revet("disruption", vetting, TODAY), nominals) == seen


@pytest.mark.parametrize("expires", [TODAY - dt.timedelta(days=1), None])
def test_it_withdraws_personal_data_when_vetting_has_lapsed(client_for, nominals, expires):
    head = revet("head", Vetting.DV, expires)

    assert not (policy.permissions_for(head) & PERSONAL_PERMS)
    assert Perm.PEOPLE_MANAGE in policy.permissions_for(head)
    assert policy.scope_for(head).classifications == ()
    assert visible(head, nominals) == set()
    assert client_for("head").get("/people/").status_code == 403


def test_it_still_counts_vetting_that_expires_today(nominals):
    head = revet("head", Vetting.DV, TODAY)

    assert Perm.PERSONAL_DATA_VIEW in policy.permissions_for(head)
    assert "top-secret" in visible(head, nominals)


# --- Personal data and aggregates -----------------------------------------------------


@pytest.mark.parametrize("roles", [(Role.PCC_OFFICE,), (Role.NATIONAL_LEAD,), (Role.PCC_OFFICE, Role.NATIONAL_LEAD)])
def test_it_never_gives_an_aggregate_only_role_personal_data(nominals, roles):
    give_roles("pcc", *roles)
    user = revet("pcc", Vetting.DV, TODAY + dt.timedelta(days=365))

    perms = policy.permissions_for(user)
    assert Perm.AGGREGATES_VIEW in perms
    assert Perm.PERSONAL_DATA_VIEW not in perms
    assert Perm.PEOPLE_VIEW not in perms
    assert visible(user, nominals) == set()
    assert not policy.restrict(user, User.objects.exclude(pk=user.pk), Perm.PEOPLE_VIEW).exists()


def test_it_strips_personal_data_from_an_aggregate_role_even_if_granted_by_mistake(monkeypatch, persona):
    for role in AGGREGATE_ONLY_ROLES:
        monkeypatch.setitem(ROLE_PERMISSIONS, role, ROLE_PERMISSIONS[role] | PERSONAL_PERMS)

    for username in ("pcc", "national"):
        assert not (policy.permissions_for(persona(username)) & PERSONAL_PERMS)


@pytest.mark.parametrize("username", ["analyst", "disruption", "sio", "lro", "head", "forcelead", "outsider"])
def test_it_gives_operational_roles_personal_data_and_a_second_factor(persona, username):
    user = persona(username)

    assert Perm.PERSONAL_DATA_VIEW in policy.permissions_for(user)
    assert policy.requires_two_factor(user)


@pytest.mark.parametrize(("username", "needed"), [("pcc", False), ("national", False), ("auditor", True)])
def test_it_asks_for_a_second_factor_by_role(persona, username, needed):
    assert policy.requires_two_factor(persona(username)) is needed


# --- Region and force scope -----------------------------------------------------------


def test_it_keeps_an_operational_role_to_its_region(nominals, persona):
    assert visible(persona("outsider"), nominals) == set()
    assert visible(persona("analyst"), nominals) >= {"official", "sensitive", "secret"}


def test_it_binds_a_force_soc_lead_to_their_force(persona):
    forcelead = persona("forcelead")
    scope = policy.scope_for(forcelead)
    devon = Force.objects.get(code="devon-cornwall")

    assert (scope.force_bound, scope.force_id) == (True, devon.pk)
    seen = policy.restrict(forcelead, User.objects.all(), Perm.ORGANISATIONS_VIEW)
    assert seen.exists()
    assert set(seen.values_list("force_id", flat=True)) == {devon.pk}
    # An analyst of the same region is not bound to one force.
    everyone = policy.restrict(persona("analyst"), User.objects.all(), Perm.ORGANISATIONS_VIEW)
    assert everyone.exclude(force=devon).exists()


def test_it_unbinds_a_force_soc_lead_who_also_holds_a_regional_role(db):
    user = give_roles("forcelead", Role.FORCE_SOC_LEAD, Role.ANALYST)

    assert not policy.scope_for(user).force_bound


def test_it_lets_the_national_lead_see_every_region(persona):
    national = persona("national")

    assert policy.scope_for(national).all_regions
    regions = policy.restrict(national, User.objects.all(), Perm.ORGANISATIONS_VIEW).values_list(
        "region__code", flat=True
    )
    assert {"south-west", "north-east"} <= set(regions)


def test_it_answers_the_same_not_found_for_forbidden_and_missing_records(persona):
    head = persona("head")

    with pytest.raises(NotFound) as forbidden:
        policy.get_visible(head, User.objects.all(), Perm.PEOPLE_VIEW, pk=persona("outsider").pk)
    with pytest.raises(NotFound) as missing:
        policy.get_visible(head, User.objects.all(), Perm.PEOPLE_VIEW, pk=999_999_999)
    with pytest.raises(NotFound):
        policy.get_visible(head, User.objects.all(), Perm.PEOPLE_VIEW, pk="not-a-number")

    assert (forbidden.value.status, forbidden.value.message) == (missing.value.status, missing.value.message)


def test_it_always_lets_people_see_their_own_record(persona):
    for username in ("analyst", "pcc", "national", "outsider"):
        user = persona(username)
        assert policy.get_visible(user, User.objects.all(), Perm.PEOPLE_VIEW, pk=user.pk) == user


# --- Need-to-know ------------------------------------------------------------------------


def test_it_shows_a_need_to_know_record_to_members_only(nominals, persona):
    assert "need-to-know" in visible(persona("analyst"), nominals)  # a member
    assert "need-to-know" not in visible(persona("disruption"), nominals)
    assert "need-to-know" not in visible(persona("lro"), nominals)
    assert "official" in visible(persona("lro"), nominals)


def test_it_hides_a_group_and_its_membership_from_non_members(client_for, persona):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")
    disruption = persona("disruption")

    assert group not in selectors.groups_list(user=disruption)
    with pytest.raises(NotFound):
        selectors.group_get(user=disruption, pk=group.pk)
    assert not selectors.group_members(user=disruption, group=group).exists()
    assert b"Op Vizardlike" not in client_for("disruption").get("/groups/").content


def test_it_names_a_group_but_hides_its_members_from_a_manager_outside_it(client_for, persona):
    deputy = User.objects.create(
        username="deputy", region=persona("head").region, vetting=Vetting.SC, vetting_expires=TODAY
    )
    RoleAssignment.objects.create(user=deputy, role=Role.ROCU_HEAD)
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")
    client = client_for("deputy")

    page = client.get(f"/groups/{group.pk}/")

    assert page.status_code == 200
    assert b"Op Vizardlike team" in page.content
    assert b"membership is hidden" in page.content
    for member in ("Trelawny", "Penrose", "Carter"):  # sio, analyst, head
        assert member.encode() not in page.content
    # Nor does a member's own page give their groups away.
    assert b"Op Vizardlike" not in client.get(f"/people/{persona('sio').pk}/").content
    # A member sees who else is in it.
    assert b"Trelawny" in client_for("analyst").get(f"/groups/{group.pk}/").content
