"""Signing in and out: passwords, lockout, the second factor, idle timeout, all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rocu.audit.models import AuditEvent, Category
from tests.conftest import PASSWORD

SIGN_IN = "/accounts/sign-in/"
TWO_FACTOR = "/accounts/two-factor/"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def code_for(device: TOTPDevice, *, wrong: bool = False) -> str:
    """The code the person's authenticator app shows now (or one it shows at no nearby time)."""
    near = {
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + d).token():06d}"
        for d in (-1, 0, 1)
    }
    if wrong:
        return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("seq")


def test_it_signs_in_with_the_right_password_and_audits_it(persona):
    client = Client()

    response = sign_in(client, "pcc")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = events("accounts.sign_in").last()
    assert (event.category, event.actor_id, event.actor_username) == (
        Category.AUTHENTICATION,
        persona("pcc").pk,
        "pcc",
    )
    assert event.ip_address == "127.0.0.1"


def test_it_audits_a_sign_out(persona):
    client = Client()
    sign_in(client, "national")

    response = client.post("/accounts/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    event = events("accounts.sign_out").last()
    assert (event.category, event.actor_username) == (Category.AUTHENTICATION, "national")
    assert client.get("/").status_code == 302


def test_it_refuses_a_wrong_password_and_audits_the_attempt_without_the_password(db):
    client = Client()

    response = sign_in(client, "head", "not-the-password")

    assert response.status_code == 200
    assert b"correct username and password" in response.content
    event = events("accounts.sign_in_failed").last()
    assert (event.category, event.actor_id, event.actor_username) == (Category.AUTHENTICATION, None, "head")
    assert "not-the-password" not in str(event.detail)
    assert "_auth_user_id" not in client.session


def test_it_audits_a_failed_attempt_for_an_unknown_username(db):
    sign_in(Client(), "nobody-at-all", "guess-number-one")

    assert events("accounts.sign_in_failed").last().actor_username == "nobody-at-all"


def test_it_locks_an_account_after_five_failures_even_against_the_right_password(db):
    client = Client()
    answers = [sign_in(client, "head", "wrong-password-guess").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks

    response = sign_in(client, "head")

    assert response.status_code == 429
    assert b"This account is locked for now" in response.content
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert events("accounts.locked_out").filter(actor_username="head").exists()
    assert events("accounts.sign_in_failed").filter(actor_username="head").count() >= 5


def test_it_still_lets_someone_in_after_four_failures(db):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "pcc", "wrong-password-guess").status_code == 200

    assert sign_in(client, "pcc").status_code == 302
    assert client.get("/").status_code == 200


def test_it_sends_a_role_that_sees_personal_data_to_enrol_a_second_factor(persona):
    client = Client()
    sign_in(client, "analyst")

    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == f"{TWO_FACTOR}?next=%2F"
    page = client.get(home["Location"])
    assert page.status_code == 200
    assert b"Set up your authenticator app" in page.content
    device = TOTPDevice.objects.get(user=persona("analyst"), confirmed=False)

    response = client.post(TWO_FACTOR, {"token": code_for(device), "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert events("accounts.two_factor.enrol").filter(actor_username="analyst").exists()
    assert events("accounts.two_factor.verify").filter(actor_username="analyst").exists()


def test_it_asks_an_enrolled_person_for_a_code_at_every_sign_in(persona):
    device = TOTPDevice.objects.create(user=persona("auditor"), name="Phone", confirmed=True)
    client = Client()
    sign_in(client, "auditor")

    assert client.get("/audit/")["Location"].startswith(TWO_FACTOR)
    page = client.get(TWO_FACTOR)
    assert b"Enter your code" in page.content
    assert client.post(TWO_FACTOR, {"token": code_for(device)}).status_code == 302
    assert client.get("/audit/").status_code == 200


def test_it_refuses_a_wrong_code_and_audits_it(persona):
    device = TOTPDevice.objects.create(user=persona("sio"), name="Phone", confirmed=True)
    client = Client()
    sign_in(client, "sio")

    response = client.post(TWO_FACTOR, {"token": code_for(device, wrong=True), "next": "/"})

    assert response.status_code == 200
    assert b"That code is not right" in response.content
    event = events("accounts.two_factor.fail").last()
    assert (event.category, event.actor_username) == (Category.AUTHENTICATION, "sio")
    assert client.get("/")["Location"].startswith(TWO_FACTOR)


@pytest.mark.parametrize("token", ["", "12345", "1234567", "abcdef", "12 456", "1" * 10_000])
def test_it_refuses_a_malformed_code_without_trying_it(persona, token):
    client = Client()
    sign_in(client, "lro")

    response = client.post(TWO_FACTOR, {"token": token})

    assert response.status_code == 200
    assert not events("accounts.two_factor.fail").filter(actor_username="lro").exists()


@pytest.mark.parametrize("username", ["pcc", "national"])
def test_it_lets_aggregate_only_roles_in_without_a_second_factor(db, username):
    client = Client()
    sign_in(client, username)

    assert client.get("/").status_code == 200
    assert client.get(TWO_FACTOR)["Location"] == "/"


def test_it_does_not_follow_a_next_link_off_the_site(persona):
    device = TOTPDevice.objects.create(user=persona("head"), name="Phone", confirmed=True)
    client = Client()
    sign_in(client, "head")

    response = client.post(TWO_FACTOR, {"token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_it_honours_demo_logins_only_when_the_service_runs_as_a_demo(db, settings):
    client = Client()
    sign_in(client, "analyst")
    assert client.get("/").status_code == 302

    settings.DEMO = True

    assert client.get("/").status_code == 200


def test_it_ends_a_session_after_the_idle_time(persona):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_IDLE_MINUTES <= 30
    client = Client()
    sign_in(client, "pcc")
    key = client.session.session_key

    # Each request pushes the expiry on by the idle time ...
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    pushed = Session.objects.get(session_key=key).expire_date
    assert pushed > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # ... and a session left idle past it is over.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
