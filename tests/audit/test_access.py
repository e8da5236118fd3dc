"""Only the auditor reaches the audit trail, its export and its chain check."""

from __future__ import annotations

import pytest

from rocu.audit import urls
from tests.core.matrix import check, covered_names, expand, route_names

EXPORT = {"reason": "Counter-corruption review 2024/17"}

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/audit/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "GET", "/audit/?category=erasure"),
    ("403 403 403 403 403 403 403 403 405 403 LOG", "POST", "/audit/", {}),
    ("403 403 403 403 403 403 403 403 405 403 LOG", "GET", "/audit/export/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "POST", "/audit/export/", EXPORT),
    ("403 403 403 403 403 403 403 403 405 403 LOG", "GET", "/audit/verify/"),
    ("403 403 403 403 403 403 403 403 200 403 LOG", "POST", "/audit/verify/", {}),
]


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, method, url, data, actor, expected):
    check(client_for(actor), method, url, data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "audit") == route_names(urls)
