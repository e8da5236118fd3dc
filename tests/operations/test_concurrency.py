"""The LRO and the ROCU head editing one 4P plan: a stale save is a conflict, never an overwrite."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from rocu.audit.models import AuditEvent
from rocu.core.concurrency import EditConflict
from rocu.operations import services
from rocu.operations.models import Operation, Plan, PlanAction, PlanObjective
from tests.api.conftest import assert_problem, bearer, create_token

pytestmark = pytest.mark.django_db


def plan() -> Plan:
    return Operation.objects.get(code_name="Op Vizardlike").plan


def _form(page: str) -> dict[str, Any]:
    """The edit form's fields as the browser would post them back, from the rendered page."""
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and name.group(1) != "csrfmiddlewaretoken":
            data[name.group(1)] = html.unescape(value.group(1))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(text.strip())
    return data


def test_it_shows_both_versions_on_a_stale_plan_edit_and_saves_the_second_try(client_for):
    the_plan = plan()
    url = f"/operations/plans/{the_plan.pk}/edit/"
    lro, head = client_for("lro"), client_for("head")
    mine = _form(lro.get(url).content.decode())
    theirs = _form(head.get(url).content.decode())
    assert mine["row_version"] == theirs["row_version"] == "1"

    assert head.post(url, {**theirs, "partners": "Crimestoppers, dealers' association"}).status_code == 302
    page = lro.post(url, {**mine, "partners": "National Ballistics Intelligence Service", "title": "Firearms plan"})
    body = page.content.decode()
    assert page.status_code == 409
    assert 'data-testid="edit-conflict"' in body
    assert "Saved by someone else (version 2)" in body
    assert "Crimestoppers, dealers&#x27; association" in body
    assert "National Ballistics Intelligence Service" in body
    the_plan.refresh_from_db()
    assert (the_plan.partners, the_plan.row_version) == ("Crimestoppers, dealers' association", 2)
    assert the_plan.title != "Firearms plan"
    assert AuditEvent.objects.filter(action="operations.plan.update", object_id=str(the_plan.pk)).count() == 1

    # Re-drawn on version 2 with what the LRO typed: saving it again is on purpose.
    again = _form(body)
    assert (again["row_version"], again["title"]) == ("2", "Firearms plan")
    assert lro.post(url, again).status_code == 302
    the_plan.refresh_from_db()
    assert (the_plan.title, the_plan.partners, the_plan.row_version) == (
        "Firearms plan",
        "National Ballistics Intelligence Service",
        3,
    )


def test_it_refuses_a_stale_objective_or_action_edit_and_writes_nothing(persona):
    the_plan = plan()
    objective = PlanObjective.objects.filter(plan=the_plan).first()
    services.plan_objective_update(
        actor=persona("head"), objective=objective, expected_version=1, p_code=objective.p, text="Head's wording"
    )
    stale = PlanObjective.objects.get(pk=objective.pk)
    stale.row_version = 1
    with pytest.raises(EditConflict) as caught:
        services.plan_objective_update(
            actor=persona("lro"), objective=stale, expected_version=1, p_code=objective.p, text="LRO's wording"
        )
    assert {"Text": ("Head's wording", "LRO's wording")}.items() <= {
        r.label: (r.theirs, r.yours) for r in caught.value.rows
    }.items()
    objective.refresh_from_db()
    assert (objective.text, objective.row_version) == ("Head's wording", 2)

    action = PlanAction.objects.filter(plan=the_plan).first()
    opened = PlanAction.objects.get(pk=action.pk)
    # Marking it done moves the version on, so an edit page opened before is now stale.
    services.plan_action_set_status(actor=persona("lro"), action=action, status="done")
    with pytest.raises(EditConflict):
        services.plan_action_update(
            actor=persona("head"),
            action=opened,
            expected_version=opened.row_version,
            p_code=opened.p,
            description="Reworded",
            status="open",
            objective=opened.objective,
        )
    action.refresh_from_db()
    assert (action.status, action.row_version) == ("done", 2)
    assert action.description != "Reworded"
    with pytest.raises(EditConflict):  # a caller that does not say what it read is refused too
        services.plan_update(actor=persona("lro"), plan=the_plan, expected_version=None, title="No version")


def test_it_answers_a_stale_api_change_with_409_and_both_versions(persona):
    the_plan = plan()
    client = bearer(create_token("lro"))
    url = f"/api/v1/plans/{the_plan.pk}/"
    read = client.get(url).json()
    assert read["row_version"] == 1
    assert all("row_version" in a for a in read["actions"])
    services.plan_update(actor=persona("head"), plan=the_plan, expected_version=1, partners="Crimestoppers")

    def patch(body: dict[str, Any]) -> Any:
        return client.patch(url, json.dumps(body), content_type="application/json")

    problem = assert_problem(patch({"partners": "NABIS", "row_version": 1}), 409)
    assert problem["conflict"]["current_version"] == 2
    assert {"field": "Partners", "saved": "Crimestoppers", "yours": "NABIS"} in problem["conflict"]["fields"]
    the_plan.refresh_from_db()
    assert the_plan.partners == "Crimestoppers"

    assert "row_version" in assert_problem(patch({"partners": "NABIS"}), 400)["errors"]
    done = patch({"partners": "NABIS", "row_version": 2})
    assert (done.status_code, done.json()["partners"], done.json()["row_version"]) == (200, "NABIS", 3)

    full = {
        "title": "Firearms supply plan",
        "lro": the_plan.lro_id,
        "partners": "NABIS",
        "status": "active",
        "next_review_on": None,
        "row_version": 3,
    }
    put = client.put(url, json.dumps(full), content_type="application/json")
    assert (put.status_code, put.json()["title"], put.json()["row_version"]) == (200, "Firearms supply plan", 4)
    assert_problem(client.put(url, json.dumps({"title": "x", "row_version": 4}), content_type="application/json"), 400)


@pytest.mark.parametrize(("who", "status"), [("analyst", 403), ("sio", 403), ("outsider", 404), ("pcc", 403)])
def test_it_lets_only_the_lro_and_the_head_change_a_plan_through_the_api(who, status):
    the_plan = plan()
    client = bearer(create_token(who))
    body = json.dumps({"title": "Mine", "row_version": 1})
    assert_problem(client.patch(f"/api/v1/plans/{the_plan.pk}/", body, content_type="application/json"), status)
    the_plan.refresh_from_db()
    assert the_plan.row_version == 1
    assert the_plan.title != "Mine"
