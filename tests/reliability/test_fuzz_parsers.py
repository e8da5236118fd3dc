"""Fuzzing every file parser: whatever bytes arrive, the parser either reads them or
refuses them with the application's own error (ValidationFailed, FileRefused, a
command error), never any other exception.

Each parser gets hostile input at three depths: raw bytes; CSV text with the right
header and hostile cells (quotes, line breaks, NUL, formulas, huge and odd numbers,
impossible dates, unicode); and, for XLSX and PDF, a valid file with part of it
corrupted, so the fuzzing reaches past the first check. The short version runs in
`make test` (a fixed seed, SHORT examples per parser and depth); the long version,
marked reliability_full, runs under `make reliability` with LONG random examples.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rocu.accounts.models import Region
from rocu.core.errors import ValidationFailed
from rocu.engines import report_structure
from rocu.engines.linkage import LinkageInputError
from rocu.governance import files
from rocu.intelligence.services import HOLDINGS_CSV_COLUMNS, holdings_csv_rows, holdings_rows_validate
from rocu.referrals import intake
from rocu.referrals.models import ReferralTemplate
from rocu.threats.services import IMPORT_COLUMNS, threats_import_check
from rocu.workforce import imports as workforce_imports
from rocu.workforce.models import ImportKind

SHORT = 50
LONG = 1000
DEPTHS = [
    pytest.param(SHORT, True, id="short"),
    pytest.param(LONG, False, id="long", marks=pytest.mark.reliability_full),
]
REFUSALS = (ValidationFailed, intake.FileRefused, LinkageInputError, CommandError)

# Cells a hostile or careless partner might send.
NASTY_CELLS = [
    "",
    " ",
    '"',
    '""',
    '"a,b"',
    "a\nb",
    "a\r\nb",
    "\r",
    "\x00",
    "\ufeff",
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e999999999",
    "1E+400",
    "0x10",
    "1_000",
    "£1,000.005",
    "£-5",
    "9" * 40,
    "2024-02-30",
    "31/02/2024",
    "0000-01-01",
    "9999-12-31",
    "31/12/9999",
    "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661",  # Arabic-Indic digits
    "2026/27",
    "2026/2027",
    "99999/00",
    "1/0",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "Zoë Núñez",
    "\U0001f600",
    "\u202e",
    "BS1 4DJ",
    "a@b.c",
    "07700 900123",
    "confirmed",
    "indicative",
    "vacant",
    "filled",
    "permanent",
    "ocg",
    "official-sensitive",
]
cells = st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=40))


def csv_quote(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_files(draw: Any, columns: tuple[str, ...] | list[str]) -> bytes:
    """CSV whose header is mostly right (shuffled, cased, trimmed, a column dropped or
    repeated at times) and whose cells are hostile; sometimes broken quoting or encoding."""
    header = list(columns)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0 and header:
        header.pop(draw(st.integers(0, len(header) - 1)))
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.sampled_from([*header, "extra", ""]) if header else st.just("extra")))
    if draw(st.booleans()):
        header = [f" {h.upper()} " for h in header]
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(cells, min_size=max(0, width - 2), max_size=width + 2),
            max_size=6,
        )
    )
    lines = [",".join(csv_quote(h) for h in header)]
    for row in rows:
        line = ",".join(csv_quote(c) for c in row)
        if draw(st.integers(0, 9)) == 0:
            line += ',"unterminated'
        lines.append(line)
    text = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def raw_bytes() -> st.SearchStrategy[bytes]:
    prefixes = st.sampled_from([b"", b"\xef\xbb\xbf", b"%PDF-1.7\n", b"PK\x03\x04", b"\x00", b"a,b\n"])
    return st.builds(lambda p, b: p + b, prefixes, st.binary(max_size=600))


def fuzz(examples: int, fixed: bool, strategy: st.SearchStrategy[Any], check: Callable[[Any], None]) -> int:
    """Run `check` over `examples` generated inputs; an exception other than a refusal fails."""
    seen = 0

    def one(value: Any) -> None:
        nonlocal seen
        seen += 1
        with contextlib.suppress(REFUSALS):
            check(value)

    run = given(strategy)(one)
    settings(
        max_examples=examples,
        derandomize=fixed,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )(run)()
    return seen


def record(request: pytest.FixtureRequest, seen: int, examples: int) -> None:
    request.node.user_properties.append(("fuzz_examples", seen))
    assert seen >= min(examples, 10)


# --------------------------------------------------------------------------- referrals (CSV, XLSX)


def referral_check(filename: str, content: bytes) -> None:
    rows = intake.read_table(filename, content)
    for template in ReferralTemplate.values:
        with contextlib.suppress(intake.FileRefused):
            intake.validate(template, rows, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_referral_csv_intake(request, examples, fixed):
    columns = intake.template_columns(ReferralTemplate.BORDER_FORCE_PARCEL)
    strategy = st.tuples(
        st.sampled_from(["r.csv", "R.CSV", "r.xlsx", "r.txt", "r"]),
        st.one_of(
            csv_files(columns), csv_files(intake.template_columns(ReferralTemplate.PARTNER_GENERAL)), raw_bytes()
        ),
    )
    seen = fuzz(examples, fixed, strategy, lambda v: referral_check(*v))
    record(request, seen, examples)


def _workbook(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _valid_xlsx() -> bytes:
    template = ReferralTemplate.PARTNER_GENERAL
    return _workbook([intake.template_columns(template), intake.TEMPLATES[template]["example"]])


@st.composite
def corrupted_xlsx(draw: Any) -> bytes:
    """A real workbook with one of its parts replaced, truncated or bit-flipped."""
    source = zipfile.ZipFile(io.BytesIO(_valid_xlsx()))
    names = source.namelist()
    target = draw(st.sampled_from(names))
    how = draw(st.sampled_from(["replace", "truncate", "flip", "drop", "cells"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dest:
        for name in names:
            data = source.read(name)
            if name == target:
                if how == "drop":
                    continue
                if how == "replace":
                    data = draw(st.binary(max_size=300))
                elif how == "truncate":
                    data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
                elif how == "flip":
                    at = draw(st.integers(0, max(0, len(data) - 1)))
                    data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :] if data else data
                else:
                    data = data.replace(b"Zo", draw(st.sampled_from([b"<", b"&", b"]]>", b"\x00", b"&#0;", b"&x;"])))
            dest.writestr(name, data)
    whole = out.getvalue()
    if draw(st.integers(0, 5)) == 0:  # the archive itself damaged
        whole = whole[: draw(st.integers(0, len(whole)))]
    return whole


@st.composite
def hostile_xlsx(draw: Any) -> bytes:
    """A well-formed workbook whose cells hold hostile values of every type."""
    values = st.one_of(
        cells,
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(),
        st.datetimes(),
        st.booleans(),
        st.none(),
    )
    template = draw(st.sampled_from(ReferralTemplate.values))
    header: list[Any] = list(intake.template_columns(template))
    if draw(st.booleans()):
        header[draw(st.integers(0, len(header) - 1))] = draw(values)
    rows = draw(st.lists(st.lists(values, max_size=len(header) + 2), max_size=4))
    try:
        return _workbook([header, *rows])
    except Exception:  # noqa: BLE001 - openpyxl itself refuses to write some values (control characters)
        return _valid_xlsx()


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_referral_xlsx_intake(request, examples, fixed):
    seen = fuzz(examples, fixed, st.one_of(corrupted_xlsx(), hostile_xlsx()), lambda v: referral_check("r.xlsx", v))
    record(request, seen, examples)


# --------------------------------------------------------------------------- workforce (HR, finance CSV)


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_workforce_hr_and_finance_csv(request, db, examples, fixed):
    region = Region.objects.get(code="south-west")

    def check(value: tuple[str, bytes]) -> None:
        kind, content = value
        text = workforce_imports.decode(content)
        workforce_imports.check(kind=kind, region=region, text=text)

    hr = workforce_imports.HR_REQUIRED + workforce_imports.HR_OPTIONAL
    finance = workforce_imports.FINANCE_REQUIRED + workforce_imports.FINANCE_OPTIONAL
    strategy = st.one_of(
        st.tuples(st.just(ImportKind.HR.value), st.one_of(csv_files(hr), raw_bytes())),
        st.tuples(st.just(ImportKind.FINANCE.value), st.one_of(csv_files(finance), raw_bytes())),
    )
    seen = fuzz(examples, fixed, strategy, check)
    record(request, seen, examples)


# --------------------------------------------------------------------------- threats (CSV import)


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_threats_csv_import(request, persona, examples, fixed):
    analyst = persona("analyst")
    region = Region.objects.get(pk=analyst.region_id)

    def check(content: bytes) -> None:
        threats_import_check(actor=analyst, region=region, content=content)

    seen = fuzz(examples, fixed, st.one_of(csv_files(IMPORT_COLUMNS), raw_bytes()), check)
    record(request, seen, examples)


# --------------------------------------------------------------------------- holdings (CSV rows, CLI)


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_holdings_rows_validation(request, examples, fixed):
    row = st.dictionaries(
        st.sampled_from([*HOLDINGS_CSV_COLUMNS, "extra"]),
        st.one_of(cells, st.none()),
        max_size=len(HOLDINGS_CSV_COLUMNS) + 1,
    )
    seen = fuzz(examples, fixed, st.lists(row, max_size=6), holdings_rows_validate)
    record(request, seen, examples)


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_holdings_csv_upload(request, examples, fixed):
    def check(content: bytes) -> None:
        holdings_rows_validate(holdings_csv_rows(content))

    seen = fuzz(examples, fixed, st.one_of(csv_files(HOLDINGS_CSV_COLUMNS), raw_bytes()), check)
    record(request, seen, examples)


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_holdings_import_command(request, persona, tmp_path, examples, fixed):
    """The CLI reads the file itself: a bad file is a CommandError, never a traceback."""
    analyst = persona("analyst")
    path = tmp_path / "holdings.csv"

    def check(content: bytes) -> None:
        path.write_bytes(content)
        args = ["import", str(path), "--source", "Fuzz", "--as", analyst.username]
        call_command("holdings", *args, stdout=io.StringIO())

    seen = fuzz(examples, fixed, st.one_of(csv_files(HOLDINGS_CSV_COLUMNS), raw_bytes()), check)
    record(request, seen, examples)


# --------------------------------------------------------------------------- governance (uploads, PDF, report text)


@functools.cache
def _valid_pdf() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 760 Td (Recommendation 1: The force should review) Tj ET")
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Contents")] = writer._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@st.composite
def corrupted_pdf(draw: Any) -> bytes:
    data = bytearray(_valid_pdf())
    for _ in range(draw(st.integers(1, 8))):
        how = draw(st.sampled_from(["flip", "cut", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if how == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = draw(
                st.sampled_from([b"obj", b"endobj", b"<<", b">>", b"/Encrypt", b"999999999 0 R", b"(", b"\\"])
            )
    return bytes(data)


def governance_check(value: tuple[str, bytes]) -> None:
    name, content = value
    checked = files.check_upload(
        SimpleUploadedFile(name, content), allowed=files.EVIDENCE_EXTENSIONS, max_bytes=files.EVIDENCE_MAX_BYTES
    )
    if checked.content_type == "application/pdf":
        reader = files.pdf_reader(checked.content)
        texts = []
        for page in reader.pages:  # as rocu.governance.services.report_read_pdf reads them
            try:
                texts.append(page.extract_text() or "")
            except Exception:  # noqa: BLE001 - the service keeps going past an unreadable page
                texts.append("")
        report_structure.extract(texts)
    elif checked.content_type == "text/plain":
        report_structure.extract(checked.content.decode("utf-8"))


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_governance_uploads_and_pdf_reading(request, examples, fixed):
    names = st.sampled_from(["r.pdf", "R.PDF", "e.png", "e.jpg", "e.docx", "e.xlsx", "e.txt", "e.csv", "e.html", "x"])
    strategy = st.one_of(
        st.tuples(names, raw_bytes()),
        st.tuples(st.just("report.pdf"), corrupted_pdf()),
    )
    seen = fuzz(examples, fixed, strategy, governance_check)
    record(request, seen, examples)


REPORT_WORDS = [
    "Recommendation 1",
    "Recommendation 12:",
    "Area for improvement",
    "Cause of concern",
    "Chief constables should",
    "By 31 March 2026,",
    "By 31 February 2026",
    "The force should",
    "HMICFRS",
    "\x0c",
    "\n\n",
    "\n",
    "1.",
    "•",
    "Summary",
    "Contents",
]


@pytest.mark.parametrize(("examples", "fixed"), DEPTHS)
def test_report_text_structure(request, examples, fixed):
    text = st.lists(st.one_of(st.sampled_from(REPORT_WORDS), st.text(max_size=60)), max_size=40).map(" ".join)
    strategy = st.one_of(text, st.lists(text, max_size=5))
    seen = fuzz(examples, fixed, strategy, report_structure.extract)
    record(request, seen, examples)


# --------------------------------------------------------------------------- what the fuzzing found, kept


def _sheet_damaged() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_valid_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dest:
        for name in source.namelist():
            data = source.read(name)
            dest.writestr(name, data[: len(data) // 2] if name.endswith("sheet1.xml") else data)
    return out.getvalue()


def test_the_inputs_that_once_crashed_a_parser_are_refused_cleanly(persona):
    """Each of these raised a bare exception (a 500 or a failed job) before it was fixed."""
    analyst = persona("analyst")
    region = Region.objects.get(code="south-west")
    with pytest.raises(ValidationFailed):  # csv.Error in the header row (here: a field over the csv limit)
        threats_import_check(actor=analyst, region=region, content=b"name," + b"x" * 140_000 + b"\n")
    with pytest.raises(intake.FileRefused):  # XML damage found only while the rows are read
        intake.read_table("r.xlsx", _sheet_damaged())
    hr = ",".join(workforce_imports.HR_REQUIRED) + "\nP1,intel,Analyst,DC,NaN,1000,L1,filled\n"
    checked = workforce_imports.check(kind=ImportKind.HR, region=region, text=hr)  # NaN FTE: Decimal compare
    assert any(col == "fte" for col, _msg in checked.rows[0].errors)
    finance = ",".join(workforce_imports.FINANCE_REQUIRED) + "\nL1,Line,home-office,2026/27,1e999999999,confirmed\n"
    checked = workforce_imports.check(kind=ImportKind.FINANCE, region=region, text=finance)  # quantize overflow
    assert any(col == "amount" for col, _msg in checked.rows[0].errors)
