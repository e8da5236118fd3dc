"""Who may reach each governance page, with the exact answer.

`{t}` is the South West's tracking of the 2021 recommendation on SIOs and LROs (owner:
lro, approver: head); `{ne}` the North East's tracking of it (the outsider's region);
`{ev}` the South West's unshared evidence for `{t}`; `{resp}` Devon and Cornwall's
published response, `{draft}` its draft response to the other inspection; `{upload}`
a report the head uploaded. Forbidden records answer 404 like missing ones. Columns as in tests/core/matrix.py.
"""

from __future__ import annotations

import pytest

from rocu.accounts.models import Force
from rocu.governance import services, urls
from rocu.governance.models import CounterCorruptionMeasure, Evidence, GoodPractice
from tests.core.matrix import check, covered_names, expand, route_names
from tests.governance.conftest import text_file

G = "/governance"
API = "/api/v1/governance"
PROGRESS = {"progress": "being_progressed", "row_version": 1}
OUTCOME = {"outcome": "partly", "note": "Partly", "row_version": 1}
DECIDE = {"decision": "approve"}

TABLE = [
    # answers: ana dis sio lro hea frc pcc nat aud out anon
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/"),
    ("403 403 403 403 200 403 403 200 403 403 LOG", "GET", f"{G}/inspections/new/"),
    ("403 403 403 403 400 403 403 400 403 403 LOG", "POST", f"{G}/inspections/new/", {}),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/inspections/{{insp}}/"),
    ("404 404 404 404 404 404 404 404 404 404 LOG", "GET", f"{G}/inspections/999999999/"),
    ("403 403 403 403 405 403 403 405 403 403 LOG", "GET", f"{G}/inspections/{{insp}}/findings/"),
    ("403 403 403 403 302 403 403 302 403 403 LOG", "POST", f"{G}/inspections/{{insp}}/findings/", {}),
    ("403 403 403 403 302 403 403 302 403 403 LOG", "POST", f"{G}/inspections/{{insp}}/track/", "FINDING"),
    ("403 403 403 403 302 403 302 403 403 403 LOG", "POST", f"{G}/inspections/{{insp}}/respond/", "FORCE"),
    ("403 403 403 403 200 403 403 200 403 403 LOG", "GET", f"{G}/upload/"),
    ("403 403 403 403 400 403 403 400 403 403 LOG", "POST", f"{G}/upload/", {}),
    ("403 403 403 403 200 403 403 404 403 403 LOG", "GET", f"{G}/upload/{{upload}}/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/recommendations/"),
    (
        "200 200 200 200 200 200 200 200 200 200 LOG",
        "GET",
        f"{G}/recommendations/?sort=-region&progress=complete&mine=on&overdue=on&region=x",
    ),
    ("200 200 200 200 200 200 200 200 200 404 LOG", "GET", f"{G}/recommendations/{{t}}/"),
    ("404 404 404 404 404 404 404 200 404 200 LOG", "GET", f"{G}/recommendations/{{ne}}/"),
    ("405 405 405 405 405 405 405 405 405 405 LOG", "GET", f"{G}/recommendations/{{t}}/progress/"),
    ("403 403 403 302 302 403 403 302 403 404 LOG", "POST", f"{G}/recommendations/{{t}}/progress/", PROGRESS),
    ("403 403 403 302 302 403 403 302 403 404 LOG", "POST", f"{G}/recommendations/{{t}}/outcome/", OUTCOME),
    ("403 403 403 302 302 403 403 302 403 404 LOG", "POST", f"{G}/recommendations/{{t}}/evidence/", {}),
    ("403 403 403 302 302 403 403 302 403 404 LOG", "POST", f"{G}/recommendations/{{t}}/closure/", {}),
    ("403 403 403 403 302 403 403 302 403 404 LOG", "POST", f"{G}/recommendations/{{t}}/decision/", DECIDE),
    ("403 403 403 403 302 403 403 302 403 404 LOG", "POST", f"{G}/recommendations/{{t}}/assign/", {}),
    ("404 404 404 404 404 404 404 302 404 403 LOG", "POST", f"{G}/recommendations/{{ne}}/progress/", PROGRESS),
    ("200 200 200 200 200 200 200 404 200 404 LOG", "GET", f"{G}/evidence/{{ev}}/"),
    ("404 404 404 404 404 404 404 404 404 404 LOG", "GET", f"{G}/evidence/999999999/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/responses/"),
    ("200 200 200 200 200 200 200 200 200 404 LOG", "GET", f"{G}/responses/{{resp}}/"),
    ("200 200 200 200 200 200 200 200 200 404 LOG", "GET", f"{G}/responses/{{draft}}/"),
    (
        "403 403 403 403 302 403 403 403 403 403 LOG",
        "POST",
        f"{G}/responses/{{draft}}/chief-constable/",
        {"cc-text": "Comments"},
    ),
    ("403 403 403 403 403 403 302 403 403 403 LOG", "POST", f"{G}/responses/{{draft}}/pcc/", {"pcc-text": "Response"}),
    ("403 403 403 403 302 403 302 403 403 404 LOG", "POST", f"{G}/responses/{{draft}}/position/", {}),
    ("403 403 403 403 403 403 302 403 403 403 LOG", "POST", f"{G}/responses/{{draft}}/publish/", {}),
    ("200 200 200 200 200 200 200 200 200 200 200", "GET", f"{G}/public/{{slug}}/"),
    ("200 200 200 200 200 200 200 200 200 200 200", "GET", f"{G}/public/{{slug}}/pdf/"),
    ("404 404 404 404 404 404 404 404 404 404 404", "GET", f"{G}/public/not-published/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/oversight/"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/oversight/?recommendation=abc"),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/accountable/"),
    ("403 403 403 403 400 403 403 400 403 403 LOG", "POST", f"{G}/accountable/", {}),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/measures/"),
    ("403 403 403 403 400 403 403 403 400 403 LOG", "POST", f"{G}/measures/", {}),
    ("200 200 200 200 200 200 200 200 200 404 LOG", "GET", f"{G}/measures/{{measure}}/"),
    ("403 403 403 403 400 403 403 403 400 404 LOG", "POST", f"{G}/measures/{{measure}}/", {}),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/good-practice/"),
    ("400 403 400 400 400 403 403 403 403 400 LOG", "POST", f"{G}/good-practice/", {}),
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", f"{G}/good-practice/{{practice}}/"),
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", f"{API}/inspections/"),
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", f"{API}/inspections/{{insp}}/"),
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", f"{API}/recommendations/"),
    (
        "200 200 200 200 200 200 200 200 200 200 401",
        "GET",
        f"{API}/recommendations/?region=1&progress=complete&mine=true",
    ),
    ("400 400 400 400 400 400 400 400 400 400 401", "GET", f"{API}/recommendations/?progress=done"),
    ("400 400 400 400 400 400 400 400 400 400 401", "GET", f"{API}/recommendations/?colour=red"),
    ("200 200 200 200 200 200 200 200 200 404 401", "GET", f"{API}/recommendations/{{t}}/"),
    ("404 404 404 404 404 404 404 200 404 200 401", "GET", f"{API}/recommendations/{{ne}}/"),
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", f"{API}/responses/"),
    ("200 200 200 200 200 200 200 200 200 404 401", "GET", f"{API}/responses/{{resp}}/"),
    ("403 403 403 403 400 403 403 400 403 403 LOG", "POST", f"{G}/good-practice/{{practice}}/", {}),
]


