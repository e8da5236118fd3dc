"""Threat pages, exports, import, the PDF agenda pack, the API and the CLI as users meet them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from rocu.audit.models import AuditEvent
from rocu.threats.models import Assessment, Decision, Meeting, OrganisedCrimeGroup, TaskingSubject, Threat

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "name,threat_type,area,forces,classification,held_by,holding_force,description\n"
    "County lines — Barnstaple,drugs,Barnstaple,devon-cornwall,official_sensitive,force,devon-cornwall,\n"
    "Fraud — Bath,fraud,Bath,avon-somerset;wiltshire,,rocu,,Two forces\n"
)
BAD_CSV = GOOD_CSV + "Oops,jaywalking,,atlantis,,force,,\n"


def test_it_draws_the_picture_with_each_threat_a_clickable_point(client_for):
    response = client_for("analyst").get("/threats/")
    assert response.status_code == 200
    body = response.content.decode()
    figure = json.loads(body.split('id="threat-picture-data" type="application/json">')[1].split("</script>")[0])
    urls = [u for trace in figure["data"] for u in trace["customdata"]]
    assert urls
    assert all(u.startswith("/threats/") for u in urls)
    assert {t["name"] for t in figure["data"]} <= {"Local (force)", "Regional (ROCU)", "National (NCA)"}
    # The points skip Plotly's per-value checks for speed; they must still be traces it accepts.
    import plotly.graph_objects as go

    for trace in figure["data"]:
        checked = {k: v for k, v in trace.items() if k != "type"}
        assert go.Scatter(**checked).to_plotly_json()["x"] == trace["x"]
    table = body.split('id="threat-picture-caption"')[1].split("</table>")[0]
    assert table.count('<tr class="govuk-table__row">') == len(urls) + 1  # a table row for each point, and the header


def test_it_filters_by_flag_force_type_and_level(client_for):
    client = client_for("analyst")
    stale = client.get("/threats/?flag=stale")
    assert "County lines — Truro and Camborne" in stale.content.decode()
    assert "County lines — Plymouth" not in stale.content.decode()
    wilts = client.get(f"/threats/?force={_force('wiltshire')}&threat_type=drugs&level=local")
    assert "County lines — Salisbury" in wilts.content.decode()
    assert "County lines — Plymouth" not in wilts.content.decode()


def _force(code):
    from rocu.accounts.models import Force

    return Force.objects.get(code=code).pk


def test_it_keeps_the_picture_to_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for("head")
    client.get("/threats/")
    with django_assert_max_num_queries(25) as few:
        client.get("/threats/?per_page=25")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/threats/?per_page=100")


def test_it_exports_exactly_what_is_listed_and_audits_it(client_for):
    client = client_for("analyst")
    page = client.get("/threats/?flag=force_holds_regional&per_page=100").content.decode()
    response = client.get("/threats/?flag=force_holds_regional&export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Name", "Type"]
    assert len(rows) - 1 == Threat.objects.filter(flag_force_holds_regional=True).count()
    assert all(r[1] in page for r in rows[1:])
    assert all("Regional threat held by a force" in r[13] for r in rows[1:])
    event = AuditEvent.objects.filter(action="threats.threat.export").latest("seq")
    assert event.category == "disclosure"
    assert event.detail["rows"] == len(rows) - 1
    xlsx = client.get("/threats/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_lists_every_flag_on_the_mismatches_page(client_for):
    body = client_for("head").get("/threats/mismatches/").content.decode()
    for label in (
        "Regional threat held by a force",
        "ROCU working below its level",
        "No LRO",
        "No 4P plan",
        "Stale assessment",
    ):
        assert label in body
    assert "4P plans are not yet recorded in rocu" in body


def test_it_scores_and_reviews_through_the_pages(client_for):
    threat = Threat.objects.get(name="County lines — Exeter")
    form = {
        "physical": 3,
        "psychological": 3,
        "financial": 1,
        "community": 3,
        "scope": 2,
        "vulnerability": 3,
        "likelihood": 4,
        "confidence": "low",
        "organisational_position": 3,
        "opportunity": 3,
        "rationale": "More stabbings linked to the line.",
        "row_version": max([0, *threat.assessments.values_list("version", flat=True)]),
    }
    bad = client_for("analyst").post(f"/threats/subjects/{threat.pk}/score/", {**form, "physical": 9})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    response = client_for("analyst").post(f"/threats/subjects/{threat.pk}/score/", form)
    assessment = Assessment.objects.filter(subject=threat).latest("version")
    assert response["Location"] == f"/threats/assessments/{assessment.pk}/"
    own = client_for("analyst").get(response["Location"]).content.decode()
    assert "another analyst must review it" in own
    # analyst2 is not a persona of the matrix but a demo login; sign in through the same helper.
    from django.test import Client

    from rocu.accounts.models import User
    from tests.conftest import sign_in

    reviewer = sign_in(Client(), User.objects.get(username="analyst2"))
    page = reviewer.get(response["Location"]).content.decode()
    assert "Compared with version" in page
    assert "changed" in page
    reviewer.post(response["Location"], {"outcome": "approve"})
    threat.refresh_from_db()
    assert threat.likelihood == 4
    assert threat.confidence == "low"


def test_it_records_a_decision_through_the_pages(client_for):
    meeting = Meeting.objects.get(status="planned")
    threat = Threat.objects.get(name="County lines — Swindon")  # assessed local, held by Wiltshire
    client = client_for("head")
    missing = client.post(f"/threats/tcg/{meeting.pk}/decisions/new/", {"subject": threat.reference, "kind": "adopt"})
    assert missing.status_code == 200
    assert "This field is required" in missing.content.decode()
    from rocu.accounts.models import User

    lro = User.objects.get(username="lro")
    response = client.post(
        f"/threats/tcg/{meeting.pk}/decisions/new/",
        {
            "subject": threat.reference,
            "kind": "move_level",
            "rationale": "Two forces: the ROCU takes it.",
            "owner": lro.pk,
            "due_on": meeting.held_on.isoformat(),
            "new_level": "regional",
        },
    )
    assert response.status_code == 302
    threat.refresh_from_db()
    assert (threat.level, threat.held_by) == ("regional", "rocu")
    assert Decision.objects.filter(meeting=meeting, subject=threat).exists()


def test_it_makes_the_agenda_pack_as_a_pdf(client_for):
    meeting = Meeting.objects.get(status="held")
    response = client_for("head").get(f"/threats/tcg/{meeting.pk}/agenda.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Decisions" in text
    assert "Online child sexual exploitation" in text
    assert AuditEvent.objects.filter(action="threats.meeting.agenda_pdf").exists()


def test_it_imports_nothing_from_a_file_with_errors_unless_asked(client_for):
    client = client_for("analyst")
    before = Threat.objects.count()
    report = client.post("/threats/import/", {"file": SimpleUploadedFile("t.csv", BAD_CSV.encode())})
    body = report.content.decode()
    assert "Nothing was imported" in body
    assert "threat_type: &#x27;jaywalking&#x27;" in body
    assert ">4<" in body
    assert Threat.objects.count() == before
    client.post("/threats/import/", {"file": SimpleUploadedFile("t.csv", BAD_CSV.encode()), "import_valid_rows": "on"})
    assert Threat.objects.count() == before + 2
    fraud = Threat.objects.get(name="Fraud — Bath")
    assert fraud.forces_affected.count() == 2
    assert fraud.held_by == "rocu"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,kind\nx,drugs\n", "Wrong columns"),
        (GOOD_CSV.encode("utf-16"), "not UTF-8"),
        (b"name,threat_type\n", "no rows"),
        (b"", "empty"),
    ],
)
def test_it_refuses_a_file_with_wrong_columns_or_encoding(client_for, content, message):
    before = Threat.objects.count()
    response = client_for("analyst").post("/threats/import/", {"file": SimpleUploadedFile("t.csv", content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Threat.objects.count() == before


def test_it_imports_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "threats.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("threats", "import", str(path), "--user", "analyst")
    call_command("threats", "import", str(path), "--user", "analyst", "--valid-rows")
    assert "Imported 2 threats" in capsys.readouterr().out
    call_command("threats", "refresh-flags")


def test_it_scores_reviews_and_decides_through_the_api(client_for):
    threat = Threat.objects.get(name="County lines — Gloucester")
    harm = {"physical": 4, "psychological": 4, "financial": 2, "community": 3, "scope": 3, "vulnerability": 4}
    analyst = client_for("analyst")
    bad = analyst.post(
        "/api/v1/assessments/",
        {
            "subject": threat.pk,
            "harm": {**harm, "physical": 5},
            "likelihood": 4,
            "confidence": "high",
            "rationale": "x",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    created = analyst.post(
        "/api/v1/assessments/",
        {
            "subject": threat.pk,
            "harm": harm,
            "likelihood": 4,
            "confidence": "high",
            "rationale": "Knife crime up.",
            "scored_from": max([0, *threat.assessments.values_list("version", flat=True)]),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    own = analyst.post(f"/api/v1/assessments/{pk}/review/", {"approve": True}, content_type="application/json")
    assert own.status_code == 403
    from django.test import Client

    from rocu.accounts.models import User
    from tests.conftest import sign_in

    reviewer = sign_in(Client(), User.objects.get(username="analyst2"))
    approved = reviewer.post(f"/api/v1/assessments/{pk}/review/", {"approve": True}, content_type="application/json")
    assert approved.json()["status"] == "approved"
    detail = analyst.get(f"/api/v1/threats/{threat.pk}/").json()
    assert detail["assessed_level"] == "regional"
    assert "force_holds_regional" in detail["flags"]
    meeting = Meeting.objects.get(status="planned")
    head = client_for("head")
    decision = head.post(
        "/api/v1/tcg/decisions/",
        {
            "meeting": meeting.pk,
            "subject": threat.pk,
            "kind": "adopt",
            "rationale": "",
            "owner": User.objects.get(username="lro").pk,
            "due_on": meeting.held_on.isoformat(),
        },
        content_type="application/json",
    )
    assert decision.status_code == 400
    assert "rationale" in decision.json()["errors"]


def test_it_gives_pcc_and_national_counts_never_names(client_for):
    for who in ("pcc", "national"):
        body = client_for(who).get("/api/v1/threat-counts/").json()
        assert body["threats"] > 0
        text = json.dumps(body)
        for name in TaskingSubject.objects.values_list("name", flat=True):
            assert name not in text
        page = client_for(who).get("/threats/counts/").content.decode()
        assert "Vizardlike" not in page
        assert "Tamar" not in page


def test_it_audits_reading_ocg_members_through_the_api(client_for):
    ocg = OrganisedCrimeGroup.objects.get(name="Tamar Crossing network")
    body = client_for("analyst").get(f"/api/v1/ocgs/{ocg.pk}/members/").json()
    assert body
    assert {"reference", "name", "role", "subject_category"} <= set(body[0])
    assert AuditEvent.objects.filter(action="threats.ocg.members.view", object_id=str(ocg.pk)).exists()
