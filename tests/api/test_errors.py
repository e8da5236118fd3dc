"""Every API error is application/problem+json, and bad input is never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import assert_problem
from tests.conftest import sign_in

# Each foundation list, with a persona that may read it.
LISTS = [
    ("/api/v1/regions/", "analyst"),
    ("/api/v1/forces/", "analyst"),
    ("/api/v1/units/", "analyst"),
    ("/api/v1/partners/", "analyst"),
    ("/api/v1/people/", "head"),
    ("/api/v1/groups/", "sio"),
    ("/api/v1/audit/events/", "auditor"),
]


@pytest.fixture(scope="module")
def schema_operations(django_db_setup: None, django_db_blocker: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation the published schema lists."""
    with django_db_blocker.unblock():
        raw = Client().get("/api/schema/", {"format": "json"}, secure=True).json()
    return [(method.upper(), path, op) for path, ops in raw["paths"].items() for method, op in ops.items()]


@pytest.mark.parametrize(("url", "username"), [*LISTS, ("/api/v1/me/", "analyst")])
def test_an_unknown_query_parameter_is_a_400_naming_it(api_for, url, username):
    body = assert_problem(api_for(username, "bearer").get(url, {"colour": "blue", "page": "1"}), 400)
    assert list(body["errors"]) == ["colour"]
    assert "Unknown" in body["errors"]["colour"][0]


def test_every_unknown_parameter_is_named(api_for):
    body = assert_problem(api_for("analyst", "bearer").get("/api/v1/regions/", {"b": "1", "a": "2"}), 400)
    assert sorted(body["errors"]) == ["a", "b"]


@pytest.mark.parametrize(("url", "username"), LISTS)
@pytest.mark.parametrize("name", ["page", "page_size"])
@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", " 1", "²", "1" * 12, "1e3", "%00", "\x00"])
def test_a_bad_page_or_page_size_is_a_400(api_for, url, username, name, value):
    body = assert_problem(api_for(username, "bearer").get(url, {name: value}), 400)
    assert name in body["errors"]


@pytest.mark.parametrize(("url", "username"), LISTS)
def test_a_page_past_the_end_is_a_404_problem(api_for, url, username):
    assert_problem(api_for(username, "bearer").get(url, {"page": "999999"}), 404)


@pytest.mark.parametrize(("url", "username"), LISTS)
def test_every_list_is_paginated(api_for, url, username):
    client = api_for(username, "bearer")
    body = client.get(url).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert isinstance(body["results"], list)
    if body["count"] > 1:
        first = client.get(url, {"page_size": 1}).json()
        assert len(first["results"]) == 1
        assert "page=2" in first["next"]
        assert first["previous"] is None
        second = client.get(url, {"page_size": 1, "page": 2}).json()
        assert second["results"] != first["results"]
        assert second["previous"] is not None


def test_page_size_is_capped_at_200(api_for):
    body = api_for("head", "bearer").get("/api/v1/people/", {"page_size": 1000}).json()
    assert body["count"] > 0
    assert len(body["results"]) <= 200


# Aggregates with one row per region or per funnel stage: bounded, so not paged.
# Anything added here needs that reason; every other list answers a page.
UNPAGED_AGGREGATES = {"/api/v1/referrals/funnel/", "/api/v1/threat-counts/", "/api/v1/workforce/regions/"}


# Lists of one parent record's children, bounded by it and answered whole (schema and answer agree).
UNPAGED_CHILDREN = {"/api/v1/referrals/{id}/candidates/", "/api/v1/ocgs/{id}/members/"}


def test_every_list_in_the_schema_is_paginated(schema_operations):
    """Lists of later apps too: each `*_list` operation answers a page."""
    for method, path, op in schema_operations:
        if method != "GET" or not op["operationId"].endswith("_list") or path in UNPAGED_AGGREGATES | UNPAGED_CHILDREN:
            continue
        names = {p["name"] for p in op.get("parameters", [])}
        assert {"page", "page_size"} <= names, path
        ref = op["responses"]["200"]["content"]["application/json"]["schema"].get("$ref", "")
        assert ref.split("/")[-1].startswith("Paginated"), (path, ref)


