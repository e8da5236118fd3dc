"""What an operator relies on: the health probes, the demo seed, the shell's pages."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from rocu.accounts.models import User
from rocu.audit.models import AuditEvent, AuditHead
from tests.conftest import PASSWORD, PERSONAS


def test_it_says_the_process_is_alive(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_says_it_is_ready_when_the_database_answers_and_is_migrated(db):
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "data_dir": "ok", "storage": "ok"},
    }


def test_it_answers_the_probes_without_a_session_cookie(db):
    response = Client().get("/healthz")

    assert "sessionid" not in response.cookies


def counts() -> dict[str, int]:
    """Rows of every rocu model but the audit trail, which the seed itself adds to."""
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label not in ("audit",) and m.__module__.startswith("rocu.")
    }


def test_it_seeds_the_demo_region_idempotently(db):
    before = counts()
    out = io.StringIO()

    call_command("seed-demo", "--password", PASSWORD, stdout=out, stderr=io.StringIO())
    first = counts()
    call_command("seed-demo", "--password", PASSWORD, "--quiet", stdout=io.StringIO(), stderr=io.StringIO())

    assert counts() == first == before
    for username in PERSONAS:
        assert f"  {username} " in out.getvalue()
    assert f"password: {PASSWORD}" in out.getvalue()
    assert AuditEvent.objects.filter(action="core.demo.seed").count() == 2
    assert User.objects.get(username="head").check_password(PASSWORD)


@pytest.mark.parametrize(("args", "message"), [(["--scale", "0"], "--scale"), (["--password", "short"], "--password")])
def test_it_refuses_bad_seed_options(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed-demo", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_it_prints_an_api_token_once_and_stores_only_its_digest(persona):
    out, err = io.StringIO(), io.StringIO()

    call_command("api-token", "create", "analyst", "--name", "Border Force feed", stdout=out, stderr=err)

    raw = out.getvalue().strip()
    token = persona("analyst").api_tokens.get()
    assert raw.startswith(f"rocu_{token.prefix}_")
    assert raw not in (token.digest, token.prefix)
    assert "shown once" in err.getvalue()
    assert AuditHead.objects.get().seq == AuditEvent.objects.get(action="accounts.api_token.create").seq

    call_command("api-token", "revoke", token.prefix, stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "args", [["create", "nobody"], ["revoke", "nosuchprefix"], ["create", "analyst", "--name", "x" * 81]]
)
def test_it_refuses_bad_token_commands(db, args):
    with pytest.raises(CommandError):
        call_command("api-token", *args, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("username", PERSONAS)
def test_it_shows_each_persona_their_own_home_page(client_for, persona, username):
    response = client_for(username).get("/")

    assert response.status_code == 200
    assert persona(username).get_full_name().encode() in response.content
    assert b'class="govuk-skip-link"' in response.content


def test_it_sends_security_headers(client_for):
    response = client_for("analyst").get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
