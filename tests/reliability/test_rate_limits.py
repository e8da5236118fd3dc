"""Sign-in and the API are rate limited.

- Sign-in: django-axes locks after ROCU_LOCKOUT_FAILURES (AXES_FAILURE_LIMIT) failures
  by username *or* by address: a 429, even for the right password, and the same for
  usernames that do not exist (the answer says nothing about who has an account).
- API: DRF's user throttle (ROCU_API_RATE) answers 429 as problem+json with a
  Retry-After hint, per caller, for tokens and sessions alike; a flood of bad tokens
  from one address is throttled too.

DRF reads throttle rates into the class when it is imported, so the small rate here is
set on the class for the test (the settings value reaches it only at start-up).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import UserRateThrottle

from rocu.api.problems import PROBLEM
from tests.api.conftest import create_token
from tests.conftest import PASSWORD

SIGN_IN = "/accounts/sign-in/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle history lives in the cache: start and leave it empty for other tests."""
    cache.clear()
    yield
    cache.clear()


def attempt(client: Client, username: str, password: str = "wrong-password-guess", ip: str = "192.0.2.10") -> int:
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=ip).status_code


def test_sign_in_locks_a_username_after_the_configured_failures(db, settings):
    settings.AXES_FAILURE_LIMIT = 3  # ROCU_LOCKOUT_FAILURES=3
    client = Client()
    answers = [attempt(client, "analyst", ip=f"192.0.2.{i}") for i in range(1, 4)]  # a new address each time

    assert answers == [200, 200, 429]
    assert attempt(client, "analyst", PASSWORD, ip="192.0.2.99") == 429
    assert "_auth_user_id" not in client.session
    assert attempt(Client(), "sio", PASSWORD, ip="192.0.2.99") == 302  # others are not locked out


def test_sign_in_locks_an_address_spraying_many_usernames(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    answers = [attempt(client, name, ip="198.51.100.7") for name in ("analyst", "sio", "no-such-person")]

    assert answers == [200, 200, 429]
    assert attempt(Client(), "lro", PASSWORD, ip="198.51.100.7") == 429  # the address is locked
    assert attempt(Client(), "lro", PASSWORD, ip="198.51.100.8") == 302


def test_unknown_usernames_lock_the_same_way(db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    known = [attempt(Client(), "head", ip=f"203.0.113.{i}") for i in (1, 2)]
    unknown = [attempt(Client(), "nobody-here", ip=f"203.0.113.{i}") for i in (3, 4)]

    assert known == unknown == [200, 429]


@pytest.fixture
def small_rate(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "4/minute"})
    return 4


@pytest.mark.parametrize("transport", ["bearer", "session"])
def test_the_api_throttles_a_caller_over_the_rate(client_for, small_rate, transport):
    if transport == "bearer":
        client = Client(headers={"Authorization": f"Bearer {create_token('analyst')}"})
    else:
        client = client_for("analyst")
    answers = [client.get("/api/v1/threats/").status_code for _ in range(small_rate + 2)]

    assert answers[:small_rate] == [200] * small_rate
    assert answers[small_rate:] == [429, 429]
    response = client.get("/api/v1/threats/")
    assert response.status_code == 429
    assert response["Content-Type"].startswith(PROBLEM)
    assert int(response["Retry-After"]) > 0
    assert response.json()["status"] == 429
    # another caller has their own allowance
    assert client_for("sio").get("/api/v1/threats/").status_code == 200


def test_the_api_throttles_a_flood_of_bad_tokens_from_one_address(db, small_rate):
    client = Client(headers={"Authorization": "Bearer rocu_0123abcd_not-a-real-token"})
    answers = [client.get("/api/v1/threats/", REMOTE_ADDR="192.0.2.50").status_code for _ in range(small_rate + 2)]

    assert set(answers[:small_rate]) == {401}
    assert answers[small_rate:] == [429, 429]
    assert Client().get("/api/v1/threats/", REMOTE_ADDR="192.0.2.51").status_code in (401, 403)


def test_a_forged_forwarded_for_header_does_not_buy_a_fresh_allowance(db, small_rate):
    client = Client(headers={"Authorization": "Bearer rocu_0123abcd_not-a-real-token"})
    answers = [
        client.get("/api/v1/threats/", REMOTE_ADDR="192.0.2.60", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(small_rate + 2)
    ]
    assert answers[small_rate:] == [429, 429]
