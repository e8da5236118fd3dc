"""Referral subjects, intelligence holdings and outcomes are records about people too:
each gets a review date, turns up in a subject access search, and can be disposed of."""

from __future__ import annotations

import datetime as dt

import pytest

from rocu.accounts.models import PartnerAgency, Region
from rocu.intelligence.models import HoldingRecord
from rocu.intelligence.services import holdings_import
from rocu.records import services
from rocu.records.models import RetentionRecord, RetentionStatus
from rocu.referrals import services as referral_services
from rocu.referrals.models import ReferralSubject, ReferralTemplate


@pytest.fixture
def sw(db):
    return Region.objects.get(code="south-west")


def _import_holding(persona, sw, surname="Quenby"):
    holdings_import(
        actor=persona("head"),
        region=sw,
        source_name="Registered kinds test",
        rows=[{"person_id": "RK1", "first_name": "Ysolde", "surname": surname, "postcode": "TR1 2AB"}],
    )
    return HoldingRecord.objects.get(source__name="Registered kinds test", person_id="RK1")


def test_an_imported_holding_gets_a_review_date_and_is_found_and_erased(persona, sw):
    holding = _import_holding(persona, sw)
    entry = RetentionRecord.objects.get(object_type="intelligence.holdingrecord", object_id=str(holding.pk))
    assert entry.reference == "RK1"
    assert entry.region_id == sw.pk
    assert entry.next_review > dt.date.today()

    sar = services.subject_access_create(actor=persona("head"), surname="quenby", first_name="Ysolde")
    found = services.subject_access_find(actor=persona("head"), sar=sar)
    assert [h.object_id for h in found if h.object_type == "intelligence.holdingrecord"] == [str(holding.pk)]

    services.retention_decide(actor=persona("head"), record=entry, decision="dispose", reason="Extract superseded")
    holding.refresh_from_db()
    assert (holding.first_name, holding.surname, holding.postcode) == ("", "", "")
    entry.refresh_from_db()
    assert entry.status == RetentionStatus.DISPOSED


def test_re_importing_the_same_extract_keeps_one_entry_per_record(persona, sw):
    holding = _import_holding(persona, sw)
    _import_holding(persona, sw, surname="Quenby-Hart")
    entries = RetentionRecord.objects.filter(object_type="intelligence.holdingrecord", object_id=str(holding.pk))
    assert entries.count() == 1


def test_referral_subjects_from_a_form_and_from_a_bulk_import_are_registered(persona, sw):
    referral = referral_services.referral_create(
        actor=persona("disruption"),
        region=sw,
        partner=PartnerAgency.objects.get(name="Border Force"),
        template=ReferralTemplate.BORDER_FORCE_PARCEL,
        head={"partner_reference": "BF-RK-1", "seizure_date": dt.date(2025, 3, 3), "commodity": "Cocaine"},
        subjects=[{"role": "sender", "first_name": "Ona", "surname": "Vellacott", "postcode": "BS1 4DJ"}],
    )
    subject = ReferralSubject.objects.get(referral=referral)
    entry = RetentionRecord.objects.get(object_type="referrals.referralsubject", object_id=str(subject.pk))
    assert entry.reference == referral.reference
    assert entry.region_id == sw.pk
    # The demo's 1,124 parcels were written in bulk; every subject has its entry too.
    bulk = ReferralSubject.objects.exclude(pk=subject.pk).values_list("pk", flat=True)
    registered = RetentionRecord.objects.filter(object_type="referrals.referralsubject").count()
    assert registered == len(bulk) + 1

    sar = services.subject_access_create(actor=persona("head"), surname="VELLACOTT")
    kinds = {h.kind_label for h in services.subject_access_find(actor=persona("head"), sar=sar)}
    assert "Referral subject" in kinds


def test_an_outcome_naming_a_person_is_found_through_the_nominal(persona, sw):
    from rocu.outcomes.models import Outcome

    outcome = Outcome.objects.filter(region=sw, nominal__isnull=False).select_related("nominal").first()
    assert outcome is not None, "the demo records charges against named people"
    assert RetentionRecord.objects.filter(object_type="outcomes.outcome", object_id=str(outcome.pk)).exists()
    sar = services.subject_access_create(actor=persona("head"), surname=outcome.nominal.surname)
    found = services.subject_access_find(actor=persona("head"), sar=sar)
    assert str(outcome.pk) in {h.object_id for h in found if h.object_type == "outcomes.outcome"}
