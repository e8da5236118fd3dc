"""Odd, over-long and malformed input gets a page that says so, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from rocu.accounts.models import NeedToKnowGroup, User
from rocu.audit.models import AuditEvent
from tests.conftest import sign_in

LONG = "x" * 20_000
QUERIES = [
    f"q={LONG}",
    "q=%00",
    "q=%ff%fe",
    "q=%27%3B%20DROP%20TABLE%20accounts_user%3B--",
    "page=abc",
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "per_page=0",
    "per_page=1000000",
    "per_page=abc",
    f"sort={LONG}",
    "sort=-password",
    "sort=__class__",
    "role=superuser",
    "active=maybe",
    "category=bogus",
    "actor=%00",
    f"actor={LONG}",
    f"action={LONG}",
    f"object_id={LONG}",
    "date_from=2024-13-45",
    "date_to=yesterday",
    "date_from=2024-02-01&date_to=2024-01-01",
    "date_from=99999-01-01",
    "q=a&q=b&page=1&page=2",
    "unknown=1",
]
LIST_PAGES = [
    ("head", "/people/"),
    ("auditor", "/people/"),
    ("auditor", "/audit/"),
    ("head", "/groups/"),
    ("analyst", "/organisations/"),
    ("analyst", "/"),
]


@pytest.mark.parametrize(("username", "url"), LIST_PAGES)
@pytest.mark.parametrize("query", QUERIES)
def test_it_never_fails_on_odd_query_parameters(client_for, username, url, query):
    response = client_for(username).get(f"{url}?{query}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("head", "/people/99999999999999999999999/"),
        ("head", "/people/99999999999999999999999/edit/"),
        ("head", "/groups/99999999999999999999999/"),
        ("head", "/jobs/99999999999999999999999/"),
        ("head", "/people/-1/"),
        ("head", "/people/abc/"),
        ("auditor", "/audit/nothing-here/"),
        (None, "/no-such-page/"),
    ],
)
def test_it_answers_not_found_for_ids_it_cannot_hold(client_for, username, url):
    response = client_for(username).get(url)

    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize(
    ("username", "url", "data"),
    [
        ("head", "/people/new/", {"username": "x" * 500, "email": "not-an-email", "region": "abc"}),
        ("head", "/people/new/", {"username": "ok.name", "vetting": "nppv9", "vetting_expires": "31/02/2024"}),
        ("head", "/groups/", {"name": "x" * 500}),
        ("head", "/organisations/", {"form": "unit", "unit-name": "x" * 500, "unit-unit_type": "spaceship"}),
        ("head", "/organisations/", {"form": "partner", "partner-name": "", "partner-kind": "x"}),
        ("head", "/groups/{group}/", {"user": "not-a-number"}),
        ("head", "/groups/{group}/", {"user": "99999999999999999999999"}),
    ],
)
def test_it_shows_form_errors_for_bad_form_input(client_for, username, url, data):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")

    client = client_for(username)
    written = AuditEvent.objects.count()

    response = client.post(url.format(group=group.pk), data)

    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert AuditEvent.objects.count() == written


@pytest.mark.parametrize(
    ("url", "data", "status"),
    [
        ("/people/{sio}/roles/", {"roles": ["god"]}, 302),
        ("/people/{sio}/accreditations/", {"kind": "pip9", "awarded": "last tuesday"}, 302),
        ("/people/{sio}/active/", {"active": "no", "reason": "x" * 5000}, 302),
        ("/groups/{group}/", {"remove": "abc"}, 200),
        ("/groups/{group}/", {"remove": "²"}, 200),
        ("/groups/{group}/", {"remove": "99999999999999999999999"}, 200),
        ("/groups/{group}/", {"remove": "{outsider}"}, 200),
    ],
)
def test_it_turns_bad_posts_to_small_forms_into_a_message_and_changes_nothing(client_for, persona, url, data, status):
    group = NeedToKnowGroup.objects.get(name="Op Vizardlike team")
    ids = {"sio": persona("sio").pk, "outsider": persona("outsider").pk, "group": group.pk}
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in data.items()}
    before = snapshot(persona("sio"), group)

    response = client_for("head").post(url.format(**ids), data)

    assert response.status_code == status
    assert snapshot(persona("sio"), group) == before
    assert persona("sio").is_active


def snapshot(person: User, group: NeedToKnowGroup) -> tuple[object, ...]:
    return (
        person.is_active,
        sorted(person.role_names()),
        sorted(person.accreditations.values_list("kind", flat=True)),
        sorted(group.memberships.values_list("user_id", flat=True)),
    )


def test_it_shows_the_styled_page_when_the_csrf_check_fails(persona):
    client = sign_in(Client(enforce_csrf_checks=True), persona("head"))

    response = client.post("/groups/", {"name": "Op Harbour team"})

    assert response.status_code == 403
    assert b"The form could not be sent" in response.content
    assert b"Nothing was saved" in response.content
    assert not NeedToKnowGroup.objects.filter(name="Op Harbour team").exists()


def test_it_refuses_a_sign_in_without_its_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/sign-in/", {"username": "head", "password": "anything-at-all"}
    )

    assert response.status_code == 403
    assert b"The form could not be sent" in response.content