@pytest.fixture
def records(gov, persona):
    upload = services.report_upload(actor=persona("head"), upload=text_file("r.txt", "Title\n\nRecommendations"))
    t = gov["sw"]["Recommendation 2"]
    return {
        "insp": gov["inspection"].pk,
        "finding": gov["recs"]["Recommendation 2"].pk,
        "t": t.pk,
        "ne": gov["ne"].pk,
        "ev": Evidence.objects.filter(tracking=t).first().pk,
        "resp": gov["published"].pk,
        "draft": gov["draft"].pk,
        "slug": gov["published"].public_slug,
        "measure": CounterCorruptionMeasure.objects.get(region__code="south-west", kind="vetting").pk,
        "practice": GoodPractice.objects.get(title__startswith="Fast Parcels").pk,
        "upload": upload.pk,
        "force": Force.objects.get(code="devon-cornwall").pk,
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    if data == "FINDING":
        data = {"finding": records["finding"]}
    elif data == "FORCE":
        data = {"force": records["force"]}
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "governance") == route_names(urls)


def test_it_lists_only_the_callers_regions_tracking_in_the_api(client_for, records):
    body = client_for("outsider").get(f"{API}/recommendations/?mine=false").json()
    regions = {row["region"] for row in body["results"]}
    assert len(regions) == 1
    assert body["count"] >= 4


def test_it_serves_evidence_as_an_unsniffed_attachment(client_for, records):
    response = client_for("head").get(f"{G}/evidence/{records['ev']}/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_hides_recommendation_owners_from_aggregate_roles(client_for):
    for who in ("pcc", "national"):
        body = client_for(who).get("/api/v1/governance/recommendations/").json()
        assert body["results"], who
        assert all(r["owner"] is None and r["approver"] is None for r in body["results"]), who
    head = client_for("head").get("/api/v1/governance/recommendations/").json()
    assert any(r["owner"] for r in head["results"])
