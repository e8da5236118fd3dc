"""The demo seed is idempotent, and list pages keep a fixed number of queries as they grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rocu.core.demo import DemoContext
from rocu.operations import services
from rocu.operations.demo import seed_operations
from rocu.operations.models import DecisionEntry, JointReview, Operation, Plan, StatusChange
from rocu.outcomes.models import DisruptionClaim, Outcome

pytestmark = pytest.mark.django_db

MODELS = [Operation, Plan, DecisionEntry, JointReview, StatusChange, Outcome, DisruptionClaim]


def test_it_changes_nothing_when_the_seed_runs_again(persona):
    ctx = DemoContext(password="unused-password", scale=1)
    ctx.data["region"] = persona("head").region
    for name in ("analyst", "disruption", "sio", "lro", "head", "forcelead"):
        ctx.data[f"user:{name}"] = persona(name)
    before = {m.__name__: m.objects.count() for m in MODELS}
    seed_operations(ctx)
    assert {m.__name__: m.objects.count() for m in MODELS} == before


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/operations/", "/operations/plans/", "/outcomes/", "/outcomes/disruptions/"])
def test_it_keeps_list_queries_fixed_as_operations_grow(client_for, persona, url):
    client = client_for("head")
    _queries(client, url)  # warm caches (navigation, session)
    first = _queries(client, url)
    head, sio = persona("head"), persona("sio")
    force = head.region.forces.order_by("name").first()
    for i in range(8):
        op = services.operation_open(actor=head, code_name=f"Op Growth {i}", sio=sio, force=force)
        services.operation_status_change(actor=head, operation=op, to_status="live")
    assert _queries(client, url) == first
