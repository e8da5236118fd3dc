"""Outcomes and disruption claims: validation in the services, and who reaches each page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from rocu.audit.models import AuditEvent
from rocu.core.errors import NotFound, PermissionDenied, ValidationFailed
from rocu.intelligence.models import Nominal
from rocu.operations.models import Operation
from rocu.outcomes import selectors, services
from rocu.outcomes.models import ClaimStatus, DisruptionClaim, Outcome

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def op(code: str = "Op Vizardlike") -> Operation:
    return Operation.objects.get(code_name=code)


def uncharged(region_id: int) -> Nominal:
    person = Nominal.objects.filter(region_id=region_id).exclude(outcomes__kind="charge").first()
    assert person is not None
    return person


def record(actor, **kw):
    base = {"kind": "warning", "p_code": "pursue", "operation": op(), "occurred_on": TODAY()}
    return services.outcome_record(actor=actor, **{**base, **kw})


def claim(actor, **kw):
    base = {
        "grade": "moderate",
        "p_code": "pursue",
        "impact_weeks": 10,
        "description": "Key member arrested",
        "evidence": "Custody record",
        "occurred_on": TODAY(),
        "operation": op(),
    }
    return services.disruption_claim(actor=actor, **{**base, **kw})


# --- outcomes --------------------------------------------------------------------------


def test_it_refuses_a_conviction_until_the_same_person_is_charged(persona):
    sio = persona("sio")
    person = uncharged(sio.region_id)
    before = Outcome.objects.count()
    with pytest.raises(ValidationFailed, match="charge") as exc:
        record(sio, kind="conviction", nominal=person, sentence="4 years")
    assert exc.value.field == "kind"
    assert Outcome.objects.count() == before
    record(sio, kind="charge", nominal=person, occurred_on=TODAY() - dt.timedelta(days=30))
    conviction = record(sio, kind="conviction", nominal=person, sentence="4 years")
    assert conviction.nominal_id == person.pk


def test_it_refuses_a_conviction_when_only_another_person_was_charged(persona):
    sio = persona("sio")
    charged = Outcome.objects.filter(kind="charge").first().nominal
    other = uncharged(sio.region_id)
    assert other.pk != charged.pk
    with pytest.raises(ValidationFailed, match="charge"):
        record(sio, kind="conviction", nominal=other, sentence="2 years")


def test_it_refuses_a_conviction_without_its_sentence(persona):
    charged = Outcome.objects.filter(kind="charge").first().nominal
    with pytest.raises(ValidationFailed, match="sentence"):
        record(persona("sio"), kind="conviction", nominal=charged, sentence=" ")


def test_it_refuses_an_outcome_dated_in_the_future(persona):
    with pytest.raises(ValidationFailed, match="future") as exc:
        record(persona("sio"), occurred_on=TODAY() + dt.timedelta(days=1))
    assert exc.value.field == "occurred_on"


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("seizure_cash", {"quantity": -5, "unit": "GBP"}, "quantity"),
        ("seizure_cash", {"quantity": 0, "unit": "GBP"}, "quantity"),
        ("seizure_cash", {"quantity": "lots", "unit": "GBP"}, "quantity"),
        ("seizure_cash", {"quantity": 500}, "unit"),
        ("seizure_drugs", {"quantity": 2, "unit": "GBP", "drug_type": "Cocaine"}, "unit"),
        ("seizure_drugs", {"quantity": 2, "unit": "kg"}, "drug_type"),
        ("seizure_firearms", {"quantity": 3, "unit": "rounds"}, "unit"),
        ("warning", {"quantity": 3, "unit": "items"}, "quantity"),
        ("asset_recovery", {"quantity": 1000, "unit": "GBP"}, "asset_kind"),
        ("referral_partner", {}, "partner"),
        ("safeguard_child", {"count": 0}, "count"),
        ("arrest", {}, "nominal"),
    ],
)
def test_it_refuses_quantities_units_and_details_that_do_not_fit_the_type(persona, kind, extra, field):
    before = Outcome.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        record(persona("sio"), kind=kind, **extra)
    assert exc.value.field == field
    assert Outcome.objects.count() == before


def test_it_records_a_drugs_seizure_with_its_weight_and_audits_it(persona):
    sio = persona("sio")
    out = record(sio, kind="seizure_drugs", quantity="1.25", unit="kg", drug_type="Cocaine")
    assert out.quantity == Decimal("1.25")
    assert out.force_id == op().force_id
    assert out.threat_id == op().threat_id
    event = AuditEvent.objects.filter(action="outcomes.outcome.record").order_by("-pk").first()
    assert event.category == "collection"
    assert "Cocaine" not in str(event.detail)


def test_it_refuses_a_person_on_an_outcome_type_that_names_nobody(persona):
    with pytest.raises(ValidationFailed, match="name a person"):
        record(persona("sio"), kind="warning", nominal=uncharged(persona("sio").region_id))


def test_it_refuses_an_outcome_from_someone_not_working_on_the_operation(persona):
    with pytest.raises(PermissionDenied):
        record(persona("analyst"))  # on the team, but recording results is not an analyst's
    with pytest.raises(NotFound):
        record(persona("lro"), operation=Operation.objects.get(code_name="Op Fast Parcels"))


def test_it_needs_one_of_operation_or_plan_action(persona):
    with pytest.raises(ValidationFailed, match="one of them"):
        record(persona("sio"), operation=None)


# --- disruptions -----------------------------------------------------------------------


def test_it_refuses_a_grade_its_definition_cannot_cover(persona):
    before = DisruptionClaim.objects.count()
    with pytest.raises(ValidationFailed, match="6 months"):
        claim(persona("sio"), grade="major", impact_weeks=8)
    with pytest.raises(ValidationFailed, match="more than minor"):
        claim(persona("sio"), grade="minor", impact_weeks=20)
    assert DisruptionClaim.objects.count() == before


def test_it_refuses_a_claim_without_evidence_or_dated_in_the_future(persona):
    with pytest.raises(ValidationFailed, match="evidence"):
        claim(persona("sio"), evidence="")
    with pytest.raises(ValidationFailed, match="future"):
        claim(persona("sio"), occurred_on=TODAY() + dt.timedelta(days=2))


def test_it_refuses_a_validator_approving_their_own_claim_and_saves_nothing(persona):
    own = claim(persona("lro"))
    with pytest.raises(ValidationFailed, match="own claim"):
        services.disruption_validate(actor=persona("lro"), claim=own, approve=True)
    own.refresh_from_db()
    assert own.status == ClaimStatus.CLAIMED
    assert own.validator_id is None


def test_it_enforces_validator_not_claimant_in_the_database(persona):
    own = claim(persona("lro"))
    with pytest.raises(IntegrityError), transaction.atomic():
        DisruptionClaim.objects.filter(pk=own.pk).update(validator=persona("lro"))


def test_it_needs_a_reason_to_reject_and_keeps_it(persona):
    pending = claim(persona("sio"))
    with pytest.raises(ValidationFailed, match="reason"):
        services.disruption_validate(actor=persona("lro"), claim=pending, approve=False, reason="  ")
    done = services.disruption_validate(actor=persona("lro"), claim=pending, approve=False, reason="No evidence")
    assert done.status == ClaimStatus.REJECTED
    assert done.rejection_reason == "No evidence"
    assert done.validator_id == persona("lro").pk
    with pytest.raises(ValidationFailed, match="already"):
        services.disruption_validate(actor=persona("head"), claim=done, approve=True)


def test_it_validates_a_claim_and_counts_it_in_the_summary(persona):
    head = persona("head")
    before = {r["key"]: r for r in selectors.disruption_summary(user=head, by="p")}
    pending = claim(persona("sio"), p_code="prevent", grade="minor", impact_weeks=2)
    services.disruption_validate(actor=persona("lro"), claim=pending, approve=True)
    after = {r["key"]: r for r in selectors.disruption_summary(user=head, by="p")}
    was = before.get("prevent", {"minor": 0})["minor"]
    assert after["prevent"]["minor"] == was + 1
    assert AuditEvent.objects.filter(action="outcomes.disruption.validate", object_id=str(pending.pk)).exists()


def test_it_refuses_validation_by_an_sio(persona):
    pending = claim(persona("lro"))
    with pytest.raises(PermissionDenied):
        services.disruption_validate(actor=persona("sio"), claim=pending, approve=True)


def test_it_shows_counts_only_to_the_pcc(persona):
    pcc = persona("pcc")
    counts = {r["kind"]: r["n"] for r in selectors.outcome_counts(user=pcc)}
    assert counts["safeguard_child"] >= 10
    assert counts["arrest"] >= 18
    assert selectors.region_balance(user=pcc).total > 0


# --- access matrix ---------------------------------------------------------------------

GET_MATRIX = {
    # persona: list, list csv, disruptions, disruptions xlsx, viz claim page, carwash claim page,
    #          claim form on viz, summary
    "analyst": (200, 200, 200, 200, 200, 404, 403, 200),
    "disruption": (200, 200, 200, 200, 404, 404, 403, 200),
    "sio": (200, 200, 200, 200, 200, 200, 200, 200),
    "lro": (200, 200, 200, 200, 200, 200, 200, 200),  # the LRO leads Op Carwash's 4P plan
    "head": (200, 200, 200, 200, 200, 200, 200, 200),
    "forcelead": (200, 200, 200, 200, 404, 404, 403, 200),
    "pcc": (403, 403, 403, 403, 403, 403, 403, 200),
    "national": (403, 403, 403, 403, 403, 403, 403, 200),
    "auditor": (403, 403, 403, 403, 403, 403, 403, 403),
    "outsider": (200, 200, 200, 200, 404, 404, 403, 200),
    None: (302, 302, 302, 302, 302, 302, 302, 302),
}


@pytest.mark.parametrize("who", list(GET_MATRIX))
def test_it_answers_each_persona_on_every_outcomes_page(client_for, who):
    viz_claim = DisruptionClaim.objects.filter(operation=op()).first()
    carwash_claim = DisruptionClaim.objects.filter(operation=op("Op Carwash")).first()
    urls = [
        "/outcomes/",
        "/outcomes/?export=csv",
        "/outcomes/disruptions/",
        "/outcomes/disruptions/?export=xlsx",
        f"/outcomes/disruptions/{viz_claim.pk}/",
        f"/outcomes/disruptions/{carwash_claim.pk}/",
        f"/outcomes/operation/{op().pk}/disruption/",
        "/outcomes/summary/",
    ]
    client = client_for(who)
    got = tuple(client.get(u).status_code for u in urls)
    assert got == GET_MATRIX[who]


POST_MATRIX = {
    # persona: record an outcome on viz, claim a disruption on viz, validate a pending viz claim
    "analyst": (403, 403, 403),
    "disruption": (403, 403, 404),
    "sio": (302, 302, 403),
    "lro": (302, 302, 302),
    "head": (302, 302, 302),
    "forcelead": (403, 403, 404),
    "pcc": (403, 403, 403),
    "national": (403, 403, 403),
    "auditor": (403, 403, 403),
    "outsider": (403, 403, 404),
    None: (302, 302, 302),
}


@pytest.mark.parametrize("who", list(POST_MATRIX))
def test_it_answers_each_persona_posting_to_outcomes(client_for, persona, who):
    viz = op()
    pending = claim(persona("sio"), grade="minor", impact_weeks=1)
    day = TODAY().isoformat()
    client = client_for(who)
    got = (
        client.post(
            f"/outcomes/operation/{viz.pk}/record/", {"kind": "warning", "p": "prevent", "occurred_on": day, "count": 1}
        ).status_code,
        client.post(
            f"/outcomes/operation/{viz.pk}/disruption/",
            {
                "grade": "minor",
                "impact_weeks": 1,
                "p": "protect",
                "description": "Advice",
                "evidence": "Log",
                "occurred_on": day,
            },
        ).status_code,
        client.post(f"/outcomes/disruptions/{pending.pk}/", {"approve": "yes"}).status_code,
    )
    assert got == POST_MATRIX[who]
    pending.refresh_from_db()
    assert (pending.status == ClaimStatus.VALIDATED) is (got[2] == 302 and who is not None)


def test_it_shows_a_validator_their_own_claim_refused_with_nothing_saved(client_for, persona):
    own = claim(persona("head"), grade="minor", impact_weeks=1)
    resp = client_for("head").post(f"/outcomes/disruptions/{own.pk}/", {"approve": "yes"})
    assert resp.status_code == 400
    assert b"own claim" in resp.content
    own.refresh_from_db()
    assert own.status == ClaimStatus.CLAIMED


def test_it_shows_a_bad_outcome_on_the_operation_page_with_nothing_saved(client_for):
    before = Outcome.objects.count()
    resp = client_for("sio").post(
        f"/outcomes/operation/{op().pk}/record/",
        {"kind": "seizure_cash", "p": "pursue", "occurred_on": TODAY().isoformat(), "quantity": "-3", "unit": "GBP"},
    )
    assert resp.status_code in (200, 400)
    assert b"quantity greater than zero" in resp.content
    assert Outcome.objects.count() == before


def test_it_audits_an_export_as_a_disclosure(client_for):
    client_for("head").get("/outcomes/?export=csv")
    event = AuditEvent.objects.filter(action="outcomes.outcome.export").order_by("-pk").first()
    assert event.category == "disclosure"


def test_a_long_operation_shows_its_latest_outcomes_and_links_to_the_rest(client_for, persona):
    import datetime as _dt

    from rocu.operations.models import Operation
    from rocu.outcomes.models import Outcome

    op = Operation.objects.get(code_name="Op Vizardlike")
    first = Outcome.objects.filter(operation=op).first()
    assert first is not None
    extra = [
        Outcome(
            region=op.region,
            kind="warning",
            p="prevent",
            operation=op,
            force=first.force,
            occurred_on=_dt.date(2020, 1, 1) + _dt.timedelta(days=i),
            recorded_by=persona("sio"),
        )
        for i in range(120)
    ]
    Outcome.objects.bulk_create(extra)
    total = Outcome.objects.filter(operation=op).count()
    page = client_for("sio").get(f"/operations/{op.pk}/").content.decode()
    assert f"The latest 100 of {total} outcomes" in page
    assert f"Outcomes ({total})" in page
    assert page.count('<td class="govuk-table__cell">Warning</td>') <= 100  # the oldest are left to the list
    balance = client_for("sio").get(f"/operations/{op.pk}/")
    assert balance.context["balance"].counts["prevent"] >= 120  # the chart counts every outcome, not the 100 shown
    assert f"/outcomes/?operation={op.pk}" in page
    listed = client_for("sio").get(f"/outcomes/?operation={op.pk}")
    assert listed.status_code == 200
    assert f"{total} outcomes" in listed.content.decode()
    assert client_for("sio").get("/outcomes/?operation=abc").status_code == 200  # a bad filter is ignored, never a 500
