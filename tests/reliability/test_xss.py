"""Stored script and HTML in every free-text field is shown escaped, never run.

Two ways in:
- through the services, as a user would type it (a threat, an OCG, a referral, a
  person of interest), then the list and detail pages that show it;
- every free-text column of every rocu model overwritten with a payload in the
  seeded demo data, then a crawl of the pages people of several roles reach from the
  menus (list pages and the detail pages they link to). This is wider than any
  hand-kept list of pages and reaches text that no form accepts.

A page shows the payload escaped (&lt;script&gt;…) and never raw; no page fails.
CSV and XLSX exports neutralise spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat

from rocu.accounts.models import Region
from tests.reliability.crawl import crawl

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SHORT = "<q9>"  # for columns too narrow for the long payloads
RAW = [SCRIPT.encode(), b"<img src=x onerror", SHORT.encode()]
ESCAPED = [b"&lt;script&gt;alert(1)&lt;/script&gt;", b"&lt;img src=x onerror=alert(1)&gt;", b"&lt;q9&gt;"]
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"]

# Columns that name or route things rather than hold free text: a payload there
# breaks URLs or logic, which is a different test from escaping.
NOT_FREE_TEXT = {"password", "username", "code", "slug", "key", "token", "sha256", "content_type", "version"}
SKIP_APPS = {"audit"}  # the audit chain hashes its rows: changing them is tampering, tested elsewhere


def poison_free_text() -> int:
    """Every free-text column of every rocu model: payload plus the row's id (unique columns stay unique)."""
    changed = 0
    for model in apps.get_models():
        if not model.__module__.startswith("rocu.") or model._meta.app_label in SKIP_APPS:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        updates = {}
        for i, f in enumerate(model._meta.concrete_fields):
            if not isinstance(f, models.CharField | models.TextField) or f.choices or f.primary_key:
                continue
            if f.name in NOT_FREE_TEXT or "slug" in f.name or f.name.endswith(("_code", "_hash", "_id", "_key")):
                continue
            payload = SCRIPT if i % 2 else IMG
            limit = f.max_length or 10_000
            if limit < len(payload) + 8:
                if limit < len(SHORT) + 8:
                    continue
                payload = SHORT
            updates[f.name] = Concat(Value(payload + " "), Cast("pk", models.CharField()))
        if updates and model.objects.exists():
            model.objects.update(**updates)
            changed += len(updates)
    return changed


def assert_escaped(pages, *, min_pages: int) -> None:
    visited, escaped_seen, failures = 0, False, []
    for page in pages:
        visited += 1
        if page.status >= 500:
            failures.append(f"{page.url}: {page.status}")
            continue
        if "html" not in page.content_type and "json" not in page.content_type:
            continue
        for raw in RAW:
            if raw in page.body:
                failures.append(f"{page.url}: raw {raw.decode()!r}")
        escaped_seen = escaped_seen or any(e in page.body for e in ESCAPED)
    assert not failures, failures[:20]
    assert visited >= min_pages
    assert escaped_seen, "no page showed a payload at all: the poisoning reached nothing"


@pytest.mark.parametrize(
    ("username", "limit"),
    [
        ("head", 100),
        ("analyst", 80),
        pytest.param("sio", 250, marks=pytest.mark.reliability_full),
        pytest.param("disruption", 250, marks=pytest.mark.reliability_full),
        pytest.param("forcelead", 250, marks=pytest.mark.reliability_full),
        pytest.param("auditor", 250, marks=pytest.mark.reliability_full),
        pytest.param("head", 600, marks=pytest.mark.reliability_full, id="head-long"),
    ],
)
def test_every_free_text_field_is_escaped_on_every_page_reached(client_for, username, limit):
    assert poison_free_text() > 50
    client = client_for(username)
    client.raise_request_exception = False  # a failing page is collected with the rest, not raised
    assert_escaped(crawl(client, limit=limit), min_pages=min(limit, 60))


# --------------------------------------------------------------------------- through the services


@pytest.fixture
def typed(persona):
    """Records created through the services as a user would type them."""
    from rocu.accounts.models import Force, PartnerAgency
    from rocu.intelligence.services import nominal_create
    from rocu.referrals.models import ReferralTemplate
    from rocu.referrals.services import referral_create
    from rocu.threats import services as threats

    analyst = persona("analyst")
    region = Region.objects.get(code="south-west")
    force = Force.objects.filter(region=region).first()
    threat = threats.threat_create(
        actor=analyst, region=region, name=SCRIPT, threat_type="drugs", area=IMG, description=f"{SCRIPT}\n{IMG}",
        held_by="force", holding_force=force, forces_affected=[force],
    )  # fmt: skip
    ocg = threats.ocg_create(actor=analyst, region=region, name=IMG, area=SCRIPT, description=SCRIPT)
    nominal = nominal_create(
        actor=analyst, region=region, subject_category="suspect", first_name=SCRIPT, surname=IMG, town=SCRIPT,
        address=IMG,
    )  # fmt: skip
    partner = PartnerAgency.objects.filter(region=region).first() or PartnerAgency.objects.first()
    referral = referral_create(
        actor=persona("disruption"), region=region, partner=partner, template=ReferralTemplate.PARTNER_GENERAL,
        head={"partner_reference": "XSS-1", "summary": f"{SCRIPT} {IMG}"},
        subjects=[{"role": "subject", "first_name": "Zoe", "surname": "Smith", "town": SCRIPT}],
        run_check=False,
    )  # fmt: skip
    return {"threat": threat, "ocg": ocg, "nominal": nominal, "referral": referral}


def test_text_typed_through_the_services_is_escaped_where_it_is_shown(client_for, typed):
    pages = [
        ("analyst", "/threats/"),
        ("analyst", f"/threats/{typed['threat'].pk}/"),
        ("analyst", "/threats/ocgs/"),
        ("analyst", f"/threats/ocgs/{typed['ocg'].pk}/"),
        ("analyst", "/people-of-interest/?q=onerror"),
        ("analyst", f"/people-of-interest/{typed['nominal'].pk}/"),
        ("disruption", "/referrals/"),
        ("disruption", f"/referrals/{typed['referral'].pk}/"),
    ]
    escaped = 0
    for username, url in pages:
        response = client_for(username).get(url)
        assert response.status_code == 200, url
        for raw in RAW:
            assert raw not in response.content, (url, raw)
        escaped += any(e in response.content for e in ESCAPED)
    assert escaped >= 6


# --------------------------------------------------------------------------- exports


def test_csv_and_xlsx_exports_neutralise_formulas(client_for, persona):
    from openpyxl import load_workbook

    from rocu.accounts.models import Force
    from rocu.threats import services as threats

    analyst = persona("analyst")
    region = Region.objects.get(code="south-west")
    force = Force.objects.filter(region=region).first()
    for formula in FORMULAS:
        threats.threat_create(
            actor=analyst, region=region, name=formula, threat_type="drugs", area=formula, held_by="force",
            holding_force=force, forces_affected=[force],
        )  # fmt: skip
    client = client_for("analyst")
    response = client.get("/threats/?export=csv")
    assert response.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
    xlsx = client.get("/threats/?export=xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    xcells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    for formula in FORMULAS:
        assert formula not in cells
        assert formula not in xcells
        assert "'" + formula in cells
        assert "'" + formula in xcells
    for cell in [*cells, *xcells]:
        assert not (isinstance(cell, str) and cell.startswith(("=", "@"))), cell
