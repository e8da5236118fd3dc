"""The metrics API: who gets which answer over a session and a bearer token, and what it holds.

The catalogue is for everyone signed in; a metric's figures for the dashboard roles
only, each within the organisations their dashboard may show. An unknown metric is a
404 problem, a bad period or an organisation out of reach a 400 problem that says why.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_problem, bearer, create_token
from tests.conftest import PERSONAS, sign_in
from tests.performance.test_pages import _names

ACTORS: list[str | None] = [*PERSONAS, None]
VALUE = "/api/v1/metrics/vacancy_rate/"


@pytest.fixture
def api(db):
    """A client for a persona over a transport: "session" (second factor done) or "bearer"."""
    from django.test import Client

    from rocu.accounts.models import User

    def make(username, transport="session"):
        if username is None:
            return Client()
        if transport == "bearer":
            return bearer(create_token(username))
        return sign_in(Client(), User.objects.get(username=username))

    return make


TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", "/api/v1/metrics/"),
    ("200 200 200 200 200 200 200 200 200 200 401", "GET", "/api/v1/metrics/?page=1&page_size=5"),
    ("400 400 400 400 400 400 400 400 400 400 401", "GET", "/api/v1/metrics/?period=2025-Q3"),
    ("403 403 403 403 200 200 200 200 403 403 401", "GET", VALUE),
    ("403 403 403 403 200 200 200 200 403 403 401", "GET", "/api/v1/metrics/referral_funnel/?period=2025-Q3"),
    ("403 403 403 403 200 200 200 200 403 403 401", "GET", "/api/v1/metrics/outcomes_by_type/?period=FY2025"),
    ("403 403 403 403 404 404 404 404 403 403 401", "GET", "/api/v1/metrics/made_up/"),
    ("403 403 403 403 400 400 400 400 403 403 401", "GET", f"{VALUE}?period=nonsense"),
    ("403 403 403 403 400 400 400 400 403 403 401", "GET", f"{VALUE}?period=FY2099"),
    ("403 403 403 403 400 400 400 400 403 403 401", "GET", f"{VALUE}?period=2025-13"),
    ("403 403 403 403 200 400 200 200 403 403 401", "GET", f"{VALUE}?region=south-west"),
    ("403 403 403 403 400 400 400 200 403 403 401", "GET", f"{VALUE}?region=north-east"),
    ("403 403 403 403 400 400 400 200 403 403 401", "GET", f"{VALUE}?region=all"),
    ("403 403 403 403 400 400 400 400 403 403 401", "GET", f"{VALUE}?region=atlantis"),
    ("403 403 403 403 200 200 200 400 403 403 401", "GET", f"{VALUE}?force=devon-cornwall"),
    ("403 403 403 403 200 400 400 400 403 403 401", "GET", f"{VALUE}?force=dorset"),
    ("403 403 403 403 400 400 400 400 403 403 401", "GET", f"{VALUE}?force=northumbria"),
    ("403 403 403 403 400 400 400 400 403 403 401", "GET", f"{VALUE}?force=" + "x" * 61),
    ("400 400 400 400 400 400 400 400 400 400 401", "GET", f"{VALUE}?colour=red"),
    ("405 405 405 405 405 405 405 405 405 405 401", "POST", "/api/v1/metrics/"),
    ("405 405 405 405 405 405 405 405 405 405 401", "DELETE", VALUE),
]


def _cases():
    for answers, method, url in TABLE:
        for actor, expected in zip(ACTORS, answers.split(), strict=True):
            for transport in ("session", "bearer") if actor else ("anonymous",):
                yield pytest.param(
                    method, url, actor, transport, int(expected), id=f"{method} {url} {actor} {transport}"
                )


@pytest.mark.parametrize(("method", "url", "actor", "transport", "expected"), list(_cases()))
def test_it_answers_each_actor_exactly_over_each_transport(api, method, url, actor, transport, expected):
    client = api(actor, "bearer" if transport == "bearer" else "session")
    response = client.generic(method, url)
    if expected == 200:
        assert response.status_code == 200, response.content[:300]
    else:
        assert_problem(response, expected)


def test_the_catalogue_lists_every_definition_with_its_availability(api):
    from rocu.engines import metrics as m

    body = api("analyst", "bearer").get("/api/v1/metrics/", {"page_size": 200}).json()
    assert [row["id"] for row in body["results"]] == [d.id for d in m.CATALOGUE]
    assert body["count"] == len(m.CATALOGUE)
    assert all(isinstance(row["available"], bool) and row["version"] for row in body["results"])


def test_a_value_is_the_dashboards_figure_for_the_scope_and_period(api, client_for):
    body = api("head", "bearer").get(f"{VALUE}?period=2025-Q3").json()
    page = client_for("head").get("/performance/?period=2025-Q3&metric=vacancy_rate")
    assert body["rows"] == page.context["report"].tables[0].rows
    assert body["scope"] == "South West ROCU"
    assert body["period"] == "2025-Q3"
    assert body["metric"]["id"] == "vacancy_rate"


def test_an_unknown_metric_or_bad_period_says_what_to_do(api):
    client = api("head", "bearer")
    assert "lists them" in assert_problem(client.get("/api/v1/metrics/made_up/"), 404)["detail"]
    assert "Enter a period" in assert_problem(client.get(f"{VALUE}?period=soon"), 400)["detail"]
    assert "holds no figures" in assert_problem(client.get(f"{VALUE}?period=FY2099"), 400)["detail"]


@pytest.mark.parametrize(
    ("actor", "query"),
    [("pcc", "?period=FY2025"), ("pcc", "?region=south-west&period=FY2025"), ("national", "?region=all&period=FY2025")],
)
def test_aggregate_roles_get_figures_with_no_names_and_small_counts_controlled(api, actor, query):
    from rocu.engines import metrics as m

    client = api(actor, "bearer")
    for metric in m.CATALOGUE:
        response = client.get(f"/api/v1/metrics/{metric.id}/{query}")
        assert response.status_code == 200, (metric.id, response.content[:300])
        body = response.json()
        assert body["disclosure_control"] is True
        text = response.content.decode()
        own = {"pcc": "Chloe Harvey", "national": "Hassan Okafor"}[actor]
        assert [n for n in _names() if n != own and n in text] == [], metric.id
        if metric.id == "outcomes_by_type":
            assert not any(isinstance(v, int) and 0 < v < 10 for row in body["rows"] for v in row[1:])
