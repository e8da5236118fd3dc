"""Filters, sorts and searches cannot inject SQL.

Every API list operation (from the OpenAPI schema) and every web list page (the
pages with no path argument, with the parameter names their own GET forms use)
gets SQL in each parameter. The answer is 200 or a 4xx, never a 5xx; a 200 holds no
more rows than the same parameter given an honest value that matches nothing; and
the tables are all still there afterwards. (tests/api/test_schemathesis.py already
sweeps odd values for "no 5xx"; this adds the row counts and the web pages.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from rocu.accounts.models import User
from tests.reliability.crawl import start_urls

PAYLOADS = [
    "' OR 1=1 --",
    "1; DROP TABLE accounts_user; --",
    "name desc, (select 1)",
    "1) OR (1=1",
    '" OR ""="',
    "-id; SELECT pg_sleep(5)",
    "1 UNION SELECT username, password FROM accounts_user --",
    "%' OR '%'='",
]
SHORT_PAYLOADS = PAYLOADS[:3]
HONEST = "zzqx-no-such-value"
COMMON = ["q", "search", "sort", "ordering", "order", "status", "page", "region", "date_from"]
FORM_FIELD = re.compile(r'<(?:input|select)[^>]*\bname="([a-z_]+)"', re.I)
GET_FORM = re.compile(r'<form(?![^>]*method="post")[^>]*>(.*?)</form>', re.I | re.S)
ROW = re.compile(rb"<tr\b")


def rows_of(response: Any) -> int | None:
    if response.status_code != 200:
        return None
    if "json" in response.get("Content-Type", ""):
        body = response.json()
        if isinstance(body, dict) and "count" in body:
            return int(body["count"])
        return len(body) if isinstance(body, list) else None
    return len(ROW.findall(response.content))


def check(client: Client, url: str, param: str, payloads: list[str]) -> list[str]:
    failures = []
    honest = client.get(url, {param: HONEST})
    honest_rows = rows_of(honest)
    for payload in payloads:
        response = client.get(url, {param: payload})
        if response.status_code >= 500:
            failures.append(f"{url}?{param}={payload!r}: {response.status_code}")
            continue
        content_type = response.get("Content-Type", "")
        if "json" not in content_type and "html" not in content_type:
            continue  # a download (CSV, PDF): nothing to count rows in
        got = rows_of(response)
        if got is not None and honest_rows is not None and got > honest_rows:
            failures.append(f"{url}?{param}={payload!r}: {got} rows, {honest_rows} for an honest value")
    return failures


def tables_intact(before: set[str], users: int) -> None:
    assert set(connection.introspection.table_names()) >= before
    assert User.objects.count() == users


def api_list_operations(client: Client) -> list[tuple[str, list[str]]]:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    found = []
    for path, ops in schema["paths"].items():
        get = ops.get("get")
        if get is None or "{" in path:
            continue
        params = [p["name"] for p in get.get("parameters", []) if p.get("in") == "query"]
        found.append((path, sorted(set(params) | {"search", "ordering"})))
    return found


@pytest.mark.parametrize(
    ("username", "payloads"),
    [
        ("head", SHORT_PAYLOADS[:2]),
        pytest.param("head", PAYLOADS, marks=pytest.mark.reliability_full, id="head-all"),
        pytest.param("analyst", PAYLOADS, marks=pytest.mark.reliability_full, id="analyst-all"),
        pytest.param("auditor", PAYLOADS, marks=pytest.mark.reliability_full, id="auditor-all"),
    ],
)
def test_api_list_filters_and_sorts_cannot_inject(client_for, username, payloads):
    client = client_for(username)
    client.raise_request_exception = False
    before, users = set(connection.introspection.table_names()), User.objects.count()
    operations = api_list_operations(client)
    assert len(operations) >= 15
    failures = []
    for path, params in operations:
        for param in params:
            failures += check(client, path, param, payloads)
    assert not failures, failures[:20]
    tables_intact(before, users)


def page_params(client: Client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    html = response.content.decode("utf-8", "replace")
    names = {n for form in GET_FORM.findall(html) for n in FORM_FIELD.findall(form)}
    return sorted(names - {"csrfmiddlewaretoken"})


@pytest.mark.parametrize(
    ("username", "payloads", "common"),
    [
        ("head", SHORT_PAYLOADS[:1], False),
        pytest.param("head", PAYLOADS, True, marks=pytest.mark.reliability_full, id="head-all"),
    ],
)
def test_web_list_filters_and_sorts_cannot_inject(client_for, username, payloads, common):
    client = client_for(username)
    client.raise_request_exception = False
    before, users = set(connection.introspection.table_names()), User.objects.count()
    failures, checked = [], 0
    for url in start_urls():
        params = page_params(client, url)
        if common:
            params = sorted(set(params) | set(COMMON))
        for param in params:
            checked += 1
            failures += check(client, url, param, payloads)
    assert checked >= 20
    assert not failures, failures[:20]
    tables_intact(before, users)
