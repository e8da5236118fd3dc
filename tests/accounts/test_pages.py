"""The people, group and organisation pages, driven as a browser would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rocu.accounts.models import NeedToKnowGroup, PartnerAgency, Region, RoleAssignment, Unit, User
from rocu.audit.models import AuditEvent, Category

NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


def usernames(response) -> list[str]:
    return [u.username for u in response.context["page"].object_list]


# --- The people list ----------------------------------------------------------------------


def test_it_lists_the_region_s_people_only(client_for, persona):
    response = client_for("head").get("/people/?per_page=100")

    listed = usernames(response)
    assert {"analyst", "sio", "head", "pcc"} <= set(listed)
    assert "outsider" not in listed
    assert "national" not in listed  # no home region
    assert response.context["count"] == User.objects.filter(region__code="south-west").count()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=trelawny", {"sio"}),
        ("q=PRIYA", {"analyst"}),
        ("role=force_soc_lead", {"forcelead"}),
        ("role=rocu_head&active=yes", {"head"}),
        ("active=no", set()),
    ],
)
def test_it_filters_the_people_list(client_for, query, expected):
    listed = set(usernames(client_for("auditor").get(f"/people/?{query}")))

    assert {u for u in listed if not u.startswith("sw.staff")} == expected


def test_it_sorts_and_pages_the_people_list(client_for):
    client = client_for("head")

    first = client.get("/people/?sort=-username&per_page=25")
    second = client.get("/people/?sort=-username&per_page=25&page=2")

    names = usernames(first) + usernames(second)
    assert names == sorted(names, reverse=True)
    assert len(usernames(first)) == 25
    assert not set(usernames(first)) & set(usernames(second))


def test_it_lists_people_in_a_fixed_number_of_queries(client_for, persona, django_assert_max_num_queries):
    client = client_for("head")
    client.get("/people/")
    with django_assert_max_num_queries(15) as few:
        client.get("/people/?per_page=100")
    region = persona("head").region
    for i in range(60):
        user = User.objects.create(username=f"extra{i:03d}", region=region, force=persona("sio").force)
        RoleAssignment.objects.create(user=user, role="analyst")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/people/?per_page=100")

    assert len(usernames(response)) == 100


# --- One person ---------------------------------------------------------------------------


def test_it_audits_a_look_at_someone_else_s_record(client_for, persona):
    response = client_for("auditor").get(f"/people/{persona('sio').pk}/")

    assert response.status_code == 200
    assert b"Megan Trelawny" in response.content
    event = AuditEvent.objects.get(action="accounts.user.view")
    assert (event.category, event.actor_username, event.object_id) == (
        Category.CONSULTATION,
        "auditor",
        str(persona("sio").pk),
    )


def test_it_does_not_audit_people_looking_at_their_own_account(client_for):
    assert client_for("analyst").get("/accounts/me/").status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.user.view").exists()


def test_it_adds_a_person_through_the_form(client_for, persona):
    head = persona("head")
    response = client_for("head").post(
        "/people/new/",
        {
            "username": "new.analyst",
            "first_name": "Ada",
            "last_name": "Vane",
            "email": "ada.vane@rocu.example",
            "region": head.region_id,
            "force": persona("lro").force_id,
            "vetting": "nppv3",
            "vetting_expires": NEXT_YEAR.isoformat(),
            "roles": ["analyst", "disruption_officer"],
        },
    )

    created = User.objects.get(username="new.analyst")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{created.pk}/"
    assert sorted(created.role_names()) == ["analyst", "disruption_officer"]


def test_it_shows_the_service_s_refusal_on_the_form(client_for, persona):
    response = client_for("head").post(
        "/people/new/",
        {
            "username": "new.analyst",
            "first_name": "Ada",
            "last_name": "Vane",
            "email": "ada.vane@rocu.example",
            "region": persona("head").region_id,
            "vetting": "sc",
        },
    )

    assert response.status_code == 200
    assert b"A vetting level needs its expiry date." in response.content
    assert not User.objects.filter(username="new.analyst").exists()


def test_it_offers_only_the_head_s_own_region_on_the_form(client_for, persona):
    north_east = Region.objects.get(code="north-east")

    response = client_for("head").post(
        "/people/new/",
        {"username": "mole", "first_name": "A", "last_name": "B", "email": "a@b.example", "region": north_east.pk},
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="mole").exists()


def test_it_edits_a_person_through_the_form(client_for, persona):
    lro = persona("lro")
    data = {
        "first_name": lro.first_name,
        "last_name": lro.last_name,
        "email": lro.email,
        "job_title": "Detective Chief Superintendent",
        "region": lro.region_id,
        "force": lro.force_id,
        "unit": lro.unit_id,
        "vetting": lro.vetting,
        "vetting_expires": lro.vetting_expires.isoformat(),
    }

    response = client_for("head").post(f"/people/{lro.pk}/edit/", data)

    assert response.status_code == 302
    assert persona("lro").job_title == "Detective Chief Superintendent"
    assert AuditEvent.objects.get(action="accounts.user.update").detail == {
        "changes": {"job_title": ["Detective Superintendent", "Detective Chief Superintendent"]}
    }


def test_it_sets_roles_accreditations_and_activity_from_the_person_page(client_for, persona):
    client = client_for("head")
    lro = persona("lro")

    client.post(f"/people/{lro.pk}/roles/", {"roles": ["lro", "sio"]})
    client.post(f"/people/{lro.pk}/accreditations/", {"kind": "pip3", "awarded": "2023-04-01"})
    client.post(f"/people/{lro.pk}/active/", {"active": "no", "reason": "Suspended pending review"})

    lro = persona("lro")
    assert sorted(lro.role_names()) == ["lro", "sio"]
    assert lro.accreditations.get().kind == "pip3"
    assert not lro.is_active
    accreditation = lro.accreditations.get()
    client.post(f"/people/{lro.pk}/accreditations/{accreditation.pk}/remove/")
    assert not lro.accreditations.exists()


def test_it_refuses_to_let_the_head_deactivate_themself_from_the_page(client_for, persona):
    head = persona("head")

    response = client_for("head").post(f"/people/{head.pk}/active/", {"active": "no", "reason": "Leaving"}, follow=True)

    assert b"You cannot deactivate your own account." in response.content
    assert persona("head").is_active


# --- Groups and organisations ------------------------------------------------------------


def test_it_creates_a_group_and_changes_its_members_from_the_page(client_for, persona):
    client = client_for("head")

    response = client.post("/groups/", {"name": "Op Harbour team", "purpose": "Cocaine importation"})
    group = NeedToKnowGroup.objects.get(name="Op Harbour team")
    assert response["Location"] == f"/groups/{group.pk}/"

    client.post(f"/groups/{group.pk}/", {"user": persona("lro").pk})
    assert set(group.memberships.values_list("user__username", flat=True)) == {"head", "lro"}
    client.post(f"/groups/{group.pk}/", {"remove": persona("lro").pk})
    assert set(group.memberships.values_list("user__username", flat=True)) == {"head"}


def test_it_does_not_offer_people_of_another_region_as_members(client_for, persona):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")

    response = client_for("head").post(f"/groups/{group.pk}/", {"user": persona("outsider").pk})

    assert response.status_code == 200
    assert not group.memberships.filter(user__username="outsider").exists()


def test_it_adds_units_and_partners_from_the_organisations_page(client_for, persona):
    client = client_for("head")

    client.post("/organisations/", {"form": "unit", "unit-name": "Dark Web Team", "unit-unit_type": "cyber"})
    client.post("/organisations/", {"form": "partner", "partner-name": "Torbay Council", "partner-kind": "other"})

    assert Unit.objects.get(name="Dark Web Team").region == persona("head").region
    assert PartnerAgency.objects.get(name="Torbay Council").region == persona("head").region


def test_it_shows_a_refused_national_partner_as_a_form_error(client_for):
    response = client_for("head").post(
        "/organisations/",
        {"form": "partner", "partner-name": "Crimestoppers", "partner-kind": "charity", "partner-national": "on"},
    )

    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not PartnerAgency.objects.filter(name="Crimestoppers").exists()
