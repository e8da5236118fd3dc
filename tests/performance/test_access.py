"""Who may reach each performance page, with the exact answer.

Dashboards belong to the ROCU head, the force SOC lead, the PCC office and the national
lead; the national consistency view to the national lead; the definitions to everyone
signed in; the public results to anyone at all.
"""

from __future__ import annotations

import pytest

from rocu.performance import urls
from tests.core.matrix import check, covered_names, expand, route_names

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("403 403 403 403 200 200 200 200 403 403 LOG", "GET", "/performance/"),
    ("403 403 403 403 200 200 200 200 403 403 LOG", "GET", "/performance/?period=2025-Q3"),
    ("403 403 403 403 400 400 400 400 403 403 LOG", "GET", "/performance/?period=nonsense"),
    ("403 403 403 403 400 400 400 400 403 403 LOG", "GET", "/performance/?scope=region-999999"),
    ("403 403 403 403 200 200 200 200 403 403 LOG", "GET", "/performance/export.csv"),
    ("403 403 403 403 200 200 200 200 403 403 LOG", "GET", "/performance/export.xlsx"),
    ("403 403 403 403 200 200 200 200 403 403 LOG", "GET", "/performance/export.pdf"),
    ("403 403 403 403 400 400 400 400 403 403 LOG", "GET", "/performance/export.doc"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", "/performance/definitions/"),
    ("403 403 403 403 403 403 403 200 403 403 LOG", "GET", "/performance/national/"),
    ("403 403 403 403 403 403 403 400 403 403 LOG", "GET", "/performance/national/?metric=nope"),
    ("403 403 403 403 403 403 403 200 403 403 LOG", "GET", "/performance/national/export.csv"),
    ("403 403 403 403 200 200 200 200 403 403 LOG", "GET", "/performance/pcc-report.pdf?period=2025-Q3"),
    ("403 403 403 403 400 400 400 400 403 403 LOG", "GET", "/performance/pcc-report.pdf?period=FY2025"),
    ("200 200 200 200 200 200 200 200 200 200 200", "GET", "/performance/public/"),
    ("400 400 400 400 400 400 400 400 400 400 400", "GET", "/performance/public/?region=atlantis"),
]


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, method, url, data, actor, expected):
    check(client_for(actor), method, url, data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "performance") == route_names(urls)
