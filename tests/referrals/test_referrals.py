"""Referrals through services, pages and the API: intake, checks, verdicts, triage, imports, funnel."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import override_settings
from openpyxl import Workbook

from rocu.accounts.models import Force, PartnerAgency, Region
from rocu.audit.models import AuditEvent, Category
from rocu.core.errors import Conflict, ValidationFailed
from rocu.intelligence.models import HoldingRecord, MatchDecision
from rocu.intelligence.services import match_decide, match_decision_withdraw
from rocu.referrals import funnel, intake, services, sla
from rocu.referrals.models import (
    CandidateMatch,
    ImportMode,
    ImportStatus,
    Referral,
    ReferralImport,
    ReferralStatus,
    ReferralTemplate,
    TriageDecision,
)
from rocu.referrals.selectors import funnel_counts


@pytest.fixture
def sw(db):
    return Region.objects.get(code="south-west")


@pytest.fixture
def border_force(db):
    return PartnerAgency.objects.get(name="Border Force")


@pytest.fixture
def held(db):
    """A person in the demo holdings, to send parcels to."""
    return HoldingRecord.objects.filter(date_of_birth__isnull=False, postcode__gt="").order_by("pk").first()


def parcel(ref: str, person: HoldingRecord | None = None, **head):
    subjects = [{"role": "sender", "first_name": "Ona", "surname": "Quickfall", "postcode": "BS1 4DJ"}]
    if person is not None:
        subjects.append(
            {
                "role": "recipient",
                "first_name": person.first_name.upper(),
                "surname": person.surname,
                "address": person.address,
                "town": person.town,
                "postcode": person.postcode,
            }
        )
    return {
        "head": {"partner_reference": ref, "seizure_date": dt.date(2025, 3, 3), "commodity": "Cocaine", **head},
        "subjects": subjects,
    }


def test_it_checks_a_new_referral_and_finds_the_held_recipient(persona, sw, border_force, held):
    referral = services.referral_create(
        actor=persona("disruption"),
        region=sw,
        partner=border_force,
        template=ReferralTemplate.BORDER_FORCE_PARCEL,
        **parcel("BF-T-1", held),
    )
    assert referral.status == ReferralStatus.CHECKED
    assert referral.reference == f"REF-{referral.pk:06d}"
    found = CandidateMatch.objects.filter(subject__referral=referral, holding=held).get()
    assert found.match_probability > 0.5
    evidence = {e["field"]: e for e in found.evidence}
    assert evidence["name"]["weight"] > 0
    assert evidence["postcode"]["level"]
    check = AuditEvent.objects.filter(action="referrals.check.run").latest("seq")
    assert check.category == Category.COMBINATION
    assert check.detail["candidates"] >= 1


def test_it_never_duplicates_a_partner_reference(persona, sw, border_force):
    kwargs = dict(region=sw, partner=border_force, template=ReferralTemplate.BORDER_FORCE_PARCEL, **parcel("BF-T-2"))
    services.referral_create(actor=persona("disruption"), run_check=False, **kwargs)
    with pytest.raises(Conflict):
        services.referral_create(actor=persona("disruption"), run_check=False, **kwargs)


def test_it_refuses_an_impossible_seizure_date_naming_the_field(persona, sw, border_force):
    data = parcel("BF-T-3")
    data["head"]["seizure_date"] = "31/02/2025"
    with pytest.raises(ValidationFailed) as err:
        services.referral_create(
            actor=persona("disruption"), region=sw, partner=border_force, template="border_force_parcel", **data
        )
    assert err.value.field == "seizure_date"
    assert not Referral.objects.filter(partner_reference="BF-T-3").exists()


def test_it_never_raises_a_rejected_pair_again_and_lets_the_verdict_be_withdrawn(persona, sw, border_force, held):
    analyst = persona("analyst")
    referral = services.referral_create(
        actor=analyst, region=sw, partner=border_force, template="border_force_parcel", **parcel("BF-T-4", held)
    )
    candidate = CandidateMatch.objects.get(subject__referral=referral, holding=held)
    match_decide(actor=analyst, candidate=candidate, verdict="not_same_as", reason="Different person, checked PNC")
    services.referrals_check(actor=analyst, referrals=[referral])
    assert not CandidateMatch.objects.filter(subject__referral=referral, holding=held).exists()
    # A later referral about the same subject meets the same verdict.
    later = services.referral_create(
        actor=analyst, region=sw, partner=border_force, template="border_force_parcel", **parcel("BF-T-5", held)
    )
    assert not CandidateMatch.objects.filter(subject__referral=later, holding=held).exists()
    # Reversible: withdrawing the verdict lets the engine raise the pair again.
    services.referrals_check(actor=analyst, referrals=[referral])
    decision = MatchDecision.objects.get(holding_key=f"h{held.pk}")
    assert decision.verdict == "not_same_as"
    fake = CandidateMatch(subject=referral.subjects.get(role="recipient"), holding_key=f"h{held.pk}")
    match_decision_withdraw(actor=analyst, candidate=fake)
    services.referrals_check(actor=analyst, referrals=[referral])
    assert CandidateMatch.objects.filter(subject__referral=referral, holding=held).exists()
    assert AuditEvent.objects.filter(action="intelligence.match.withdraw").exists()


def test_it_shows_a_confirmed_candidate_first_on_the_page(client_for, persona, sw, border_force, held):
    analyst = persona("analyst")
    referral = services.referral_create(
        actor=analyst, region=sw, partner=border_force, template="border_force_parcel", **parcel("BF-T-6", held)
    )
    candidate = CandidateMatch.objects.get(subject__referral=referral, holding=held)
    response = client_for("analyst").post(f"/referrals/candidates/{candidate.pk}/decide/", {"verdict": "same_as"})
    assert response.status_code == 302
    page = client_for("analyst").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Same as" in page
    assert held.surname in page
    assert AuditEvent.objects.filter(action="referrals.referral.view", object_id=str(referral.pk)).exists()


def test_it_requires_a_reason_force_and_handling_code_to_disseminate(persona, sw, border_force):
    actor = persona("disruption")
    referral = services.referral_create(
        actor=actor, region=sw, partner=border_force, template="border_force_parcel", **parcel("BF-T-7")
    )
    with pytest.raises(ValidationFailed) as err:
        services.referral_triage(
            actor=actor, referral=referral, decision="disseminate", reason="", expected_version=referral.row_version
        )
    assert err.value.field == "reason"
    with pytest.raises(ValidationFailed) as err:
        services.referral_triage(
            actor=actor, referral=referral, decision="disseminate", reason="Local", expected_version=1
        )
    assert err.value.field == "force"
    dc = Force.objects.get(code="devon-cornwall")
    with pytest.raises(ValidationFailed) as err:
        services.referral_triage(
            actor=actor,
            referral=referral,
            decision="disseminate",
            reason="Local",
            force=dc,
            handling_code="C",
            expected_version=1,
        )
    assert err.value.field == "handling_conditions"
    services.referral_triage(
        actor=actor,
        referral=referral,
        decision="disseminate",
        reason="Local supply",
        force=dc,
        handling_code="P",
        expected_version=1,
    )
    event = AuditEvent.objects.filter(action="referrals.referral.triage").latest("seq")
    assert (event.category, event.recipient) == (Category.DISCLOSURE, dc.name)


def test_it_shows_the_force_lead_only_what_was_disseminated_to_their_force(client_for):
    dc = Force.objects.get(code="devon-cornwall")
    page = client_for("forcelead").get("/referrals/?per_page=100").content.decode()
    mine = Referral.objects.filter(disseminated_to=dc)
    assert f"{mine.count()} referral" in page
    other = Referral.objects.exclude(disseminated_to=dc).first()
    assert client_for("forcelead").get(f"/referrals/{other.pk}/").status_code == 404


def test_it_refuses_triage_before_the_check(persona, sw, border_force):
    actor = persona("disruption")
    referral = services.referral_create(
        actor=actor,
        region=sw,
        partner=border_force,
        template="border_force_parcel",
        run_check=False,
        **parcel("BF-T-8"),
    )
    with pytest.raises(ValidationFailed):
        services.referral_triage(actor=actor, referral=referral, decision="nfa", reason="Nothing", expected_version=1)


def test_it_counts_service_levels_in_working_days_around_bank_holidays():
    assert sla.add_working_days(dt.date(2025, 5, 2), 2) == dt.date(2025, 5, 7)  # early May bank holiday
    assert sla.add_working_days(dt.date(2025, 12, 24), 2) == dt.date(2025, 12, 30)
    assert sla.clock("Check", dt.date(2025, 1, 8), None, dt.date(2025, 1, 9)).state == "overdue"
    assert sla.clock("Check", dt.date(2025, 1, 8), dt.date(2025, 1, 8), dt.date(2025, 2, 1)).state == "met"


def _csv(rows: list[list[str]], template: str = "border_force_parcel") -> bytes:
    header = ",".join(intake.template_columns(template))
    return ("\n".join([header, *(",".join(r) for r in rows)]) + "\n").encode()


def _row(ref: str, surname: str = "Tregothnan", dob: str = "", seizure: str = "2025-03-03") -> list[str]:
    return (
        [ref, "", seizure, "Heathrow", "Cannabis", "500", "g"]
        + ["Zoë", surname, dob, "1 Quay Road", "Truro", "TR1 2AA", "", ""]
        + [""] * 8
    )


def _import(client, content: bytes, mode: str = "all_or_nothing", name: str = "parcels.csv"):
    from django.test import TestCase

    bf = PartnerAgency.objects.get(name="Border Force")
    upload = io.BytesIO(content)
    upload.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job's task is queued on commit
        return client.post(
            "/referrals/import/", {"partner": bf.pk, "template": "border_force_parcel", "mode": mode, "file": upload}
        )


def test_it_imports_a_csv_in_a_job_and_never_twice(client_for):
    client = client_for("disruption")
    content = _csv([_row("BF-IMP-1"), _row("BF-IMP-2", dob="14/02/1990")])
    response = _import(client, content)
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]
    upload = ReferralImport.objects.latest("pk")
    assert (upload.status, upload.rows_imported) == (ImportStatus.DONE, 2)
    assert Referral.objects.get(partner_reference="BF-IMP-2").status == ReferralStatus.CHECKED
    _import(client, content)
    again = ReferralImport.objects.latest("pk")
    assert (again.rows_imported, again.rows_duplicate) == (0, 2)
    assert Referral.objects.filter(partner_reference__startswith="BF-IMP-").count() == 2
    job = client.get(response["Location"])
    assert job.status_code == 200


def test_it_imports_nothing_when_one_row_is_bad_in_all_or_nothing_mode(client_for):
    client = client_for("disruption")
    content = _csv([_row("BF-BAD-1"), _row("BF-BAD-2", dob="31/02/1990"), _row("BF-BAD-1")])
    _import(client, content)
    upload = ReferralImport.objects.latest("pk")
    assert upload.status == ImportStatus.REJECTED
    assert upload.rows_imported == 0
    assert not Referral.objects.filter(partner_reference__startswith="BF-BAD-").exists()
    fields = {(e["row"], e["field"]) for e in upload.errors}
    assert (3, "sender_dob") in fields
    assert (4, "partner_reference") in fields
    report = client.get(f"/referrals/import/{upload.pk}/errors.csv").content.decode()
    assert "sender_dob" in report
    _import(client, content, mode=ImportMode.VALID_ROWS)
    assert Referral.objects.filter(partner_reference__startswith="BF-BAD-").count() == 1


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"partner_reference,commodity\nX,Y\n", "p.csv", "missing"),
        ("ref\n\xff\xfe bad".encode("latin-1"), "p.csv", "not UTF-8"),
        (b"anything", "p.txt", ".csv or .xlsx"),
        (b"not a zip", "p.xlsx", "not a readable XLSX"),
    ],
)
def test_it_refuses_an_unreadable_file_with_a_clear_message(client_for, content, name, says):
    response = _import(client_for("disruption"), content, name=name)
    if response.status_code == 200:  # refused before queueing
        assert says in response.content.decode()
        return
    upload = ReferralImport.objects.latest("pk")
    assert upload.status == ImportStatus.REJECTED
    assert says in upload.errors[0]["message"]


def test_it_refuses_a_file_over_the_size_limit(client_for):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = _import(client_for("disruption"), _csv([_row("BF-BIG-1"), _row("BF-BIG-2")]))
    assert response.status_code == 200
    assert "the limit is" in response.content.decode()
    assert not Referral.objects.filter(partner_reference__startswith="BF-BIG-").exists()


def test_it_imports_an_xlsx_file(client_for):
    wb = Workbook()
    ws = wb.active
    ws.append(intake.template_columns("border_force_parcel"))
    ws.append([*_row("BF-X-1")[:2], dt.date(2025, 3, 3), *_row("BF-X-1")[3:]])
    buffer = io.BytesIO()
    wb.save(buffer)
    _import(client_for("disruption"), buffer.getvalue(), name="parcels.xlsx")
    assert Referral.objects.get(partner_reference="BF-X-1").seizure_date == dt.date(2025, 3, 3)


def test_it_neutralises_formulas_in_the_queue_export(client_for, persona, sw, border_force):
    services.referral_create(
        actor=persona("disruption"),
        region=sw,
        partner=border_force,
        template="border_force_parcel",
        run_check=False,
        **parcel("=HYPERLINK(1)"),
    )
    body = client_for("disruption").get("/referrals/?q=HYPERLINK&export=csv").content.decode()
    assert "'=HYPERLINK(1)" in body
    assert AuditEvent.objects.filter(action="referrals.referral.export", category=Category.DISCLOSURE).exists()


def test_it_creates_through_the_api_and_refuses_bad_input_as_problem_json(client_for, border_force):
    client = client_for("disruption")
    body = {
        "partner": border_force.pk,
        "template": "border_force_parcel",
        "partner_reference": "BF-API-1",
        "seizure_date": "2025-03-01",
        "commodity": "Ketamine",
        "subjects_in": [{"role": "recipient", "first_name": "Łukasz", "surname": "Nowak", "postcode": "PL4 8AA"}],
    }
    created = client.post("/api/v1/referrals/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "checked"
    bad = client.post(
        "/api/v1/referrals/",
        json.dumps({**body, "partner_reference": "BF-API-2", "seizure_date": "2025-02-31"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/v1/referrals/?colour=red").status_code == 400


@pytest.fixture
def no_providers():
    """The funnel as it stands before any capability records investigations."""
    saved = dict(funnel._PROVIDERS)
    funnel._PROVIDERS.clear()
    yield
    funnel._PROVIDERS.clear()
    funnel._PROVIDERS.update(saved)


def test_it_shows_the_funnel_with_honest_zeros_until_investigations_exist(client_for, persona, no_providers):
    data = funnel_counts(user=persona("pcc"))
    stages = {s["key"]: s for s in data["stages"]}
    assert stages["received"]["count"] >= 1124
    assert stages["actioned"]["count"] >= 62 + 110
    assert stages["investigated"]["count"] == 0
    assert "once investigations" in stages["investigated"]["note"]
    page = client_for("pcc").get("/referrals/funnel/").content.decode()
    assert "recorded once investigations are in rocu" in page
    assert "Quickfall" not in page  # aggregates only


def test_it_fills_a_later_stage_from_a_registered_provider(persona, no_providers):
    adopted = set(Referral.objects.filter(decision=TriageDecision.ADOPT).values_list("pk", flat=True))
    funnel.register_funnel_stage_provider("investigated", lambda ids: adopted & set(ids))
    stages = {s["key"]: s for s in funnel_counts(user=persona("head"))["stages"]}
    assert stages["investigated"]["count"] == len(adopted)
    assert not stages["investigated"]["note"]


def test_it_seeds_the_demo_figures(db):
    demo = Referral.objects.filter(partner_reference__startswith="BF-DEMO-")
    assert demo.count() == 1124
    assert demo.filter(decision=TriageDecision.ADOPT).count() == 62
    assert CandidateMatch.objects.filter(subject__referral__in=demo, match_probability__gte=0.9).count() > 100
