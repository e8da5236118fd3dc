"""The command line: `rocu intel-check` (files in, files out) and `rocu holdings import`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rocu.audit.models import AuditEvent
from rocu.intelligence.models import HoldingRecord, HoldingsSource

HOLD = "person_id,first_name,surname,dob,address,town,postcode,phone,email\n"
REF = "referral_id,first_name,surname,dob,address,town,postcode,phone,email\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_writes_one_row_per_candidate_above_the_threshold(tmp_path):
    holdings = write(
        tmp_path,
        "h.csv",
        HOLD
        + "P1,Robert,Penhaligon,1981-04-02,12 Fore Street,Truro,TR1 2AB,07700 900001,\n"
        + "P2,Siobhán,O'Brien,02/05/1975,3 Quay Road,Exeter,EX2 4AN,,siobhan.obrien@example.com\n"
        + "P3,Alice,Smith,1990-01-01,9 Mill Lane,Bath,BA1 1AA,,\n",
    )
    referrals = write(
        tmp_path,
        "r.csv",
        REF
        + "R1,BOB,PENHALIGON,,12 Fore St,Truro,TR12AB,,\n"  # nickname, no date of birth, abbreviated street
        + "R2,Siobhan,OBrien,1975-05-02,,,EX2 4AN,,\n"  # accents and apostrophe dropped
        + "R3,Penhaligon,Robert,,12 Fore Street,Truro,TR1 2AB,,\n"  # swapped names
        + "R4,Nobody,Known,,,,,,\n",
    )
    out = tmp_path / "m.csv"
    call_command("intel-check", holdings=holdings, referrals=referrals, output=str(out), threshold=0.5)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    pairs = {(r["referral_id"], r["person_id"]) for r in rows}
    assert {("R1", "P1"), ("R2", "P2"), ("R3", "P1")} <= pairs
    assert not any(r["referral_id"] == "R4" for r in rows)
    assert all(0.5 <= float(r["match_probability"]) <= 1 for r in rows)


@pytest.mark.parametrize(
    ("holdings", "says"),
    [
        ("person_id,first_name\nP1,A\n", "missing columns"),
        (HOLD + "P1,A,B,31/02/1990,,,,,\n", "row 2: the date of birth"),
        (HOLD + "P1,A,B,,,,,,\nP1,C,D,,,,,,\n", "row 3: person_id 'P1' appears more than once"),
    ],
)
def test_it_refuses_bad_files_naming_row_and_field(tmp_path, holdings, says):
    h = write(tmp_path, "h.csv", holdings)
    r = write(tmp_path, "r.csv", REF + "R1,A,B,,,,,,\n")
    with pytest.raises(CommandError, match=says):
        call_command("intel-check", holdings=h, referrals=r, output=str(tmp_path / "m.csv"))


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    h = tmp_path / "h.csv"
    h.write_bytes((HOLD + "P1,Zoë,B,,,,,,\n").encode("latin-1"))
    r = write(tmp_path, "r.csv", REF)
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("intel-check", holdings=str(h), referrals=r, output=str(tmp_path / "m.csv"))


def test_it_imports_holdings_then_updates_or_replaces_per_source(tmp_path, db):
    first = write(tmp_path, "a.csv", HOLD + "X1,Ann,Hicks,1970-01-01,,,,,\nX2,Ben,Hicks,,,,,,\n")
    call_command("holdings", "import", first, source="Test Niche", username="analyst")
    source = HoldingsSource.objects.get(name="Test Niche")
    assert source.record_count == 2
    second = write(tmp_path, "b.csv", HOLD + "X2,Benjamin,Hicks,,,,,,\nX3,Cat,Hicks,,,,,,\n")
    call_command("holdings", "import", second, source="Test Niche", username="analyst")
    assert HoldingRecord.objects.get(source=source, person_id="X2").first_name == "Benjamin"
    assert HoldingRecord.objects.filter(source=source).count() == 3
    call_command("holdings", "import", second, source="Test Niche", username="analyst", replace=True)
    assert set(HoldingRecord.objects.filter(source=source).values_list("person_id", flat=True)) == {"X2", "X3"}
    assert AuditEvent.objects.filter(action="intelligence.holdings.import").count() == 3


def test_it_refuses_a_holdings_import_by_someone_without_the_permission(tmp_path, db):
    path = write(tmp_path, "a.csv", HOLD + "X1,Ann,Hicks,,,,,,\n")
    with pytest.raises(CommandError, match="permission"):
        call_command("holdings", "import", path, source="Test Niche", username="pcc")
    bad = write(tmp_path, "b.csv", HOLD + "X1,Ann,Hicks,2999-01-01,,,,,\n")
    with pytest.raises(CommandError, match="Row 2: dob"):
        call_command("holdings", "import", bad, source="Test Niche", username="analyst")
    assert not HoldingsSource.objects.filter(name="Test Niche").exists()
