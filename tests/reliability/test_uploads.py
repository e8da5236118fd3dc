"""Stored uploads are never served as something a browser runs.

Governance evidence is the one kind of upload rocu serves back (referral, holdings,
threat and workforce imports are read into rows and their files are not served). It
is refused when it is HTML, SVG or script by name, and when what it contains does
not match its name; what is kept is served only as an attachment, never sniffed,
sandboxed, with a header the file name cannot break; the upload directory itself is
not reachable by URL.
"""

from __future__ import annotations

import re

import pytest

from rocu.core.errors import ValidationFailed
from rocu.governance import services
from rocu.governance.models import RecommendationTracking
from tests.governance.conftest import text_file

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
RUNNABLE_TYPES = ("text/html", "image/svg", "application/xhtml", "javascript", "text/xml", "application/xml")


@pytest.fixture
def tracking(db) -> RecommendationTracking:
    found = RecommendationTracking.objects.filter(
        region__code="south-west",
        finding__reference="Recommendation 2",
        finding__inspection__title__startswith="An inspection of the effectiveness",
    ).first()  # one the demo's LRO may add evidence to
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.html", HTML),
        ("evil.htm", HTML),
        ("evil.xhtml", HTML),
        ("evil.svg", SVG),
        ("evil.svgz", SVG),
        ("evil.js", b"alert(1)"),
        ("evil.xml", SVG),
        ("evil", HTML),
        ("evil.pdf", HTML),  # says PDF, holds HTML
        ("evil.png", SVG),  # says PNG, holds SVG
        ("evil.jpg", HTML),
        ("evil.docx", HTML),
        ("evil.txt", b"\x00" + HTML),  # binary in a text file
    ],
)
def test_it_refuses_runnable_or_mislabelled_files(persona, tracking, name, content):
    with pytest.raises(ValidationFailed):
        services.evidence_add(actor=persona("lro"), tracking=tracking, upload=text_file(name, content), description="x")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.txt", HTML),  # HTML inside an allowed text type
        ("image.csv", SVG),
        ("polyglot.png", b"\x89PNG\r\n\x1a\n" + HTML),
        ("polyglot.pdf", b"%PDF-1.4\n" + HTML),
        ('a"; filename=evil.html\r\nX-Injected: 1.txt', HTML),  # a name that tries to break the header
        ("../../../etc/passwd.txt", b"root:x:0:0"),
        ("évidence \u202egnp.txt", b"text"),
    ],
)
def test_kept_files_are_served_as_unsniffed_sandboxed_attachments(persona, client_for, tracking, name, content):
    evidence = services.evidence_add(
        actor=persona("lro"), tracking=tracking, upload=text_file(name, content), description="x"
    )
    assert ".." not in evidence.file.name
    assert not evidence.file.name.startswith("/")
    response = client_for("head").get(f"/governance/evidence/{evidence.pk}/")

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "X-Injected" not in response
    assert re.search(r'filename="[^"]*"', disposition) or "filename*=" in disposition
    assert 'filename="evil.html"' not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert not any(t in response["Content-Type"] for t in RUNNABLE_TYPES)
    assert b"".join(response.streaming_content) == content


def test_the_upload_directory_is_not_reachable_by_url(persona, client_for, tracking):
    evidence = services.evidence_add(
        actor=persona("lro"), tracking=tracking, upload=text_file("page.txt", HTML), description="x"
    )
    for prefix in ("/media/", "/uploads/", "/files/", "/var/", "/static/", "/"):
        response = client_for("head").get(prefix + evidence.file.name)
        assert response.status_code == 404, prefix
        assert HTML not in response.content


def test_other_downloads_are_attachments_too(client_for):
    """Exports and templates built from stored text go out as attachments, unsniffed."""
    for username, url in [
        ("disruption", "/referrals/templates/partner_general.csv"),
        ("analyst", "/threats/?export=csv"),
        ("analyst", "/threats/?export=xlsx"),
    ]:
        response = client_for(username).get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
