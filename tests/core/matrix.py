"""The access matrix: every persona, the outsider and an anonymous visitor against a view.

A table row is (answers, method, url) or (answers, method, url, form data). The answers
are one word per actor, in the order of ACTORS (the column heads in COLUMNS):

    200 403 404 405   that exact status
    LOG               302 to the sign-in (log-in) page
    302               302 anywhere but the sign-in page

URLs may name records as {placeholders}, filled in from the test's `records` fixture.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import PERSONAS

ACTORS: list[str | None] = [*PERSONAS, None]
COLUMNS = "ana dis sio lro hea frc pcc nat aud out anon"  # ACTORS, shortened to head a table
SIGN_IN = "/accounts/sign-in/"
assert len(COLUMNS.split()) == len(ACTORS)

Row = tuple[Any, ...]


def _parts(row: Row) -> tuple[str, str, str, dict[str, Any] | None]:
    answers, method, url, *data = row
    return answers, method, url, (data[0] if data else None)


def expand(table: Iterable[Row]) -> Iterator[Any]:
    """One pytest case per (row, actor)."""
    for row in table:
        answers, method, url, data = _parts(row)
        words = answers.split()
        assert len(words) == len(ACTORS), f"{method} {url}: {len(words)} answers for {len(ACTORS)} actors"
        for actor, expected in zip(ACTORS, words, strict=True):
            yield pytest.param(method, url, data, actor, expected, id=f"{method} {url} {actor or 'anonymous'}")


def check(client: Client, method: str, url: str, data: dict[str, Any] | None, expected: str) -> None:
    response = client.generic(method, url) if data is None else getattr(client, method.lower())(url, data)
    where = response.get("Location", "")
    if expected == "LOG":
        assert (response.status_code, where.startswith(SIGN_IN)) == (302, True), (response.status_code, where)
    elif expected == "302":
        assert response.status_code == 302, response.status_code
        assert not where.startswith(SIGN_IN), where
    else:
        assert response.status_code == int(expected), (response.status_code, where)


def route_names(urlconf_module: Any) -> set[str]:
    """Every named route an app's urls.py declares."""
    names = set()
    for pattern in urlconf_module.urlpatterns:
        assert isinstance(pattern, URLPattern | URLResolver)
        if isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def covered_names(table: Iterable[Row], namespace: str) -> set[str]:
    resolver = get_resolver()
    names = set()
    for row in table:
        _answers, _method, url, _data = _parts(row)
        match = resolver.resolve(url.format_map(_Ones()).split("?")[0])
        if match.namespace == namespace:
            names.add(match.url_name)
    return names


class _Ones(dict[str, int]):
    def __missing__(self, key: str) -> int:
        return 1
