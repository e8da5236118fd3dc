"""Bearer tokens: made by the CLI, shown once, stored only as a digest, revocable."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models.functions import Cast
from django.test import Client

from rocu.accounts.models import ApiToken
from rocu.audit.models import AuditEvent
from tests.api.conftest import assert_problem, bearer, create_token

TOKEN_SHAPE = re.compile(r"rocu_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_unauthorised(response, detail_contains: str = "") -> None:
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="rocu"'
    assert detail_contains.lower() in body["detail"].lower(), body


def test_it_prints_the_token_once_on_stdout_and_nothing_else(db):
    out, err = run("create", "analyst", "--name", "ingest")
    raw = out.strip()
    assert out == raw + "\n"
    assert TOKEN_SHAPE.fullmatch(raw), raw
    token = ApiToken.objects.get(prefix=raw.split("_")[1])
    assert (token.user.username, token.name, token.revoked_at) == ("analyst", "ingest", None)
    assert token.prefix in err
    assert "shown once" in err
    assert raw not in err


def test_it_authenticates_with_the_token(db):
    raw = create_token("head")
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "head"
    token = ApiToken.objects.get(prefix=raw.split("_")[1])
    assert token.last_used_at is not None


def test_it_needs_no_session_or_cookie(db, persona):
    response = bearer(create_token("sio")).get(f"/api/v1/people/{persona('sio').pk}/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_a_revoked_token_answers_401_problem(db):
    raw = create_token("head")
    client = bearer(raw)
    assert client.get("/api/v1/me/").status_code == 200
    prefix = raw.split("_")[1]
    out, _ = run("revoke", prefix)
    assert prefix in out
    assert "revoked" in out
    assert_unauthorised(client.get("/api/v1/me/"), "revoked")
    assert_unauthorised(client.get("/api/v1/regions/"), "revoked")
    assert ApiToken.objects.get(prefix=prefix).revoked_at is not None


def test_revoking_one_token_leaves_the_others_working(db):
    first, second = create_token("head", "one"), create_token("head", "two")
    run("revoke", first.split("_")[1])
    assert bearer(first).get("/api/v1/me/").status_code == 401
    assert bearer(second).get("/api/v1/me/").status_code == 200


def test_it_lists_tokens_without_their_secrets(db):
    raw = create_token("auditor", "siem")
    run("revoke", create_token("auditor", "old").split("_")[1])
    out, _ = run("list", "auditor")
    assert raw.split("_")[1] in out
    assert raw.split("_", 2)[2] not in out
    lines = sorted(out.strip().splitlines())
    assert len(lines) == 2
    assert {line.split("\t")[3] for line in lines} == {"active", "revoked"}


def test_the_cli_refuses_unknown_users_and_prefixes(db):
    with pytest.raises(CommandError, match="No user"):
        run("create", "nobody")
    with pytest.raises(CommandError, match="No token"):
        run("revoke", "000000000000")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer not-a-token",
        "Bearer rocu_",
        "Bearer rocu__",
        "Bearer rocu_abc",
        "Bearer other_0123456789ab_secret",
        "Bearer rocu_0123456789ab_",
        "Bearer rocu_ZZZZ_secret",
        "Bearer rocu_\x00_secret",
        "Bearer rocu_0123456789ab_\x00",
        "Bearer rocu_é_secret",
        "Bearer rocu_" + "a" * 300 + "_secret",
        "Bearer rocu_0123456789ab_" + "s" * 5000,
        "Basic YW5hbHlzdDpwYXNzd29yZA==",
        "Token abc",
        "bearer rocu_0123456789ab_secret",
    ],
)
def test_a_malformed_header_answers_401(db, header):
    assert_unauthorised(Client(headers={"Authorization": header}).get("/api/v1/me/"))


def test_an_unknown_token_answers_401(db):
    raw = create_token("head")
    prefix = raw.split("_")[1]
    forged = f"rocu_{prefix}_{'x' * 43}"  # a real prefix with the wrong secret
    assert_unauthorised(bearer(forged).get("/api/v1/me/"), "not valid")
    assert_unauthorised(bearer("rocu_0123456789ab_" + "y" * 43).get("/api/v1/me/"), "not valid")


def test_a_token_of_a_deactivated_user_answers_401(db, persona):
    raw = create_token("analyst")
    user = persona("analyst")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_unauthorised(bearer(raw).get("/api/v1/me/"), "not active")


def test_a_bad_token_is_not_rescued_by_a_good_session(db, client_for):
    """A request that names a token is judged by the token alone."""
    client = client_for("head")
    assert client.get("/api/v1/me/").status_code == 200
    assert_unauthorised(client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer rocu_0123456789ab_nope"))


def test_the_token_is_stored_hashed_and_appears_nowhere_in_the_database(db):
    raw = create_token("head")
    prefix, secret = raw.split("_")[1], raw.split("_", 2)[2]
    token = ApiToken.objects.get(prefix=prefix)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    bearer(raw).get("/api/v1/me/")  # using it must not write it down either
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                qs = model._base_manager.filter(**{f"{field.attname}__contains": secret})
            elif isinstance(field, models.JSONField):
                qs = model._base_manager.annotate(_text=Cast(field.attname, models.TextField())).filter(
                    _text__contains=secret
                )
            else:
                continue
            assert not qs.exists(), f"{model._meta.label}.{field.name} holds the token's secret"


def test_creating_and_revoking_are_audited(db):
    raw = create_token("head")
    prefix = raw.split("_")[1]
    run("revoke", prefix)
    actions = list(
        AuditEvent.objects.filter(action__startswith="accounts.api_token.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["accounts.api_token.create", "accounts.api_token.revoke"]
