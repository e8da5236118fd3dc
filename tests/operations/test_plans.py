"""4P plan pages: objectives and actions under each P, action status, linking operations
to plans, the threat's 4P balance, and the Op Carwash demo plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rocu.audit.models import AuditEvent
from rocu.core.errors import NotFound, PermissionDenied, ValidationFailed
from rocu.operations import selectors, services
from rocu.operations.models import ActionStatus, Operation, OperationAction, Plan, PlanAction, PlanObjective
from rocu.operations.templates_data import PLAN_TEMPLATES
from rocu.threats.models import Threat

pytestmark = pytest.mark.django_db


def viz() -> Operation:
    return Operation.objects.get(code_name="Op Vizardlike")


def plan() -> Plan:
    return viz().plan


def test_it_adds_an_objective_and_an_action_under_it_through_the_plan_page(client_for):
    lro, the_plan = client_for("lro"), plan()
    url = f"/operations/plans/{the_plan.pk}/"
    resp = lro.post(f"{url}objectives/", {"p": "prevent", "text": "Deter young people from carrying firearms"})
    assert resp.status_code == 302
    assert resp["Location"].endswith("#p-prevent")
    objective = PlanObjective.objects.get(plan=the_plan, text="Deter young people from carrying firearms")
    resp = lro.post(
        f"{url}actions/",
        {
            "p": "prevent",
            "objective": objective.pk,
            "description": "Schools input in Bristol",
            "owner": "Avon and Somerset schools officer",
            "due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert resp.status_code == 302
    action = PlanAction.objects.get(plan=the_plan, description="Schools input in Bristol")
    assert (action.p, action.objective_id) == ("prevent", objective.pk)
    assert action.owner == "Avon and Somerset schools officer"
    body = lro.get(url).content.decode()
    assert "Deter young people from carrying firearms" in body
    assert "Schools input in Bristol" in body
    assert f"/operations/plans/actions/{action.pk}/edit/" in body
    assert AuditEvent.objects.filter(action="operations.plan.objective.add", object_id=str(objective.pk)).exists()
    assert AuditEvent.objects.filter(action="operations.plan.action.add", object_id=str(action.pk)).exists()


def test_it_refuses_a_blank_objective_or_an_objective_under_another_p_with_a_clear_error(client_for):
    lro, the_plan = client_for("lro"), plan()
    before = (PlanObjective.objects.count(), PlanAction.objects.count())
    resp = lro.post(f"/operations/plans/{the_plan.pk}/objectives/", {"p": "prevent", "text": "  "})
    assert resp.status_code == 400
    assert "There is a problem" in resp.content.decode()
    objective = PlanObjective.objects.filter(plan=the_plan, p="pursue").first()
    resp = lro.post(
        f"/operations/plans/{the_plan.pk}/actions/",
        {"p": "protect", "objective": objective.pk, "description": "Dealer security visits"},
    )
    assert resp.status_code == 400
    assert "same P as the action" in resp.content.decode()
    assert (PlanObjective.objects.count(), PlanAction.objects.count()) == before


def test_it_edits_an_objective_and_an_action_and_sets_the_action_status(client_for):
    lro, the_plan = client_for("lro"), plan()
    objective = PlanObjective.objects.filter(plan=the_plan).first()
    url = f"/operations/plans/objectives/{objective.pk}/edit/"
    assert lro.get(url).status_code == 200
    resp = lro.post(url, {"p": objective.p, "text": "Dismantle the supply network", "row_version": 1})
    assert resp.status_code == 302
    objective.refresh_from_db()
    assert (objective.text, objective.row_version) == ("Dismantle the supply network", 2)

    action = (
        PlanAction.objects.filter(plan=the_plan, objective__isnull=True).first()
        or PlanAction.objects.filter(plan=the_plan).first()
    )
    resp = lro.post(
        f"/operations/plans/actions/{action.pk}/edit/",
        {
            "p": action.p,
            "objective": action.objective_id or "",
            "description": "Target the armourer",
            "owner": "DI Shaw",
            "due_on": "",
            "status": "open",
            "row_version": action.row_version,
        },
    )
    assert resp.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.owner, action.row_version) == ("Target the armourer", "DI Shaw", 2)

    resp = lro.post(f"/operations/plans/actions/{action.pk}/status/", {"status": "done"})
    assert resp.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.row_version) == (ActionStatus.DONE, 3)
    event = AuditEvent.objects.get(action="operations.plan.action.status", object_id=str(action.pk))
    assert event.detail["to"] == "done"
    assert lro.post(f"/operations/plans/actions/{action.pk}/status/", {"status": "bogus"}).status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_it_lets_only_the_lro_and_the_head_change_the_plan(persona):
    the_plan = plan()
    with pytest.raises(PermissionDenied):
        services.plan_objective_add(actor=persona("analyst"), plan=the_plan, p_code="prevent", text="x")
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=persona("sio"), plan=the_plan, expected_version=1, title="Mine")
    with pytest.raises(NotFound):
        services.plan_update(actor=persona("outsider"), plan=the_plan, expected_version=1, title="Mine")
    with pytest.raises(ValidationFailed, match="LRO role"):
        services.plan_update(actor=persona("head"), plan=the_plan, expected_version=1, lro=persona("analyst"))
    the_plan.refresh_from_db()
    assert the_plan.row_version == 1


def test_it_sets_an_operation_action_status_through_the_operation_page(client_for, persona):
    op = viz()
    sio = client_for("sio")
    resp = sio.post(
        f"/operations/{op.pk}/actions/",
        {"description": "Forensic review of the workshop", "owner": persona("analyst").pk, "due_on": "2030-01-01"},
    )
    assert resp.status_code == 302
    action = OperationAction.objects.get(operation=op, description="Forensic review of the workshop")
    resp = client_for("analyst").post(f"/operations/actions/{action.pk}/status/", {"status": "cancelled"})
    assert resp.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED
    event = AuditEvent.objects.get(action="operations.action.status", object_id=str(action.pk))
    assert (event.detail["from"], event.detail["to"]) == ("open", "cancelled")
    # An owner off the team is refused with a clear error, and nothing is saved.
    resp = sio.post(
        f"/operations/{op.pk}/actions/",
        {"description": "Outside help", "owner": persona("disruption").pk, "due_on": "2030-01-01"},
    )
    assert resp.status_code == 400
    assert not OperationAction.objects.filter(description="Outside help").exists()


def test_it_links_and_unlinks_an_operation_and_its_plan(client_for):
    op = Operation.objects.get(code_name="Op Fast Parcels")
    assert op.plan_id is None
    target = plan()
    sio = client_for("sio")
    page = sio.get(f"/operations/{op.pk}/").content.decode()
    assert "Link to a 4P plan" in page
    assert sio.post(f"/operations/{op.pk}/plan/", {"plan": target.pk}).status_code == 302
    op.refresh_from_db()
    assert op.plan_id == target.pk
    event = AuditEvent.objects.filter(action="operations.operation.link_plan", object_id=str(op.pk)).latest("pk")
    assert (event.detail["plan_id"], event.detail["previous_plan_id"]) == (target.pk, None)
    # The plan's LRO now works on the operation, and sees it on the plan page.
    assert op.pk in {o.pk for o in selectors.operations_visible(user=target.lro)}
    assert sio.post(f"/operations/{op.pk}/plan/", {"plan": ""}).status_code == 302
    op.refresh_from_db()
    assert op.plan_id is None


def test_it_refuses_a_closed_plan_or_another_regions_plan(persona, client_for):
    op = Operation.objects.get(code_name="Op Fast Parcels")
    target = plan()
    Plan.objects.filter(pk=target.pk).update(status="closed")
    target.refresh_from_db()
    with pytest.raises(ValidationFailed, match="open plan"):
        services.operation_link_plan(actor=persona("sio"), operation=op, plan=target)
    resp = client_for("sio").post(f"/operations/{op.pk}/plan/", {"plan": target.pk})
    assert resp.status_code == 400  # a closed plan is not offered
    op.refresh_from_db()
    assert op.plan_id is None


def test_it_shows_a_threats_4p_balance_with_its_table_and_links_to_it(client_for):
    op = viz()
    threat = Threat.objects.get(pk=op.threat_id)
    sio = client_for("sio")
    body = sio.get(f"/operations/balance/threat/{threat.pk}/").content.decode()
    assert threat.name in body
    assert 'id="threat-actions"' in body or "threat-actions" in body
    assert "threat-results" in body
    assert "<table" in body  # the chart's table equivalent
    data = selectors.threat_balance(user=op.sio, threat=threat)
    assert data["result_balance"].counts["pursue"] >= 2  # firearms and ammunition seized
    assert data["action_balance"].total == PlanAction.objects.filter(plan__subject_id=threat.pk).count()
    assert f"/operations/balance/threat/{threat.pk}/" in sio.get(f"/operations/plans/{op.plan_id}/").content.decode()
    assert f"/operations/balance/threat/{threat.pk}/" in sio.get("/outcomes/summary/").content.decode()
    # The LRO cannot see the need-to-know threat, so the plan page offers no link to it.
    lro_page = client_for("lro").get(f"/operations/plans/{op.plan_id}/").content.decode()
    assert f"/operations/balance/threat/{threat.pk}/" not in lro_page


def test_it_seeds_op_carwash_with_an_adopted_priority_and_a_4p_plan():
    op = Operation.objects.get(code_name="Op Carwash")
    threat = Threat.objects.get(pk=op.threat_id)
    assert threat.is_priority
    assert threat.lro_id is not None
    assert op.plan is not None
    assert op.plan.subject_id == threat.pk
    assert op.plan.template == "human_trafficking"
    assert set(op.plan.actions.values_list("p", flat=True)) >= {"pursue", "prevent", "protect"}
    kinds = list(op.outcomes.values_list("kind", "count"))
    assert sum(n for k, n in kinds if k == "charge") == 3
    assert sum(n for k, n in kinds if k == "safeguard_adult") == 8
    assert not threat.flag_no_plan  # the threat picture no longer says it has no plan


def test_closing_a_plan_raises_the_no_plan_flag_again_and_reopening_clears_it(persona):
    carwash = Operation.objects.get(code_name="Op Carwash").plan
    services.plan_update(actor=persona("lro"), plan=carwash, expected_version=carwash.row_version, status="closed")
    assert Threat.objects.get(pk=carwash.subject_id).flag_no_plan
    carwash.refresh_from_db()
    services.plan_update(actor=persona("lro"), plan=carwash, expected_version=carwash.row_version, status="active")
    assert not Threat.objects.get(pk=carwash.subject_id).flag_no_plan


@pytest.mark.parametrize("template", sorted(PLAN_TEMPLATES))
def test_a_plan_from_a_template_starts_with_objectives_and_dated_actions_under_every_p(persona, template):
    review = timezone.localdate() + dt.timedelta(days=28)
    made = services.plan_create(
        actor=persona("head"),
        subject=viz().threat,
        lro=persona("lro"),
        title=f"Plan from {template}",
        template=template,
        next_review_on=review,
    )
    assert made.template == template
    for code in ("pursue", "prevent", "protect", "prepare"):
        assert PlanObjective.objects.filter(plan=made, p=code).exists(), code
        actions = PlanAction.objects.filter(plan=made, p=code)
        assert actions.exists(), code
        assert {(a.due_on, a.owner, a.status) for a in actions} == {
            (review, persona("lro").display_name, ActionStatus.OPEN)
        }
