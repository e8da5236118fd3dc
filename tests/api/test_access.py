"""The API access matrix: every foundation endpoint, list and detail, against every actor.

Each persona is asked twice, once through a browser session (second factor done) and
once with a bearer token made by `rocu api-token create`: the answer must not depend
on how the caller signed in. Records of another region answer the same 404 as missing
ones; a whole area a role may not use answers 403.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import resolve

from rocu.accounts.models import (
    Force,
    GroupMembership,
    NeedToKnowGroup,
    PartnerAgency,
    Region,
    Unit,
    User,
)
from rocu.api.urls import router
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from tests.api.conftest import assert_problem
from tests.conftest import PERSONAS

ACTORS: list[str | None] = [*PERSONAS, None]
MISSING = 999_999_999

# Each row: a URL, then the status each actor gets, in this order:
#   analyst disruption sio lro head forcelead pcc national auditor outsider anonymous
TABLE = [
    ("/api/v1/me/", "                      200 200 200 200 200 200 200 200 200 200 401"),
    # Organisations are reference data: every signed-in user reads every region's.
    ("/api/v1/regions/", "                 200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/regions/{sw_region}/", "     200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/regions/{ne_region}/", "     200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/regions/{missing}/", "       404 404 404 404 404 404 404 404 404 404 401"),
    ("/api/v1/forces/", "                  200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/forces/?region={sw_region}", "200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/forces/{sw_force}/", "       200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/forces/{ne_force}/", "       200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/forces/{missing}/", "        404 404 404 404 404 404 404 404 404 404 401"),
    ("/api/v1/units/", "                   200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/units/{sw_unit}/", "         200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/units/{missing}/", "         404 404 404 404 404 404 404 404 404 404 401"),
    ("/api/v1/partners/", "                200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/partners/{sw_partner}/", "   200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/partners/{nat_partner}/", "  200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/partners/{missing}/", "      404 404 404 404 404 404 404 404 404 404 401"),
    # People: the head manages them and the auditor investigates them; everyone else
    # sees only their own record, and nobody sees another region's people.
    ("/api/v1/people/", "                  403 403 403 403 200 403 403 403 200 403 401"),
    ("/api/v1/people/?role=sio", "         403 403 403 403 200 403 403 403 200 403 401"),
    ("/api/v1/people/{sio}/", "            404 404 200 404 200 404 404 404 200 404 401"),
    ("/api/v1/people/{head}/", "           404 404 404 404 200 404 404 404 200 404 401"),
    ("/api/v1/people/{outsider}/", "       404 404 404 404 404 404 404 404 404 200 401"),
    ("/api/v1/people/{ne_person}/", "      404 404 404 404 404 404 404 404 404 404 401"),
    ("/api/v1/people/{missing}/", "        404 404 404 404 404 404 404 404 404 404 401"),
    # Need-to-know groups: members and the head see a group; the rest are told it
    # does not exist. The list answers every signed-in user, with only what they may see.
    ("/api/v1/groups/", "                  200 200 200 200 200 200 200 200 200 200 401"),
    ("/api/v1/groups/{sw_group}/", "       200 404 200 404 200 404 404 404 404 404 401"),
    ("/api/v1/groups/{ne_group}/", "       404 404 404 404 404 404 404 404 404 200 401"),
    ("/api/v1/groups/{missing}/", "        404 404 404 404 404 404 404 404 404 404 401"),
    # The audit trail is the auditor's, and only their region's events.
    ("/api/v1/audit/events/", "            403 403 403 403 403 403 403 403 200 403 401"),
    ("/api/v1/audit/events/?category=consultation", "403 403 403 403 403 403 403 403 200 403 401"),
    ("/api/v1/audit/events/{sw_event}/", " 403 403 403 403 403 403 403 403 200 403 401"),
    ("/api/v1/audit/events/{ne_event}/", " 403 403 403 403 403 403 403 403 404 403 401"),
    ("/api/v1/audit/events/{missing}/", "  403 403 403 403 403 403 403 403 404 403 401"),
]

# Wrong methods: the API is read-only here.
WRITES = [
    ("POST", "/api/v1/me/"),
    ("POST", "/api/v1/regions/"),
    ("PUT", "/api/v1/regions/{sw_region}/"),
    ("PATCH", "/api/v1/forces/{sw_force}/"),
    ("DELETE", "/api/v1/units/{sw_unit}/"),
    ("POST", "/api/v1/partners/"),
    ("POST", "/api/v1/people/"),
    ("DELETE", "/api/v1/people/{sio}/"),
    ("POST", "/api/v1/groups/"),
    ("DELETE", "/api/v1/audit/events/{sw_event}/"),
]


def cases() -> list[Any]:
    params = []
    for url, answers in TABLE:
        words = answers.split()
        assert len(words) == len(ACTORS), url
        for actor, expected in zip(ACTORS, words, strict=True):
            transports = ["session", "bearer"] if actor else ["anonymous"]
            for transport in transports:
                params.append(
                    pytest.param(url, actor, transport, int(expected), id=f"{url} {actor or 'anonymous'} {transport}")
                )
    return params


@pytest.fixture
def records(persona: Any) -> dict[str, int]:
    sw = Region.objects.get(code="south-west")
    ne = Region.objects.get(code="north-east")
    outsider = persona("outsider")
    ne_person = User.objects.create(username="ne.colleague", region=ne, first_name="Nia", last_name="Holt")
    ne_group = NeedToKnowGroup.objects.create(region=ne, name="Op Northern Light", purpose="North East only")
    GroupMembership.objects.create(group=ne_group, user=outsider)
    sw_event = audit_record(actor=persona("head"), category=Category.ALTERATION, action="tests.sw", region_id=sw.pk)
    ne_event = audit_record(actor=outsider, category=Category.ALTERATION, action="tests.ne", region_id=ne.pk)
    return {
        "sw_region": sw.pk,
        "ne_region": ne.pk,
        "sw_force": Force.objects.get(code="devon-cornwall").pk,
        "ne_force": Force.objects.get(code="northumbria").pk,
        "sw_unit": Unit.objects.filter(region=sw).first().pk,
        "sw_partner": PartnerAgency.objects.get(name="Plymouth City Council").pk,
        "nat_partner": PartnerAgency.objects.get(name="Border Force").pk,
        "sio": persona("sio").pk,
        "head": persona("head").pk,
        "outsider": outsider.pk,
        "ne_person": ne_person.pk,
        "sw_group": NeedToKnowGroup.objects.get(name="Op Vizardlike team").pk,
        "ne_group": ne_group.pk,
        "sw_event": sw_event.seq,
        "ne_event": ne_event.seq,
        "missing": MISSING,
    }


@pytest.mark.parametrize(("url", "actor", "transport", "expected"), cases())
def test_it_answers_each_actor_exactly(api_for, records, url, actor, transport, expected):
    response = api_for(actor, transport).get(url.format(**records))
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected == 200:
        assert response["Content-Type"] == "application/json"
    else:
        assert_problem(response, expected)
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("transport", ["session", "bearer"])
@pytest.mark.parametrize(("method", "url"), WRITES)
def test_it_refuses_writes_with_405(api_for, records, method, url, transport):
    response = api_for("head", transport).generic(method, url.format(**records))
    body = assert_problem(response, 405)
    assert method in body["detail"]
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_it_asks_anonymous_writers_to_sign_in(api_for, records, method, url):
    assert_problem(api_for(None).generic(method, url.format(**records)), 401)


def test_it_covers_every_foundation_endpoint():
    """Every route of accounts/api.py and audit/api.py, list and detail, is in the table."""
    foundation = {"rocu.accounts.api", "rocu.audit.api"}
    wanted = {"api-me"}
    for _prefix, viewset, basename in router.registry:
        if viewset.__module__ in foundation:
            wanted |= {f"{basename}-list", f"{basename}-detail"}
    covered = {resolve(url.format_map(_Ones()).split("?")[0]).url_name for url, _ in TABLE}
    assert wanted <= covered, wanted - covered


class _Ones(dict[str, int]):
    def __missing__(self, key: str) -> int:
        return 1


@pytest.mark.parametrize("transport", ["session", "bearer"])
@pytest.mark.parametrize("username", PERSONAS)
def test_me_returns_the_callers_user_roles_permissions_and_scope(api_for, persona, username, transport):
    user = persona(username)
    body = api_for(username, transport).get("/api/v1/me/").json()
    assert body["id"] == user.pk
    assert body["username"] == username
    assert body["name"] == user.display_name
    assert body["roles"] == sorted(user.role_names())
    assert body["permissions"] == sorted(policy.permissions_for(user))
    scope = body["scope"]
    assert scope["region"] == user.region_id
    assert scope["force"] == user.force_id
    assert scope["all_regions"] is (username == "national")
    assert scope["force_bound"] is (username in ("forcelead", "pcc"))
    assert scope["vetting"] == user.vetting
    assert scope["vetting_expires"] == user.vetting_expires.isoformat()
    assert isinstance(scope["classifications"], list)


@pytest.mark.parametrize("username", ["pcc", "national"])
def test_aggregate_roles_never_hold_a_permission_that_reveals_people(api_for, username):
    permissions = set(api_for(username, "bearer").get("/api/v1/me/").json()["permissions"])
    assert not permissions & {"people.view", "people.manage", "personal_data.view", "audit.view", "audit.export"}
    assert not permissions & policy.PERSONAL_PERMS


@pytest.mark.parametrize("transport", ["session", "bearer"])
@pytest.mark.parametrize("username", ["pcc", "national"])
def test_aggregate_roles_never_get_people_or_audit_data(api_for, persona, records, username, transport):
    client = api_for(username, transport)
    assert_problem(client.get("/api/v1/people/"), 403)
    assert_problem(client.get("/api/v1/audit/events/"), 403)
    for other in ("sio", "head", "outsider", "ne_person"):
        assert_problem(client.get(f"/api/v1/people/{records[other]}/"), 404)
    assert_problem(client.get(f"/api/v1/audit/events/{records['sw_event']}/"), 403)
    groups = client.get("/api/v1/groups/").json()
    assert (groups["count"], groups["results"]) == (0, [])
    # Nothing they can list names anyone: no username, no e-mail address.
    for url in ("/api/v1/regions/", "/api/v1/forces/", "/api/v1/units/", "/api/v1/partners/", "/api/v1/groups/"):
        text = client.get(url, {"page_size": 200}).content.decode()
        assert "@rocu.example" not in text, url
        for name in ("analyst", "sio", "Trelawny", "Carter", "Walsh"):
            assert f'"{name}"' not in text, (url, name)


def test_the_head_sees_only_their_regions_people(api_for, persona):
    body = api_for("head", "bearer").get("/api/v1/people/", {"page_size": 200}).json()
    region = persona("head").region_id
    assert body["count"] == User.objects.filter(region_id=region).count()
    assert {p["region"] for p in body["results"]} == {region}
    assert "outsider" not in {p["username"] for p in body["results"]}


def test_the_auditor_sees_only_their_regions_events(api_for, persona, records):
    body = api_for("auditor", "bearer").get("/api/v1/audit/events/", {"page_size": 200}).json()
    region = persona("auditor").region_id
    assert body["count"] > 0
    assert {e["region_id"] for e in body["results"]} <= {region, None}
    assert records["ne_event"] not in {e["seq"] for e in body["results"]}


def test_group_members_are_hidden_from_the_head_who_is_not_one(api_for, persona):
    """The head sees every group of the region by name, to manage it, but not who is in it."""
    sio = persona("sio")
    group = NeedToKnowGroup.objects.create(region=sio.region, name="Op Quiet", purpose="SIO only")
    GroupMembership.objects.create(group=group, user=sio)
    as_head = api_for("head", "bearer").get(f"/api/v1/groups/{group.pk}/").json()
    assert (as_head["name"], as_head["members"]) == ("Op Quiet", None)
    as_sio = api_for("sio", "bearer").get(f"/api/v1/groups/{group.pk}/").json()
    assert as_sio["members"] == [sio.pk]
    assert_problem(api_for("lro", "bearer").get(f"/api/v1/groups/{group.pk}/"), 404)


def test_a_session_without_its_second_factor_is_refused(persona):
    """Signed in with a password only: the API refuses until the code is typed."""
    from django.test import Client

    client = Client()
    client.force_login(persona("sio"))
    body = assert_problem(client.get("/api/v1/me/"), 403)
    assert "authenticator" in body["detail"]
    client = Client()
    client.force_login(persona("pcc"))  # no second factor needed for aggregates
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    ("username", "other_region", "missing"),
    [
        ("head", "/api/v1/people/{outsider}/", "/api/v1/people/{missing}/"),
        ("auditor", "/api/v1/people/{ne_person}/", "/api/v1/people/{missing}/"),
        ("auditor", "/api/v1/audit/events/{ne_event}/", "/api/v1/audit/events/{missing}/"),
        ("head", "/api/v1/groups/{ne_group}/", "/api/v1/groups/{missing}/"),
        ("outsider", "/api/v1/groups/{sw_group}/", "/api/v1/groups/{missing}/"),
    ],
)
def test_another_regions_record_looks_exactly_like_a_missing_one(api_for, records, username, other_region, missing):
    client = api_for(username, "bearer")
    hidden, absent = client.get(other_region.format(**records)), client.get(missing.format(**records))
    assert (hidden.status_code, hidden.json()) == (absent.status_code, absent.json())
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == absent["Content-Type"]


@pytest.mark.parametrize("username", ["pcc", "national"])
def test_no_endpoint_gives_aggregate_roles_an_email_address(api_for, username):
    """Every GET the schema lists, later apps' too: nothing that reaches a person."""
    client = api_for(username, "bearer")
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in schema["paths"]:
        if "get" not in schema["paths"][path]:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.get(url)
        assert response.status_code < 500, url
        assert "@rocu.example" not in response.content.decode(), url
