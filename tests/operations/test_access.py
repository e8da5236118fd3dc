"""Who may reach each operations page, with the exact answer.

`{viz}` Op Vizardlike (Avon and Somerset; team: sio, analyst; plan LRO: lro), `{lantern}`
Op Lantern (Devon and Cornwall; team: sio), `{plan}` Vizardlike's 4P plan, `{objective}`
and `{paction}` an objective and an action of it, `{vaction}` an action on Vizardlike,
`{laction}` one on Lantern, `{threat}` the Vizardlike threat. A team member of one
operation asking for another's gets 404, like a missing record. Columns as in
tests/core/matrix.py. POSTs send data that fails validation, so a 400 shows the caller
got past every permission check without changing anything.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rocu.operations import services, urls
from rocu.operations.models import Operation, PlanAction, PlanObjective
from tests.core.matrix import check, covered_names, expand, route_names

pytestmark = pytest.mark.django_db

OPS = "/operations"
BAD = {"status": "bogus"}
BAD_PLAN = {"plan": "999999999"}

TABLE = [
    # answers: ana dis sio lro hea frc pcc nat aud out anon
    ("200 200 200 200 200 200 403 403 403 200 LOG", "GET", f"{OPS}/"),
    ("403 403 200 403 200 403 403 403 403 403 LOG", "GET", f"{OPS}/open/"),
    ("200 404 200 200 200 404 403 403 403 404 LOG", "GET", f"{OPS}/{{viz}}/"),
    ("404 404 200 200 200 200 403 403 403 404 LOG", "GET", f"{OPS}/{{lantern}}/"),
    ("405 405 405 405 405 405 403 403 403 405 LOG", "GET", f"{OPS}/{{viz}}/decisions/"),
    ("403 404 400 403 400 404 403 403 403 404 LOG", "POST", f"{OPS}/{{viz}}/decisions/", {}),
    ("400 404 400 400 400 404 403 403 403 404 LOG", "POST", f"{OPS}/{{viz}}/status/", {}),
    ("400 404 400 400 400 404 403 403 403 404 LOG", "POST", f"{OPS}/{{viz}}/team/", {}),
    ("400 404 400 400 400 404 403 403 403 404 LOG", "POST", f"{OPS}/{{viz}}/reviews/", {}),
    # Link to or unlink from a 4P plan; operation actions and their status.
    ("405 405 405 405 405 405 403 403 403 405 LOG", "GET", f"{OPS}/{{viz}}/plan/"),
    ("400 404 400 400 400 404 403 403 403 404 LOG", "POST", f"{OPS}/{{viz}}/plan/", BAD_PLAN),
    ("404 404 400 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/{{lantern}}/plan/", BAD_PLAN),
    ("400 404 400 400 400 404 403 403 403 404 LOG", "POST", f"{OPS}/{{viz}}/actions/", {}),
    ("404 404 400 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/{{lantern}}/actions/", {}),
    ("400 404 400 400 400 404 403 403 403 404 LOG", "POST", f"{OPS}/actions/{{vaction}}/status/", BAD),
    ("404 404 400 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/actions/{{laction}}/status/", BAD),
    ("404 404 404 404 404 404 403 403 403 404 LOG", "POST", f"{OPS}/actions/999999999/status/", BAD),
    # Plans: the LRO and the ROCU head change them; others who see them read them.
    ("200 200 200 200 200 200 403 403 403 200 LOG", "GET", f"{OPS}/plans/"),
    ("403 403 403 200 200 403 403 403 403 403 LOG", "GET", f"{OPS}/plans/new/"),
    ("200 404 200 200 200 200 403 403 403 404 LOG", "GET", f"{OPS}/plans/{{plan}}/"),
    ("403 404 403 200 200 403 403 403 403 404 LOG", "GET", f"{OPS}/plans/{{plan}}/edit/"),
    ("403 404 403 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/plans/{{plan}}/edit/", {}),
    ("403 404 403 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/plans/{{plan}}/objectives/", {}),
    ("403 404 403 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/plans/{{plan}}/actions/", {}),
    ("403 404 403 200 200 403 403 403 403 404 LOG", "GET", f"{OPS}/plans/objectives/{{objective}}/edit/"),
    ("403 404 403 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/plans/objectives/{{objective}}/edit/", {}),
    ("404 404 404 404 404 404 403 403 403 404 LOG", "GET", f"{OPS}/plans/objectives/999999999/edit/"),
    ("403 404 403 200 200 403 403 403 403 404 LOG", "GET", f"{OPS}/plans/actions/{{paction}}/edit/"),
    ("403 404 403 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/plans/actions/{{paction}}/edit/", {}),
    ("405 405 405 405 405 405 403 403 403 405 LOG", "GET", f"{OPS}/plans/actions/{{paction}}/status/"),
    ("403 404 403 400 400 403 403 403 403 404 LOG", "POST", f"{OPS}/plans/actions/{{paction}}/status/", BAD),
    # A threat's 4P balance: counts, but it names the threat, so only those who see it.
    # The threat is need-to-know (the Vizardlike team), so its LRO and the force lead get 404.
    ("200 404 200 404 200 404 403 403 403 404 LOG", "GET", f"{OPS}/balance/threat/{{threat}}/"),
    ("404 404 404 404 404 404 403 403 403 404 LOG", "GET", f"{OPS}/balance/threat/999999999/"),
    ("200 200 200 200 200 200 200 200 403 200 LOG", "GET", f"{OPS}/joint-working/"),
]


@pytest.fixture
def records(persona):
    viz = Operation.objects.get(code_name="Op Vizardlike")
    lantern = Operation.objects.get(code_name="Op Lantern")
    due = dt.date.today() + dt.timedelta(days=14)
    vaction = services.operation_action_add(
        actor=persona("sio"), operation=viz, description="Covert approach", owner=persona("sio"), due_on=due
    )
    laction = services.operation_action_add(
        actor=persona("sio"), operation=lantern, description="Device triage", owner=persona("sio"), due_on=due
    )
    return {
        "viz": viz.pk,
        "lantern": lantern.pk,
        "plan": viz.plan_id,
        "objective": PlanObjective.objects.filter(plan_id=viz.plan_id).first().pk,
        "paction": PlanAction.objects.filter(plan_id=viz.plan_id).first().pk,
        "vaction": vaction.pk,
        "laction": laction.pk,
        "threat": viz.threat_id,
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "operations") == route_names(urls)
