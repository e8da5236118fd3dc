"""`seed-demo --regions all` fills the national view, and every dashboard's query count stays fixed."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.core.demo import DemoContext, seeders
from rocu.engines import metrics as m
from rocu.performance import demo_regions, selectors
from rocu.threats.models import TaskingSubject
from tests.conftest import PASSWORD


def _seed_all_regions() -> None:
    ctx = DemoContext(password=PASSWORD, scale=1, all_regions=True)
    for _order, _name, seeder in seeders():
        seeder(ctx)


def _last_quarter() -> m.Period:
    return m.current_period("quarter", timezone.localdate()).previous()


def _this_year() -> m.Period:
    return m.current_period("fy", timezone.localdate())


def _has_value(result: selectors.MetricResult) -> bool:
    """Some count above zero, or a rate with a denominator (a true 0.0% is a value; "no data" is not)."""
    cells = [cell for row in result.rows for cell in row]
    return any(isinstance(c, int) and c > 0 for c in cells) or any(
        isinstance(c, str) and c.endswith("%") for c in cells
    )


def test_seeding_all_regions_gives_every_region_a_value_for_every_available_metric(db):
    _seed_all_regions()
    period = _this_year()
    live = selectors.availability()
    regions = list(Region.objects.order_by("name"))
    assert len(regions) == 10
    missing = []
    for region in regions:
        scope = selectors.DashboardScope(region.name, (region.pk,))
        for result in selectors.compute(None, scope, period):
            if live[result.metric.id] and not _has_value(result):
                missing.append((region.code, result.metric.id))
    # The demo region's own seeders are not this one's: its 4P plan actions have no due
    # dates yet, so they fall in no period. Every generated region must be complete.
    assert [(code, metric) for code, metric in missing if code != demo_regions.DEMO_REGION] == [], missing
    for metric_id in selectors.NATIONAL_METRICS:
        units = selectors.national_units(metric_id, period)
        assert len(units) == 10
        assert [name for name, _, n in units if n == 0] == [], metric_id


def test_the_funnel_plot_marks_the_deliberate_outliers(db):
    _seed_all_regions()
    units = selectors.national_units("referral_conversion", _last_quarter())
    _, points = m.funnel(units)
    london = Region.objects.get(code="london").name
    assert {p.unit for p in points if p.outlier == "above"} >= {london}


def test_seeding_all_regions_twice_adds_nothing(db):
    _seed_all_regions()
    before = {model: model.objects.count() for model in _generated_models()}
    _seed_all_regions()
    assert {model: model.objects.count() for model in _generated_models()} == before


def test_seeding_one_region_leaves_the_others_empty(db):
    assert not TaskingSubject.objects.filter(name__startswith=demo_regions.MARKER).exists()


def _generated_models():
    from rocu.operations.models import JointReview, Operation, Plan, PlanAction
    from rocu.outcomes.models import DisruptionClaim, Outcome
    from rocu.referrals.models import Referral

    return [TaskingSubject, Plan, PlanAction, Operation, JointReview, Referral, Outcome, DisruptionClaim]


PAGES = [
    ("head", "/performance/?period={period}"),
    ("forcelead", "/performance/?period={period}"),
    ("pcc", "/performance/?period={period}"),
    ("national", "/performance/?scope=all&period={period}"),
    ("national", "/performance/national/?metric=referral_conversion&period={period}"),
    ("national", "/performance/national/?metric=joint_review_compliance&period={period}"),
    ("national", "/performance/national/?metric=vacancy_rate&period={period}"),
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _page_counts(client_for) -> dict[tuple[str, str], int]:
    counts = {}
    for actor, url in PAGES:
        url = url.format(period=_last_quarter().token)
        client = client_for(actor)
        _queries(client, url)  # warm caches (sessions, content types)
        counts[(actor, url)] = _queries(client, url)
    return counts


def test_each_dashboard_runs_the_same_number_of_queries_with_more_data(client_for):
    small = _page_counts(client_for)
    _seed_all_regions()
    # Grow the demo region too, so the head, force lead and PCC pages see more rows.
    demo_regions.RegionSeeder(Region.objects.get(code="south-west"), scale=3).run()
    large = _page_counts(client_for)  # new sessions: seeding resets the demo passwords
    assert large == small
