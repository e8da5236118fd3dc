"""Workforce and funding services: bad input refused with the field named, nothing
half-written, every change audited; scenarios saved and worked out; the demo cliff edge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.audit.models import AuditEvent
from rocu.core.demo import DemoContext
from rocu.core.errors import Conflict, PermissionDenied, ValidationFailed
from rocu.engines import funding
from rocu.workforce import selectors, services
from rocu.workforce.demo import seed_workforce
from rocu.workforce.models import Capability, FundingLine, FundingSource, Post, PostHolder, Scenario


@pytest.fixture
def sw(db):
    return Region.objects.get(code="south-west")


def _line(sw, code="cyber-programme"):
    return FundingLine.objects.get(region=sw, code=code)


def test_it_refuses_a_negative_allocation_and_writes_nothing(persona, sw):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.allocation_set(
            actor=persona("head"), line=_line(sw), financial_year=2026, amount_pence=-1, confirmed=True
        )
    assert err.value.field == "amount"
    assert AuditEvent.objects.count() == before


def test_it_refuses_a_funding_line_that_ends_before_it_starts(persona, sw):
    with pytest.raises(ValidationFailed) as err:
        services.funding_line_create(
            actor=persona("head"),
            region=sw,
            code="odd",
            name="Odd grant",
            source=FundingSource.OTHER_GRANT,
            start_date=dt.date(2027, 4, 1),
            end_date=dt.date(2027, 3, 31),
        )
    assert err.value.field == "end_date"
    assert not FundingLine.objects.filter(code="odd").exists()


def test_it_refuses_a_post_without_a_funding_line(persona, sw):
    with pytest.raises(ValidationFailed) as err:
        services.post_create(
            actor=persona("head"),
            region=sw,
            reference="SW-NEW-1",
            capability=Capability.objects.get(region=sw, code="cyber"),
            title="Investigator",
            rank_or_grade="DC",
            fte=1,
            annual_cost_pence=6_000_000,
            funding_line=None,
            status="vacant",
        )
    assert err.value.field == "funding_line"
    assert not Post.objects.filter(reference="SW-NEW-1").exists()


def test_it_creates_a_filled_post_with_its_holder_and_keeps_the_name_out_of_the_trail(persona, sw):
    post = services.post_create(
        actor=persona("head"),
        region=sw,
        holder={"name": "Ada Example", "contract_type": "fixed_term", "contract_end": dt.date(2028, 9, 30)},
        reference="SW-NEW-2",
        capability=Capability.objects.get(region=sw, code="cyber"),
        title="Investigator",
        rank_or_grade="DC",
        fte="0.5",
        annual_cost_pence=3_000_000,
        funding_line=_line(sw),
        status="filled",
    )
    assert post.holder.name == "Ada Example"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "workforce.post.create"
    assert "Ada" not in str(event.detail)


def test_it_requires_an_end_date_for_a_fixed_term_contract(persona, sw):
    post = Post.objects.filter(region=sw, status="filled").first()
    with pytest.raises(ValidationFailed) as err:
        services.post_update(actor=persona("head"), post=post, holder={"name": "X", "contract_type": "fixed_term"})
    assert err.value.field == "contract_end"


def test_it_refuses_a_stale_edit_of_a_post(persona, sw):
    post = Post.objects.filter(region=sw, status="vacant").first()
    with pytest.raises(Conflict):
        services.post_update(
            actor=persona("head"), post=post, expected_updated_at=post.updated_at - dt.timedelta(seconds=5), title="New"
        )


def test_it_refuses_changes_from_people_without_the_permission_or_another_region(persona, sw):
    with pytest.raises(PermissionDenied):
        services.allocation_set(
            actor=persona("pcc"), line=_line(sw), financial_year=2026, amount_pence=1, confirmed=True
        )
    north_east = Region.objects.get(code="north-east")
    with pytest.raises(PermissionDenied):
        services.scenario_create(
            actor=persona("head"),
            region=north_east,
            name="x",
            assess_on=None,
            changes=[(_line(sw), dt.date(2028, 1, 1))],
        )


def test_it_saves_a_scenario_of_several_lines_and_shows_what_is_lost(persona, sw):
    today = timezone.localdate()
    cut = funding.fy_start(funding.financial_year(today) + 1)
    scenario = services.scenario_create(
        actor=persona("pcc"),
        region=sw,
        name="Both uplift grants stop",
        assess_on=None,
        changes=[(_line(sw), cut), (_line(sw, "econ-crime-uplift"), cut)],
    )
    assert scenario.assess_on == cut
    result = selectors.scenario_result(user=persona("pcc"), scenario=scenario)
    grant_funded = Post.objects.filter(region=sw, funding_line__code__in=["cyber-programme", "econ-crime-uplift"])
    assert result.posts_lost == sorted(grant_funded.values_list("pk", flat=True))
    assert result.cost_lost_pence == sum(grant_funded.values_list("annual_cost_pence", flat=True))
    assert {c for _, c in result.capabilities_affected} == {"cyber", "economic"}
    assert {c for _, c in result.newly_below_minimum} == {"cyber", "economic"}


def test_it_refuses_a_scenario_without_changes_or_with_a_line_twice(persona, sw):
    with pytest.raises(ValidationFailed) as err:
        services.scenario_create(actor=persona("head"), region=sw, name="Nothing", assess_on=None, changes=[])
    assert err.value.field == "changes"
    line = _line(sw)
    with pytest.raises(ValidationFailed):
        services.scenario_create(
            actor=persona("head"),
            region=sw,
            name="Twice",
            assess_on=None,
            changes=[(line, dt.date(2027, 4, 1)), (line, dt.date(2028, 4, 1))],
        )
    assert not Scenario.objects.filter(name__in=["Nothing", "Twice"]).exists()


def test_it_seeds_a_cliff_edge_where_cyber_and_economic_crime_grants_end_together(persona, sw):
    cyber, econ = _line(sw), _line(sw, "econ-crime-uplift")
    assert cyber.end_date == econ.end_date
    assert cyber.end_date.month == 3
    assert cyber.end_date.day == 31
    picture = selectors.region_picture(user=persona("head"), region=sw)
    cliff_year = next(y for y in picture.cliff if y.year == funding.financial_year(cyber.end_date))
    assert {"cyber", "economic"} <= set(cliff_year.by_capability)
    assert cliff_year.cost_lost_pence == max(y.cost_lost_pence for y in picture.cliff)
    assert picture.gaps, "some contracts run past the grant"


def test_it_seeds_idempotently_and_other_regions_only_when_asked(sw):
    counts = (Post.objects.count(), PostHolder.objects.count(), FundingLine.objects.count(), Scenario.objects.count())
    seed_workforce(DemoContext(password="x" * 12))
    assert counts == (
        Post.objects.count(),
        PostHolder.objects.count(),
        FundingLine.objects.count(),
        Scenario.objects.count(),
    )
    assert not Post.objects.exclude(region=sw).exists()
    seed_workforce(DemoContext(password="x" * 12, all_regions=True))
    assert Post.objects.values("region").distinct().count() == Region.objects.count()


def test_it_compares_regions_as_totals_for_the_pcc_office(persona):
    seed_workforce(DemoContext(password="x" * 12, all_regions=True))
    rows = selectors.regions_compared(user=persona("pcc"))
    assert len(rows) == Region.objects.count()
    assert all(r.posts > 0 and r.annual_cost_pence > 0 for r in rows)
