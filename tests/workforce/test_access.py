"""Who may reach each workforce page and endpoint, with the exact answer.

The ROCU head sees everything in the South West, people in posts included; the PCC
office sees the South West's aggregates; the national lead sees every region's
aggregates but never a person; nobody else has the area at all. `{*_elsewhere}` are
North East records: the head and the PCC office get the same 404 as for a missing id.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rocu.accounts.models import Region
from rocu.workforce import urls
from rocu.workforce.models import (
    Capability,
    FundingLine,
    FundingSource,
    ImportKind,
    Post,
    Scenario,
    ScenarioChange,
    WorkforceImport,
)
from tests.core.matrix import check, covered_names, expand, route_names

LINE = {"code": "new-grant", "name": "New grant", "source": "other_grant"}
ALLOCATION = {"financial_year": "2026", "amount": "1000", "confirmed": "on"}
SCENARIO = {"name": "What if", "line_{line}": "2027-04-01"}

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/"),
    ("403 403 403 403 404 403 404 200 403 403 LOG", "GET", "/workforce/?region=north-east"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/cliff-edge/"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/cliff-edge.csv"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/timeline/"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/regions/"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/capabilities/"),
    (
        "403 403 403 403 302 403 403 403 403 403 LOG",
        "POST",
        "/workforce/capabilities/",
        {"capability": "{cap}", "minimum_fte": "3"},
    ),
    (
        "403 403 403 403 404 403 403 403 403 403 LOG",
        "POST",
        "/workforce/capabilities/",
        {"capability": "{cap_elsewhere}", "minimum_fte": "3"},
    ),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/funding/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/workforce/funding/", LINE),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/funding/{line}/"),
    ("403 403 403 403 404 403 404 200 403 403 LOG", "GET", "/workforce/funding/{line_elsewhere}/"),
    ("403 403 403 403 404 403 404 404 403 403 LOG", "GET", "/workforce/funding/999999999/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/workforce/funding/{line}/", ALLOCATION),
    ("403 403 403 403 404 403 404 403 403 403 LOG", "POST", "/workforce/funding/{line_elsewhere}/", ALLOCATION),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/workforce/posts/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/workforce/posts/new/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "POST", "/workforce/posts/new/", {}),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/workforce/posts/{post}/"),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "GET", "/workforce/posts/{post_elsewhere}/"),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "GET", "/workforce/posts/999999999/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/workforce/posts/{post}/edit/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "POST", "/workforce/posts/{post}/edit/", {}),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "GET", "/workforce/posts/{post_elsewhere}/edit/"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/scenarios/"),
    ("403 403 403 403 200 403 200 403 403 403 LOG", "GET", "/workforce/scenarios/new/"),
    ("403 403 403 403 302 403 302 403 403 403 LOG", "POST", "/workforce/scenarios/new/", SCENARIO),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/scenarios/{scenario}/"),
    ("403 403 403 403 404 403 404 200 403 403 LOG", "GET", "/workforce/scenarios/{scenario_elsewhere}/"),
    ("403 403 403 403 404 403 404 404 403 403 LOG", "GET", "/workforce/scenarios/999999999/"),
    ("403 403 403 403 200 403 200 200 403 403 LOG", "GET", "/workforce/scenarios/compare/?s={scenario}"),
    ("403 403 403 403 404 403 404 200 403 403 LOG", "GET", "/workforce/scenarios/compare/?s={scenario_elsewhere}"),
    ("403 403 403 403 405 403 405 403 403 403 LOG", "GET", "/workforce/scenarios/{scenario}/delete/"),
    ("403 403 403 403 302 403 302 403 403 403 LOG", "POST", "/workforce/scenarios/{scenario}/delete/", {}),
    ("403 403 403 403 404 403 404 403 403 403 LOG", "POST", "/workforce/scenarios/{scenario_elsewhere}/delete/", {}),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/workforce/imports/"),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "POST", "/workforce/imports/", {}),
    ("403 403 403 403 200 403 403 403 403 403 LOG", "GET", "/workforce/imports/{upload}/"),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/workforce/imports/{upload}/", {"action": "discard"}),
    ("403 403 403 403 404 403 403 403 403 403 LOG", "GET", "/workforce/imports/{upload_elsewhere}/"),
    # The API answers 401 to a visitor without a session or token.
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/capabilities/"),
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/capabilities/{cap}/"),
    ("403 403 403 403 404 403 404 200 403 403 401", "GET", "/api/v1/workforce/capabilities/{cap_elsewhere}/"),
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/funding-lines/"),
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/funding-lines/{line}/"),
    ("403 403 403 403 404 403 404 200 403 403 401", "GET", "/api/v1/workforce/funding-lines/{line_elsewhere}/"),
    ("403 403 403 403 200 403 403 403 403 403 401", "GET", "/api/v1/workforce/posts/"),
    ("403 403 403 403 200 403 403 403 403 403 401", "GET", "/api/v1/workforce/posts/{post}/"),
    ("403 403 403 403 404 403 403 403 403 403 401", "GET", "/api/v1/workforce/posts/{post_elsewhere}/"),
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/scenarios/"),
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/scenarios/{scenario}/"),
    ("403 403 403 403 404 403 404 200 403 403 401", "GET", "/api/v1/workforce/scenarios/{scenario_elsewhere}/"),
    ("403 403 403 403 200 403 200 200 403 403 401", "GET", "/api/v1/workforce/regions/"),
]


@pytest.fixture
def records(persona):
    north_east = Region.objects.get(code="north-east")
    cap_elsewhere = Capability.objects.create(region=north_east, code="cyber", minimum_fte=2)
    line_elsewhere = FundingLine.objects.create(
        region=north_east, code="ne-grant", name="NE grant", source=FundingSource.OTHER_GRANT
    )
    post_elsewhere = Post.objects.create(
        region=north_east,
        reference="NE-1",
        capability=cap_elsewhere,
        title="Investigator",
        rank_or_grade="DC",
        annual_cost_pence=1,
        funding_line=line_elsewhere,
        status="vacant",
    )
    scenario_elsewhere = Scenario.objects.create(
        region=north_east, name="NE what if", assess_on=dt.date(2028, 4, 1), created_by=persona("outsider")
    )
    ScenarioChange.objects.create(
        scenario=scenario_elsewhere, funding_line=line_elsewhere, not_renewed_from=dt.date(2028, 4, 1)
    )
    south_west = Region.objects.get(code="south-west")
    line = FundingLine.objects.get(region=south_west, code="cyber-programme")
    upload = WorkforceImport.objects.create(
        region=south_west, kind=ImportKind.FINANCE, filename="f.csv", content="x", created_by=persona("head")
    )
    upload_elsewhere = WorkforceImport.objects.create(
        region=north_east, kind=ImportKind.FINANCE, filename="f.csv", content="x", created_by=persona("outsider")
    )
    return {
        "cap": Capability.objects.get(region=south_west, code="cyber").pk,
        "cap_elsewhere": cap_elsewhere.pk,
        "line": line.pk,
        "line_elsewhere": line_elsewhere.pk,
        "post": Post.objects.filter(region=south_west, holder__isnull=False).first().pk,
        "post_elsewhere": post_elsewhere.pk,
        "scenario": Scenario.objects.filter(region=south_west).first().pk,
        "scenario_elsewhere": scenario_elsewhere.pk,
        "upload": upload.pk,
        "upload_elsewhere": upload_elsewhere.pk,
    }


def _fill(value, records):
    if isinstance(value, str):
        return value.format(**records)
    return value


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    filled = None if data is None else {_fill(k, records): _fill(v, records) for k, v in data.items()}
    check(client_for(actor), method, url.format(**records), filled, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "workforce") == route_names(urls)
