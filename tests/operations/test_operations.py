from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rocu.core.errors import NotFound, PermissionDenied, ValidationFailed
from rocu.operations import services
from rocu.operations.models import DecisionEntry, ImmutableEntryError, Operation
from rocu.outcomes import services as out_services
from rocu.outcomes.models import DisruptionClaim

pytestmark = pytest.mark.django_db


def viz() -> Operation:
    return Operation.objects.get(code_name="Op Vizardlike")


def test_it_refuses_an_sio_without_pip3(persona):
    with pytest.raises(ValidationFailed, match="PIP3"):
        services.operation_open(
            actor=persona("head"), code_name="Op X", sio=persona("lro"), force=persona("head").region.forces.first()
        )
    assert not Operation.objects.filter(code_name="Op X").exists()


def test_it_keeps_the_team_as_the_need_to_know_group(persona):
    op = viz()
    services.team_member_add(actor=persona("sio"), operation=op, user=persona("disruption"))
    assert op.need_to_know_group.memberships.filter(user=persona("disruption")).exists()
    services.team_member_remove(actor=persona("sio"), operation=op, user=persona("disruption"))
    assert not op.need_to_know_group.memberships.filter(user=persona("disruption")).exists()


def test_it_never_edits_or_deletes_a_decision(persona):
    entry = DecisionEntry.objects.filter(operation=viz()).first()
    assert not hasattr(services, "decision_update")
    assert not hasattr(services, "decision_delete")
    entry.decision = "changed"
    with pytest.raises(ImmutableEntryError):
        entry.save()
    with pytest.raises(ImmutableEntryError):
        entry.delete()
    fix = services.decision_record(
        actor=persona("sio"), operation=viz(), decision="Corrected", rationale="Typo", corrects=entry
    )
    assert fix.corrects_id == entry.pk
    assert fix.number == entry.number + 1


def test_it_refuses_a_decision_without_rationale(persona):
    n = DecisionEntry.objects.count()
    with pytest.raises(ValidationFailed, match="rationale"):
        services.decision_record(actor=persona("sio"), operation=viz(), decision="Do it", rationale=" ")
    assert DecisionEntry.objects.count() == n


def test_it_records_a_joint_review_with_sio_and_lro(persona):
    op = viz()
    r = services.joint_review_record(
        actor=persona("sio"),
        operation=op,
        held_on=timezone.localdate(),
        attendees=[persona("sio"), persona("lro")],
        agreed={"prevent": "Schools work"},
    )
    assert r.plan_id == op.plan_id
    with pytest.raises(ValidationFailed):
        services.joint_review_record(
            actor=persona("sio"),
            operation=op,
            held_on=timezone.localdate(),
            attendees=[persona("sio")],
            agreed={"prevent": "x"},
        )


def test_it_refuses_a_conviction_without_a_charge(persona):
    from rocu.intelligence.models import Nominal

    person = Nominal.objects.filter(region=persona("sio").region).exclude(outcomes__kind="charge").first()
    with pytest.raises(ValidationFailed, match="charge"):
        out_services.outcome_record(
            actor=persona("sio"),
            kind="conviction",
            p_code="pursue",
            operation=viz(),
            nominal=person,
            sentence="4 years",
            occurred_on=timezone.localdate(),
        )
    with pytest.raises(ValidationFailed, match="future"):
        out_services.outcome_record(
            actor=persona("sio"),
            kind="warning",
            p_code="pursue",
            operation=viz(),
            occurred_on=timezone.localdate() + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationFailed, match="quantity"):
        out_services.outcome_record(
            actor=persona("sio"),
            kind="seizure_cash",
            p_code="pursue",
            operation=viz(),
            quantity=-5,
            unit="GBP",
            occurred_on=timezone.localdate(),
        )


