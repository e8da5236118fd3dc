"""Threats and OCGs tell the counter-corruption scan who works on them (and so on their people)."""

from __future__ import annotations

import datetime as dt

import pytest

from rocu.accounts.models import GroupMembership, NeedToKnowGroup, Region, User
from rocu.core.classification import Classification
from rocu.counter_corruption.links import bulk_providers_for, work_links
from rocu.counter_corruption.models import Alert
from rocu.counter_corruption.scanning import anomaly_scan
from rocu.intelligence.models import DataSubjectCategory, Nominal
from rocu.intelligence.selectors import nominal_get
from rocu.threats import links, services
from rocu.threats.models import Decision, DecisionKind, Meeting, OCGMembership, TaskingAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw():
    return Region.objects.get(code="south-west")


@pytest.fixture
def ocg(persona, sw):
    return services.ocg_create(actor=persona("head"), region=sw, name="Harbour View crew", threat_types=["drugs"])


@pytest.fixture
def members(persona, sw, ocg):
    """Five person records in the group, recorded by someone who will not look at them."""
    made = []
    for i in range(5):
        nominal = Nominal.objects.create(
            region=sw,
            reference=f"LNK-{i:04d}",
            classification=Classification.OFFICIAL_SENSITIVE,
            subject_category=DataSubjectCategory.SUSPECT,
            first_name="Member",
            surname=f"Trevail{i}",
            created_by=persona("head"),
        )
        OCGMembership.objects.create(ocg=ocg, nominal=nominal, role="member", added_by=persona("head"))
        made.append(nominal)
    return made


def _task(persona, ocg, owner):
    """A T&CG decision on the group, owned by `owner`: tasking them on it."""
    meeting = Meeting.objects.create(
        region=ocg.region, title="T&CG", held_on=dt.date(2026, 1, 5), chair=persona("head"), created_by=persona("head")
    )
    return Decision.objects.create(
        meeting=meeting,
        subject=ocg,
        kind=DecisionKind.ALLOCATE,
        rationale="Allocate the regional intelligence unit.",
        owner=owner,
        due_on=dt.date(2026, 2, 5),
        recorded_by=persona("head"),
    )


def test_it_registers_providers_for_threats_ocgs_and_their_people():
    for object_type in links.SUBJECT_TYPES:
        assert links.linked_subjects_bulk in bulk_providers_for(object_type)
    assert links.linked_ocg_members_bulk in bulk_providers_for("intelligence.nominal")


def test_it_links_owners_leads_tasked_people_and_group_members_to_a_threat(persona, sw, ocg):
    threat = services.threat_create(actor=persona("analyst"), region=sw, name="County lines", threat_type="drugs")
    ids = [str(threat.pk), str(ocg.pk), "not-a-number"]
    assert links.linked_subjects(persona("analyst").pk, "threats.threat", ids) == {str(threat.pk)}  # recorded it
    assert links.linked_subjects(persona("sio").pk, "threats.threat", ids) == set()

    decision = _task(persona, ocg, persona("sio"))
    assert links.linked_subjects(persona("sio").pk, "threats.organisedcrimegroup", ids) == {str(ocg.pk)}

    TaskingAction.objects.create(
        meeting=decision.meeting, decision=decision, description="Profile", owner=persona("lro"), due_on=decision.due_on
    )
    assert links.linked_subjects(persona("lro").pk, "threats.organisedcrimegroup", ids) == {str(ocg.pk)}

    group = NeedToKnowGroup.objects.create(region=sw, name="Operation Trevail")
    GroupMembership.objects.create(group=group, user=persona("disruption"))
    assert links.linked_subjects(persona("disruption").pk, "threats.threat", ids) == set()
    threat.need_to_know_group = group
    threat.save(update_fields=["need_to_know_group"])
    assert links.linked_subjects(persona("disruption").pk, "threats.threat", ids) == {str(threat.pk)}

    # Through the scan's own entry point, with every provider at once.
    found = work_links("threats.threat", {persona("disruption").pk: {str(threat.pk)}, persona("sio").pk: ids}, {})
    assert found[persona("disruption").pk] == {str(threat.pk)}


def test_a_tasked_look_at_the_groups_people_raises_no_alert_and_an_unrelated_one_does(persona, ocg, members):
    tasked, unrelated = persona("sio"), persona("analyst")
    _task(persona, ocg, tasked)
    anomaly_scan(actor_username="test")  # the demo's own events, out of the way
    for nominal in members:
        nominal_get(user=tasked, pk=nominal.pk)
        nominal_get(user=unrelated, pk=nominal.pk)
    anomaly_scan(actor_username="test")

    assert links.linked_ocg_members(tasked.pk, "intelligence.nominal", [str(m.pk) for m in members]) == {
        str(m.pk) for m in members
    }
    tasked_alerts = Alert.objects.filter(subject=tasked, rules__icontains='"no_work_link"')
    assert not tasked_alerts.exists()

    alert = Alert.objects.get(subject=unrelated, rules__icontains='"no_work_link"')
    reason = next(r for r in alert.reasons if r["rule"] == "no_work_link")
    assert sorted(reason["records"]) == sorted(["intelligence.nominal", str(m.pk)] for m in members)
    assert reason["text"].startswith("Looked at 5 person records with no work link")


def test_it_answers_for_many_people_in_a_fixed_number_of_queries(persona, ocg, members, django_assert_max_num_queries):
    _task(persona, ocg, persona("sio"))
    ids = [str(m.pk) for m in members]
    wanted = {user.pk: ids for user in User.objects.all()[:60]}
    wanted[persona("sio").pk] = wanted[persona("analyst").pk] = ids
    with django_assert_max_num_queries(5):
        found = links.linked_ocg_members_bulk("intelligence.nominal", wanted)
    assert found[persona("sio").pk] == set(ids)
    assert found[persona("analyst").pk] == set()
    with django_assert_max_num_queries(4):
        links.linked_subjects_bulk("threats.organisedcrimegroup", {u: [str(ocg.pk)] for u in wanted})
