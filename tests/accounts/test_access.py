"""Who may reach each sign-in, people, organisation and group page, with the exact answer.

Records are the South West's (the head's region): `{person}` is the SIO, `{acc}` their
PIP3 accreditation, `{group}` the Op Vizardlike need-to-know group (members: sio, head,
analyst). `{elsewhere}` is the outsider, a person of the North East ROCU: people who may
see people get the same 404 for them as for an id that does not exist.
"""

from __future__ import annotations

import pytest

from rocu.accounts import urls
from rocu.accounts.models import AccreditationKind, NeedToKnowGroup
from tests.core.matrix import check, covered_names, expand, route_names

ROLES = {"roles": ["sio"]}
ACTIVE = {"active": "yes", "reason": "Back from secondment"}
ACCREDITATION = {"kind": "pip2", "awarded": "2020-01-01"}

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("302 302 302 302 302 302 302 302 302 302 200", "GET", "/accounts/sign-in/"),
    ("405 405 405 405 405 405 405 405 405 405 405", "GET", "/accounts/sign-out/"),
    ("LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG", "POST", "/accounts/sign-out/"),
    # Everyone here has passed (or does not need) the second factor, so it sends them on.
    ("302 302 302 302 302 302 302 302 302 302 LOG", "GET", "/accounts/two-factor/"),
    ("405 405 405 405 405 405 405 405 405 405 LOG", "PUT", "/accounts/two-factor/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", "/accounts/me/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", "/organisations/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "POST", "/organisations/", {"form": "unit"}),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/people/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/people/new/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "POST", "/people/new/", {}),
    ("403 403 403 403 200 403 403 403 200 403 LOG", "GET", "/people/{person}/"),
    ("403 403 403 403 404 403 403 403 404 403 LOG", "GET", "/people/{elsewhere}/"),
    ("403 403 403 403 404 403 403 403 404 403 LOG", "GET", "/people/999999999/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/people/{person}/edit/"),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "GET", "/people/{elsewhere}/edit/"),
    ("403 403 403 403 405 403 403 403 403 403 LOG", "GET", "/people/{person}/roles/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/people/{person}/roles/", ROLES),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "POST", "/people/{elsewhere}/roles/", ROLES),
    ("403 403 403 403 405 403 403 403 403 403 LOG", "GET", "/people/{person}/accreditations/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/people/{person}/accreditations/", ACCREDITATION),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "POST", "/people/{elsewhere}/accreditations/", ACCREDITATION),
    ("403 403 403 403 405 403 403 403 403 403 LOG", "GET", "/people/{person}/accreditations/{acc}/remove/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/people/{person}/accreditations/{acc}/remove/", {}),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "POST", "/people/{person}/accreditations/999999999/remove/", {}),
    ("403 403 403 403 405 403 403 403 403 403 LOG", "GET", "/people/{person}/active/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/people/{person}/active/", ACTIVE),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "POST", "/people/{elsewhere}/active/", ACTIVE),
    ("200 200 200 200 200 200 403 403 403 200 LOG", "GET", "/groups/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "POST", "/groups/", {}),
    # Non-members are told the group does not exist; members who may not manage cannot change it.
    ("200 404 200 404 200 404 403 403 403 404 LOG", "GET", "/groups/{group}/"),
    ("404 404 404 404 200 404 403 403 403 404 LOG", "POST", "/groups/{group}/", {}),
    ("404 404 404 404 404 404 403 403 403 404 LOG", "GET", "/groups/999999999/"),
]


@pytest.fixture
def records(persona):
    sio = persona("sio")
    return {
        "person": sio.pk,
        "acc": sio.accreditations.get(kind=AccreditationKind.PIP3).pk,
        "elsewhere": persona("outsider").pk,
        "group": NeedToKnowGroup.objects.get(name="Op Vizardlike team").pk,
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "accounts") == route_names(urls)