def test_it_refuses_a_validator_approving_their_own_claim(persona):
    own = out_services.disruption_claim(
        actor=persona("head"),
        operation=viz(),
        grade="minor",
        p_code="prevent",
        impact_weeks=1,
        description="Warning",
        evidence="Letter",
        occurred_on=timezone.localdate(),
    )
    with pytest.raises(ValidationFailed, match="own claim"):
        out_services.disruption_validate(actor=persona("head"), claim=own, approve=True)
    claim = DisruptionClaim.objects.filter(status="claimed").exclude(pk=own.pk).first()
    with pytest.raises(PermissionDenied):
        out_services.disruption_validate(actor=persona("sio"), claim=claim, approve=True)
    with pytest.raises(ValidationFailed, match="reason"):
        out_services.disruption_validate(actor=persona("lro"), claim=claim, approve=False)


def test_it_hides_another_operation_from_a_team_member(persona):
    from rocu.operations import selectors

    other = Operation.objects.get(code_name="Op Lantern")
    with pytest.raises(NotFound):
        selectors.operation_get(user=persona("analyst"), pk=other.pk)


MATRIX = {
    # persona: (list, viz page, other op page, plans, compliance, outcomes, disruptions, summary)
    "analyst": (200, 200, 404, 200, 200, 200, 200, 200),
    "disruption": (200, 404, 404, 200, 200, 200, 200, 200),
    "sio": (200, 200, 200, 200, 200, 200, 200, 200),
    "lro": (200, 200, 200, 200, 200, 200, 200, 200),
    "head": (200, 200, 200, 200, 200, 200, 200, 200),
    "forcelead": (200, 404, 200, 200, 200, 200, 200, 200),
    "pcc": (403, 403, 403, 403, 200, 403, 403, 200),
    "national": (403, 403, 403, 403, 200, 403, 403, 200),
    "auditor": (403, 403, 403, 403, 403, 403, 403, 403),
    "outsider": (200, 404, 404, 200, 200, 200, 200, 200),
    None: (302, 302, 302, 302, 302, 302, 302, 302),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_answers_each_persona_with_the_right_status(client_for, who):
    op = viz()
    other = Operation.objects.get(code_name="Op Lantern")
    urls = [
        "/operations/",
        f"/operations/{op.pk}/",
        f"/operations/{other.pk}/",
        "/operations/plans/",
        "/operations/joint-working/",
        "/outcomes/",
        "/outcomes/disruptions/",
        "/outcomes/summary/",
    ]
    client = client_for(who)
    got = tuple(client.get(u).status_code for u in urls)
    assert got == MATRIX[who]


def test_it_opens_an_operation_from_an_adopted_referral_and_fills_the_funnel(persona):
    from rocu.operations import providers
    from rocu.referrals.models import Referral

    adopted = Referral.objects.filter(decision="adopt").first()
    Operation.referrals.through.objects.filter(referral=adopted).delete()  # as if newly adopted
    assert adopted.pk not in providers.referrals_investigated([adopted.pk])
    op = services.operation_open_from_referral(
        actor=persona("head"), referral=adopted, sio=persona("sio"), code_name="Op From Referral"
    )
    assert list(op.referrals.all()) == [adopted]
    assert adopted.pk in providers.referrals_investigated([adopted.pk])
    out_services.outcome_record(
        actor=persona("sio"), kind="warning", p_code="pursue", operation=op, occurred_on=timezone.localdate()
    )
    assert adopted.pk in providers.referrals_with_outcome([adopted.pk])


def test_it_refuses_to_open_an_operation_from_a_referral_not_adopted(persona):
    from rocu.referrals.models import Referral

    other = Referral.objects.exclude(decision="adopt").first()
    with pytest.raises(ValidationFailed, match="adopted"):
        services.operation_open_from_referral(
            actor=persona("head"), referral=other, sio=persona("sio"), code_name="Op Not Adopted"
        )
    assert not Operation.objects.filter(code_name="Op Not Adopted").exists()
