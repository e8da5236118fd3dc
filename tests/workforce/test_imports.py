"""HR and finance imports: every row checked and shown before anything is saved; errors
name the row and the column; all-or-nothing unless the user chooses the valid rows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rocu.accounts.models import Region
from rocu.core.errors import ValidationFailed
from rocu.workforce import services
from rocu.workforce.models import FundingAllocation, FundingLine, ImportStatus, Post, WorkforceImport

FINANCE = (
    "funding_line,name,source,funder,start_date,end_date,financial_year,amount,status\n"
    'new-grant,New cyber grant,other_grant,Home Office,2025-04-01,2028-03-31,2026/27,"£250,000.00",confirmed\n'
    "new-grant,New cyber grant,other_grant,Home Office,2025-04-01,2028-03-31,2027/28,260000,indicative\n"
)
HR = (
    "post_reference,capability,unit,title,rank_or_grade,fte,annual_cost,funding_line,status,"
    "holder_name,staff_number,contract_type,contract_start,contract_end\n"
    "SW-X-1,cyber,,Cyber investigator,DC,1,62000,cyber-programme,filled,Ann Test,1,fixed_term,2024-01-01,2028-03-31\n"
    "SW-X-2,Economic crime,,Financial investigator,Police staff grade 6,0.5,23000,econ-crime-uplift,vacant,,,,,\n"
)


@pytest.fixture
def sw(db):
    return Region.objects.get(code="south-west")


def _preview(persona, sw, kind, text):
    return services.import_preview(actor=persona("head"), region=sw, kind=kind, filename="x.csv", content=text.encode())


def test_it_previews_a_finance_export_and_saves_nothing_until_confirmed(persona, sw):
    upload = _preview(persona, sw, "finance", FINANCE)
    assert (upload.row_count, upload.error_row_count) == (2, 0)
    assert not FundingLine.objects.filter(code="new-grant").exists()
    services.import_apply(actor=persona("head"), upload=upload)
    line = FundingLine.objects.get(region=sw, code="new-grant")
    assert list(line.allocations.values_list("financial_year", "amount_pence", "confirmed")) == [
        (2026, 25_000_000, True),
        (2027, 26_000_000, False),
    ]
    upload.refresh_from_db()
    assert (upload.status, upload.content) == (ImportStatus.APPLIED, "")


def test_it_imports_posts_and_the_people_in_them(persona, sw):
    upload = _preview(persona, sw, "hr", HR)
    services.import_apply(actor=persona("head"), upload=upload)
    filled = Post.objects.get(region=sw, reference="SW-X-1")
    assert (filled.holder.name, filled.annual_cost_pence) == ("Ann Test", 6_200_000)
    assert Post.objects.get(region=sw, reference="SW-X-2").status == "vacant"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("SW-Y,Cyber ops,,T,DC,1,1,cyber-programme,vacant,,,,,", "capability", "Unknown capability 'Cyber ops'"),
        ("SW-Y,cyber,,T,DC,1,-5,cyber-programme,vacant,,,,,", "annual_cost", "must not be negative"),
        ("SW-Y,cyber,,T,DC,1,100,,vacant,,,,,", "funding_line", "needs a funding line"),
        ("SW-Y,cyber,,T,DC,1,100,no-such-line,vacant,,,,,", "funding_line", "Unknown funding line"),
        ("SW-Y,cyber,,T,DC,1,100,cyber-programme,filled,A,1,fixed_term,2028-01-01,2027-01-01", "contract_end", "ends"),
        ("SW-Y,cyber,,T,DC,2,100,cyber-programme,vacant,,,,,", "fte", "at most 1.00"),
        ("SW-Y,cyber,,T,DC,1,100,cyber-programme,filled,,,,,", "holder_name", "person in post"),
    ],
)
def test_it_names_the_row_and_column_of_each_bad_hr_row(persona, sw, row, column, words):
    text = HR.splitlines()[0] + "\n" + HR.splitlines()[1] + "\n" + row + "\n"
    upload = _preview(persona, sw, "hr", text)
    assert upload.error_row_count == 1
    from rocu.workforce import imports

    checked = imports.check(kind="hr", region=sw, text=upload.content)
    bad = [r for r in checked.rows if r.errors]
    assert bad[0].number == 3
    assert any(col == column and words in msg for col, msg in bad[0].errors), bad[0].errors


def test_it_refuses_to_import_a_file_with_errors_unless_asked_for_the_valid_rows(persona, sw):
    text = HR + "SW-X-3,Cyber ops,,T,DC,1,1,cyber-programme,vacant,,,,,\n"
    upload = _preview(persona, sw, "hr", text)
    with pytest.raises(ValidationFailed):
        services.import_apply(actor=persona("head"), upload=upload)
    assert not Post.objects.filter(reference__startswith="SW-X-").exists()
    done = services.import_apply(actor=persona("head"), upload=upload, valid_rows_only=True)
    assert done.imported_count == 2
    assert set(Post.objects.filter(reference__startswith="SW-X-").values_list("reference", flat=True)) == {
        "SW-X-1",
        "SW-X-2",
    }


def test_it_refuses_a_finance_row_with_a_negative_amount_or_a_year_after_the_end(persona, sw):
    text = FINANCE + "new-grant,New cyber grant,other_grant,Home Office,2025-04-01,2028-03-31,2028/29,1,confirmed\n"
    text += "other,Other,other_grant,,,,2026/27,-3,confirmed\n"
    upload = _preview(persona, sw, "finance", text)
    assert upload.error_row_count == 2
    with pytest.raises(ValidationFailed):
        services.import_apply(actor=persona("head"), upload=upload)
    assert not FundingAllocation.objects.filter(line__code__in=["new-grant", "other"]).exists()


def test_it_refuses_a_file_missing_columns_naming_them(persona, sw):
    with pytest.raises(ValidationFailed) as err:
        _preview(persona, sw, "hr", "post_reference,capability\nA,cyber\n")
    assert "fte" in err.value.message
    assert not WorkforceImport.objects.filter(filename="x.csv").exists()


def test_it_shows_the_preview_and_imports_through_the_pages(client_for, sw):
    client = client_for("head")
    response = client.post(
        "/workforce/imports/", {"kind": "finance", "file": SimpleUploadedFile("f.csv", FINANCE.encode())}
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert b"Import all 2 rows" in preview.content
    done = client.post(response["Location"], {"action": "all"})
    assert done.status_code == 302
    assert FundingLine.objects.filter(region=sw, code="new-grant").exists()


def test_it_discards_an_import_and_forgets_its_rows(persona, sw):
    upload = _preview(persona, sw, "hr", HR)
    services.import_discard(actor=persona("head"), upload=upload)
    upload.refresh_from_db()
    assert (upload.status, upload.content) == (ImportStatus.DISCARDED, "")
    assert not Post.objects.filter(reference__startswith="SW-X-").exists()
