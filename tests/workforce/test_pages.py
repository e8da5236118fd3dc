"""Workforce pages and API as people use them: aggregates without people for the PCC
office, the cliff edge and scenarios side by side, audited looks at people and exports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rocu.accounts.models import Region
from rocu.audit.models import AuditEvent, Category
from rocu.engines import funding
from rocu.workforce.models import FundingLine, Post, PostHolder, Scenario


def _a_holder_name():
    return PostHolder.objects.filter(post__region__code="south-west").first().name


def test_it_shows_the_pcc_office_aggregates_and_no_person(client_for):
    client = client_for("pcc")
    for url in ("/workforce/", "/workforce/cliff-edge/", "/workforce/timeline/", "/workforce/capabilities/"):
        page = client.get(url)
        assert page.status_code == 200
        assert _a_holder_name().encode() not in page.content
    assert b"Funding at risk" in client.get("/workforce/").content


def test_it_shows_the_cliff_edge_year_with_cyber_and_economic_crime_below_minimum(client_for):
    line = FundingLine.objects.get(region__code="south-west", code="cyber-programme")
    page = client_for("head").get("/workforce/cliff-edge/").content.decode()
    label = funding.fy_label(funding.financial_year(line.end_date))
    assert label in page
    assert "Cyber crime" in page
    assert "Economic crime" in page
    assert "below minimum staffing" in page


def test_it_records_the_cliff_edge_download_as_a_disclosure(client_for):
    response = client_for("national").get("/workforce/cliff-edge.csv?region=south-west")
    assert response.status_code == 200
    assert b"financial_year,capability" in response.content
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.category, event.action) == (Category.DISCLOSURE, "workforce.cliff_edge.export")


def test_it_records_each_page_of_posts_as_a_consultation(client_for):
    page = client_for("head").get("/workforce/posts/?risk=funding_before_contract")
    assert page.status_code == 200
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.category, event.action) == (Category.CONSULTATION, "workforce.post.list")
    assert event.detail["post_ids"]


def test_it_lists_posts_in_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for("head")
    client.get("/workforce/posts/")
    with django_assert_max_num_queries(25):
        client.get("/workforce/posts/?per_page=100&sort=-cost")


def test_it_saves_a_scenario_from_the_page_and_shows_it_beside_today(client_for):
    line = FundingLine.objects.get(region__code="south-west", code="ho-core")
    when = funding.fy_start(funding.financial_year(timezone.localdate()) + 1)
    response = client_for("pcc").post(
        "/workforce/scenarios/new/", {"name": "Core grant stops", f"line_{line.pk}": when.isoformat()}
    )
    assert response.status_code == 302
    page = client_for("pcc").get(response["Location"]).content.decode()
    assert "Today (" in page
    assert "with this scenario" in page
    assert "posts lost" in page


def test_it_refuses_a_scenario_without_a_line_on_the_page(client_for):
    response = client_for("head").post("/workforce/scenarios/new/", {"name": "Empty"})
    assert response.status_code == 200
    assert b"Choose at least one funding line" in response.content
    assert not Scenario.objects.filter(name="Empty").exists()


def test_it_compares_saved_scenarios_side_by_side(client_for):
    ids = list(Scenario.objects.filter(region__code="south-west").values_list("pk", flat=True))
    page = client_for("head").get("/workforce/scenarios/compare/?" + "&".join(f"s={i}" for i in ids))
    assert page.status_code == 200
    assert b"Posts lost by the scenario" in page.content


def test_it_sends_a_bad_scenario_comparison_back_with_a_message(client_for):
    assert client_for("head").get("/workforce/scenarios/compare/?s=x").status_code == 302


def test_it_refuses_a_negative_allocation_on_the_page(client_for):
    line = FundingLine.objects.get(region__code="south-west", code="ho-core")
    response = client_for("head").post(f"/workforce/funding/{line.pk}/", {"financial_year": "2026", "amount": "-5"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content


def test_it_gives_the_api_scenario_results_and_creates_scenarios(client_for):
    client = client_for("head")
    listed = client.get("/api/v1/workforce/scenarios/").json()
    assert listed["results"][0]["result"]["rules_version"] == funding.RULES_VERSION
    line = FundingLine.objects.get(region__code="south-west", code="prison-intel")
    created = client.post(
        "/api/v1/workforce/scenarios/",
        {"name": "Prison grant stops", "changes": [{"funding_line": line.pk, "not_renewed_from": "2027-04-01"}]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["result"]["posts_lost"] == Post.objects.filter(funding_line=line).count()
    bad = client.post(
        "/api/v1/workforce/scenarios/",
        {"name": "Nothing", "changes": []},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")


def test_it_refuses_unknown_api_query_parameters(client_for):
    assert client_for("pcc").get("/api/v1/workforce/funding-lines/?colour=red").status_code == 400


def test_it_gives_the_api_posts_with_holders_only_to_the_head_and_audits_them(client_for):
    response = client_for("head").get("/api/v1/workforce/posts/?status=filled")
    assert response.status_code == 200
    assert response.json()["results"][0]["holder"]["name"]
    assert AuditEvent.objects.order_by("-seq").first().action == "workforce.post.list"


def test_it_compares_regions_in_the_api(client_for):
    rows = client_for("national").get("/api/v1/workforce/regions/").json()
    assert [r["region"] for r in rows] == ["south-west"]
    assert rows[0]["at_risk_cost_pence"] > 0


def test_it_shows_the_home_panel_to_the_head_and_not_to_an_analyst(client_for):
    assert b"Workforce and funding" in client_for("head").get("/").content
    assert b"Cliff edge" not in client_for("analyst").get("/").content


def test_it_lets_the_national_lead_choose_a_region(client_for):
    page = client_for("national").get("/workforce/?region=south-west")
    assert page.status_code == 200
    assert b"South West ROCU" in page.content
    assert Region.objects.filter(code="north-east").exists()
    assert client_for("national").get("/workforce/?region=nowhere").status_code == 404


def test_it_edits_a_post_and_its_holder_through_the_page(client_for):
    post = Post.objects.filter(region__code="south-west", status="vacant").first()
    response = client_for("head").post(
        f"/workforce/posts/{post.pk}/edit/",
        {
            "reference": post.reference,
            "capability": post.capability_id,
            "title": post.title,
            "rank_or_grade": post.rank_or_grade,
            "fte": "1",
            "annual_cost": "61000",
            "funding_line": post.funding_line_id,
            "status": "filled",
            "holder_name": "New Starter",
            "contract_type": "fixed_term",
            "contract_end": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.status, post.holder.name, post.annual_cost_pence) == ("filled", "New Starter", 6_100_000)
