"""Threats, OCGs, assessments and T&CG decisions through the services, on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rocu.accounts.models import Force, Region
from rocu.audit.models import AuditEvent
from rocu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from rocu.threats import selectors, services
from rocu.threats.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    Meeting,
    MeetingStatus,
    OrganisedCrimeGroup,
    TaskingAction,
    TaskingSubject,
    Threat,
)

pytestmark = pytest.mark.django_db

HARM = {"physical": 2, "psychological": 2, "financial": 2, "community": 2, "scope": 2, "vulnerability": 2}


def score(**changes):
    fields = dict(
        harm=dict(HARM),
        likelihood=5,
        confidence="medium",
        organisational_position=3,
        opportunity=3,
        rationale="Partner reporting and seizures.",
    )
    fields.update(changes)
    return services.ScoreRequest(**fields)


def _score(*, actor, subject, request):
    """Score as a person who saw the latest version does."""
    latest = subject.assessments.order_by("-version").values_list("version", flat=True).first() or 0
    return services.assessment_create(actor=actor, subject=subject, request=request, scored_from=latest)


@pytest.fixture
def sw():
    return Region.objects.get(code="south-west")


@pytest.fixture
def threat(persona, sw):
    return services.threat_create(
        actor=persona("analyst"),
        region=sw,
        name="County lines — Newton Abbot",
        threat_type="drugs",
        area="Newton Abbot",
        held_by="force",
        holding_force=Force.objects.get(code="devon-cornwall"),
        forces_affected=[Force.objects.get(code="devon-cornwall")],
    )


def test_it_creates_a_threat_with_a_reference_and_an_audit_event(threat):
    assert threat.reference == f"THR-{threat.pk:06d}"
    assert AuditEvent.objects.filter(action="threats.threat.create", object_id=str(threat.pk)).exists()
    assert threat.flags() == ["stale"]  # never assessed


def test_it_refuses_a_threat_outside_the_actors_region(persona):
    with pytest.raises(PermissionDenied):
        services.threat_create(
            actor=persona("outsider"), region=Region.objects.get(code="south-west"), name="x", threat_type="drugs"
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"threat_type": "jaywalking"}, "threat_type"),
        ({"classification": "secret-squirrel"}, "classification"),
        ({"held_by": "force"}, "holding_force"),
        ({"held_by": "army"}, "held_by"),
    ],
)
def test_it_refuses_bad_threat_fields_naming_the_field(persona, sw, fields, field):
    before = Threat.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.threat_create(
            actor=persona("analyst"), region=sw, **{"name": "A threat", "threat_type": "drugs", **fields}
        )
    assert err.value.field == field
    assert Threat.objects.count() == before


def test_it_refuses_a_classification_above_the_actors_vetting(persona, sw):
    with pytest.raises(ValidationFailed) as err:
        services.threat_create(
            actor=persona("analyst"), region=sw, name="A threat", threat_type="drugs", classification="top_secret"
        )
    assert err.value.field == "classification"


def test_it_versions_every_score_and_never_overwrites(persona, threat):
    first = _score(actor=persona("analyst"), subject=threat, request=score())
    second = _score(actor=persona("analyst"), subject=threat, request=score(likelihood=4))
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert (first.risk, second.risk) == (50.0, 40.0)
    assert first.scale_version == "morile-v1"
    assert first.scored_by.username == "analyst"


def test_it_keeps_the_subject_unscored_until_another_analyst_approves(persona, threat):
    assessment = _score(actor=persona("analyst"), subject=threat, request=score())
    threat.refresh_from_db()
    assert threat.risk is None
    assert threat.assessed_level == ""
    with pytest.raises(PermissionDenied):
        services.assessment_review(actor=persona("analyst"), assessment=assessment, approve=True)
    services.assessment_review(actor=persona("analyst2"), assessment=assessment, approve=True)
    threat.refresh_from_db()
    assert (threat.risk, threat.confidence, threat.assessed_level, threat.level) == (
        50.0,
        "medium",
        "regional",
        "regional",
    )
    assert threat.assessed_on == timezone.localdate()
    # Regional, held by a force: flagged at once.
    assert threat.flags() == ["force_holds_regional"]


def test_it_returns_a_score_only_with_a_comment(persona, threat):
    assessment = _score(actor=persona("analyst"), subject=threat, request=score())
    with pytest.raises(ValidationFailed) as err:
        services.assessment_review(actor=persona("analyst2"), assessment=assessment, approve=False, comment=" ")
    assert err.value.field == "comment"
    returned = services.assessment_review(
        actor=persona("analyst2"), assessment=assessment, approve=False, comment="Harm to the community is overstated."
    )
    assert returned.status == AssessmentStatus.RETURNED
    with pytest.raises(Conflict):
        services.assessment_review(actor=persona("analyst2"), assessment=assessment, approve=True)


def test_it_refuses_a_score_without_rationale_or_out_of_range(persona, threat):
    with pytest.raises(ValidationFailed) as err:
        _score(actor=persona("analyst"), subject=threat, request=score(rationale="  "))
    assert err.value.field == "rationale"
    with pytest.raises(ValidationFailed) as err:
        _score(actor=persona("analyst"), subject=threat, request=score(harm={**HARM, "physical": 7}))
    assert err.value.field == "physical"
    with pytest.raises(ValidationFailed) as err:
        _score(actor=persona("analyst"), subject=threat, request=score(likelihood=0))
    assert err.value.field == "likelihood"
    assert not Assessment.objects.filter(subject=threat).exists()


def test_it_lets_only_analysts_score(persona, threat):
    with pytest.raises(PermissionDenied):
        _score(actor=persona("head"), subject=threat, request=score())


def test_it_shows_the_difference_from_the_last_version(persona, threat):
    _score(actor=persona("analyst"), subject=threat, request=score())
    v2 = _score(actor=persona("analyst"), subject=threat, request=score(likelihood=3))
    v1 = threat.assessments.get(version=1)
    from rocu.engines.scoring import changes

    changed = {c.field for c in changes(v1.comparable(), v2.comparable())}
    assert changed == {"Likelihood", "Risk", "Priority", "Proposed level"}  # 50 → 30: regional → local


def test_it_moves_the_level_and_holder_on_a_tcg_decision_in_one_transaction(persona, threat):
    a = _score(actor=persona("analyst"), subject=threat, request=score())
    services.assessment_review(actor=persona("analyst2"), assessment=a, approve=True)
    threat.refresh_from_db()
    assert threat.level == "regional"
    head = persona("head")
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    decision = services.decision_record(
        actor=head,
        meeting=meeting,
        subject=threat,
        request=services.DecisionRequest(
            kind="move_level",
            rationale="Cross-force supply: the ROCU takes it.",
            owner=head,
            due_on=meeting.held_on + dt.timedelta(days=30),
            new_level="national",
        ),
    )
    threat.refresh_from_db()
    assert (threat.level, threat.held_by, threat.holding_force) == ("national", "nca", None)
    assert "force_holds_regional" not in threat.flags()
    assert AuditEvent.objects.filter(action="threats.decision.move_level", object_id=str(decision.pk)).exists()


def test_it_adopts_a_priority_and_flags_no_lro_and_no_plan(persona, threat):
    head = persona("head")
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    request = services.DecisionRequest(
        kind="adopt", rationale="High harm to children.", owner=head, due_on=meeting.held_on
    )
    services.decision_record(actor=head, meeting=meeting, subject=threat, request=request)
    threat.refresh_from_db()
    assert threat.is_priority
    assert threat.adopted_on == meeting.held_on
    assert {"no_lro", "no_plan"} <= set(threat.flags())
    services.threat_update(
        actor=persona("analyst"), threat=threat, expected_version=threat.row_version, lro=persona("lro")
    )
    threat.refresh_from_db()
    assert "no_lro" not in threat.flags()
    assert "no_plan" in threat.flags()


def test_it_clears_no_plan_when_a_plan_provider_says_there_is_one(persona, threat):
    head = persona("head")
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    services.decision_record(
        actor=head,
        meeting=meeting,
        subject=threat,
        request=services.DecisionRequest(
            kind="adopt", rationale="r", owner=head, due_on=meeting.held_on, lro=persona("lro")
        ),
    )

    def provider(ids):
        return {threat.pk} & set(ids)

    services.register_plan_provider(provider)
    try:
        assert services.flags_refresh_all() >= 1
        threat.refresh_from_db()
        assert "no_plan" not in threat.flags()
    finally:
        services._PLAN_PROVIDERS.remove(provider)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rationale": " "}, "rationale"),
        ({"kind": "ignore"}, "kind"),
        ({"kind": "move_level", "new_level": ""}, "new_level"),
        ({"kind": "allocate", "capability": "army"}, "capability"),
        ({"due_on": None}, "due_on"),
        ({"due_on": dt.date(2000, 1, 1)}, "due_on"),
    ],
)
def test_it_refuses_a_bad_decision_and_changes_nothing(persona, threat, changes, field):
    head = persona("head")
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    fields = dict(kind="adopt", rationale="Because.", owner=head, due_on=meeting.held_on)
    fields.update(changes)
    with pytest.raises(ValidationFailed) as err:
        services.decision_record(
            actor=head, meeting=meeting, subject=threat, request=services.DecisionRequest(**fields)
        )
    assert err.value.field == field
    threat.refresh_from_db()
    assert not threat.is_priority
    assert not Decision.objects.filter(subject=threat).exists()


def test_it_refuses_a_decision_on_a_threat_outside_the_meetings_region(persona, sw):
    head = persona("head")
    ne = Region.objects.get(code="north-east")
    elsewhere = Threat.objects.create(
        region=ne,
        kind="threat",
        reference="THR-NE-1",
        name="Elsewhere",
        threat_type="drugs",
        owner=persona("outsider"),
        created_by=persona("outsider"),
    )
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED, region=sw).get()
    with pytest.raises(NotFound):
        services.decision_record(
            actor=head,
            meeting=meeting,
            subject=elsewhere,
            request=services.DecisionRequest(kind="adopt", rationale="r", owner=head, due_on=meeting.held_on),
        )


def test_it_makes_an_action_for_a_required_plan(persona, threat):
    head = persona("head")
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    decision = services.decision_record(
        actor=head,
        meeting=meeting,
        subject=threat,
        request=services.DecisionRequest(
            kind="require_plan",
            rationale="Pursue alone will not do.",
            owner=persona("lro"),
            due_on=meeting.held_on + dt.timedelta(days=28),
        ),
    )
    action = TaskingAction.objects.get(decision=decision)
    assert action.owner.username == "lro"
    assert threat.reference in action.description
    # The owner may close their own action; others without the T&CG role may not.
    services.action_set_status(actor=persona("lro"), action=action, status="done")
    with pytest.raises(PermissionDenied):
        services.action_set_status(actor=persona("analyst"), action=action, status="open")


def test_it_lets_only_the_rocu_head_run_and_decide(persona, sw, threat):
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=persona("analyst"), region=sw, title="T&CG", held_on=timezone.localdate())
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=persona("analyst"),
            meeting=meeting,
            subject=threat,
            request=services.DecisionRequest(
                kind="adopt", rationale="r", owner=persona("head"), due_on=meeting.held_on
            ),
        )


def test_it_builds_the_agenda_pack_from_the_data(persona, threat):
    a = _score(actor=persona("analyst"), subject=threat, request=score())
    services.assessment_review(actor=persona("analyst2"), assessment=a, approve=True)
    meeting = Meeting.objects.filter(status=MeetingStatus.PLANNED).get()
    pack = selectors.agenda_pack(user=persona("head"), meeting=meeting)
    assert a in pack.new_assessments
    assert threat.pk in {s.pk for s in pack.flagged}
    assert any(x.status == AssessmentStatus.AWAITING_REVIEW for x in pack.awaiting_review)


def test_it_hides_need_to_know_threats_from_the_agenda_of_non_members(persona):
    meeting = Meeting.objects.filter(status=MeetingStatus.HELD).get()
    lro_pack = selectors.agenda_pack(user=persona("lro"), meeting=meeting)
    head_pack = selectors.agenda_pack(user=persona("head"), meeting=meeting)
    names = lambda pack: {d.subject.name for d in pack.decisions}  # noqa: E731
    assert "Firearms supply — Project Vizardlike" in names(head_pack)
    assert "Firearms supply — Project Vizardlike" not in names(lro_pack)


def test_it_adds_and_audits_ocg_members(persona, sw):
    from rocu.intelligence.models import Nominal

    analyst = persona("analyst")
    ocg = services.ocg_create(actor=analyst, region=sw, name="Test group", threat_types=["drugs"])
    nominal = Nominal.objects.filter(region=sw, need_to_know_group__isnull=True).first()
    services.ocg_member_add(actor=analyst, ocg=ocg, nominal=nominal, role="principal")
    with pytest.raises(Conflict):
        services.ocg_member_add(actor=analyst, ocg=ocg, nominal=nominal, role="member")
    members = selectors.ocg_members(user=analyst, ocg=ocg)
    assert [m.nominal_id for m in members] == [nominal.pk]
    event = AuditEvent.objects.filter(action="threats.ocg.members.view").latest("seq")
    assert event.category == "consultation"
    assert event.detail == {"nominals": [nominal.pk]}


def test_it_shows_no_members_to_roles_without_personal_data(persona):
    ocg = OrganisedCrimeGroup.objects.get(name="Tamar Crossing network")
    assert selectors.ocg_members(user=persona("pcc"), ocg=ocg) == []


def test_it_counts_without_names_for_pcc_and_national(persona):
    national = selectors.aggregates(user=persona("national"))
    pcc = selectors.aggregates(user=persona("pcc"))
    assert national.total >= 40
    assert national.ocgs >= 15
    assert 0 < pcc.total < national.total  # Devon and Cornwall's share
    assert sum(n for _, n in national.by_level) == national.total
    with pytest.raises(PermissionDenied):
        selectors.aggregates(user=persona("auditor"))


def test_it_lets_the_force_soc_lead_see_only_their_forces_threats(persona):
    seen = selectors.subjects_visible(user=persona("forcelead"))
    dc = Force.objects.get(code="devon-cornwall")
    assert seen.exists()
    assert all(dc in s.forces_affected.all() for s in seen)
    assert not seen.filter(name="County lines — Swindon").exists()


def test_it_seeds_the_demo_idempotently():
    from rocu.core.demo import DemoContext
    from rocu.threats.demo import seed_threats

    ctx = DemoContext(password="another-long-password")
    from rocu.accounts.models import User

    ctx.data.update({"region": Region.objects.get(code="south-west")})
    for u in ("analyst", "head", "lro", "sio", "forcelead"):
        ctx.data[f"user:{u}"] = User.objects.get(username=u)
    before = (TaskingSubject.objects.count(), Assessment.objects.count(), Decision.objects.count())
    seed_threats(ctx)
    assert (TaskingSubject.objects.count(), Assessment.objects.count(), Decision.objects.count()) == before