@pytest.mark.parametrize(
    ("url", "username", "params", "name"),
    [
        ("/api/v1/forces/", "analyst", {"region": "abc"}, "region"),
        ("/api/v1/forces/", "analyst", {"region": "-1"}, "region"),
        ("/api/v1/forces/", "analyst", {"region": "9" * 40}, "region"),
        ("/api/v1/forces/", "analyst", {"region": "²"}, "region"),
        ("/api/v1/people/", "head", {"role": "wizard"}, "role"),
        ("/api/v1/people/", "head", {"active": "maybe"}, "active"),
        ("/api/v1/people/", "head", {"q": "x" * 101}, "q"),
        ("/api/v1/people/", "head", {"q": "a\x00b"}, "q"),
        ("/api/v1/audit/events/", "auditor", {"category": "gossip"}, "category"),
        ("/api/v1/audit/events/", "auditor", {"date_from": "2021-13-01"}, "date_from"),
        ("/api/v1/audit/events/", "auditor", {"date_to": "yesterday"}, "date_to"),
        ("/api/v1/audit/events/", "auditor", {"actor": "x" * 151}, "actor"),
        ("/api/v1/audit/events/", "auditor", {"actor": "\x00"}, "actor"),
        ("/api/v1/audit/events/", "auditor", {"object_id": "1\x00"}, "object_id"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api_for, url, username, params, name):
    body = assert_problem(api_for(username, "bearer").get(url, params), 400)
    assert name in body["errors"]


@pytest.mark.parametrize(
    ("url", "username", "params"),
    [
        ("/api/v1/people/", "head", {"q": "😀 ' OR 1=1 --"}),
        ("/api/v1/people/", "head", {"q": "%_\\"}),
        ("/api/v1/audit/events/", "auditor", {"date_from": "0001-01-01", "date_to": "9999-12-31"}),
        ("/api/v1/audit/events/", "auditor", {"action": "'; DROP TABLE audit_auditevent; --"}),
    ],
)
def test_odd_but_valid_filters_answer_200(api_for, url, username, params):
    assert api_for(username, "bearer").get(url, params).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing-here/",
        "/api/v1/people/abc/",
        "/api/v1/people/1.5/",
        "/api/v1/people/" + "9" * 30 + "/",
        "/api/v1/regions/-1/",
        "/api/v1/audit/events/%00/",
        "/api/v1/me/extra/",
        "/api/v2/",
        "/api/",
    ],
)
@pytest.mark.parametrize("username", ["head", None])
def test_an_unknown_path_is_a_404_problem(api_for, url, username):
    """Nothing to find means 404 for everyone, signed in or not."""
    assert_problem(api_for(username, "bearer").get(url), 404)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/v1/me/"),
        ("PUT", "/api/v1/regions/1/"),
        ("DELETE", "/api/v1/people/1/"),
        ("PATCH", "/api/v1/audit/events/1/"),
    ],
)
def test_a_wrong_method_is_a_405_problem_with_allow(api_for, method, url):
    response = api_for("auditor", "bearer").generic(method, url)
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "body",
    ["{", '{"name": ', "[1, 2", "\x00", "null", '{"a": NaN}', "\ufeff{}", '{"a":' * 200, "{}" * 5000],
)
@pytest.mark.parametrize("url", ["/api/v1/regions/", "/api/v1/me/", "/api/v1/people/1/"])
def test_malformed_json_is_never_a_500(api_for, url, body):
    response = api_for("head", "bearer").post(url, body, content_type="application/json")
    assert response.status_code in (400, 405)
    assert_problem(response, response.status_code)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/x-www-form-urlencoded"])
def test_malformed_bodies_to_every_write_operation_are_never_a_500(api_for, schema_operations, content_type):
    """Writes of later apps too: a broken body is refused, never a crash."""
    client = api_for("head", "bearer")
    for method, path, _op in schema_operations:
        if method == "GET":
            continue
        url = path.replace("{", "").replace("}", "")  # {id} -> "id": not a number, so 404 or 405
        for concrete in (url, _with_ones(path)):
            response = client.generic(method, concrete, "{not json", content_type=content_type)
            assert response.status_code < 500, (method, concrete, response.status_code, response.content[:300])
            if response.status_code >= 400:
                assert_problem(response, response.status_code)


def _with_ones(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "1", path)


def test_a_session_post_without_csrf_is_a_403_problem(persona):
    client = sign_in(Client(enforce_csrf_checks=True), persona("head"))
    assert client.get("/api/v1/me/").status_code == 200  # reads need no token
    body = assert_problem(client.post("/api/v1/regions/", {}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]


def test_a_bearer_post_needs_no_csrf(persona, api_for):
    """Tokens are not cookies, so CSRF does not apply: the answer is about the method."""
    client = api_for("head", "bearer")
    client.handler.enforce_csrf_checks = True
    assert_problem(client.post("/api/v1/regions/", {}, content_type="application/json"), 405)


def test_anonymous_answers_are_401_problems_with_a_challenge(db):
    response = Client().get("/api/v1/regions/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="rocu"'


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/problem+json", "*/*"])
def test_errors_are_problem_json_whatever_the_client_accepts(api_for, accept):
    response = api_for("head", "bearer").get("/api/v1/regions/", {"bogus": "1"}, HTTP_ACCEPT=accept)
    assert response.status_code in (400, 406)
    assert_problem(response, response.status_code)


def test_the_schema_and_docs_are_served(db):
    schema = Client().get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert Client().get("/api/docs/").status_code == 200
