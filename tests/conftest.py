"""Shared fixtures: the demo region seeded once per test database, and named personas.

Tests run with ROCU_DEMO off, so personas that need two-factor sign-in get a real
confirmed TOTP device and a verified session, as a person who typed the code would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rocu.accounts.models import User
from rocu.core.demo import DemoContext, seeders

PASSWORD = "correct-horse-battery-staple"
PERSONAS = ["analyst", "disruption", "sio", "lro", "head", "forcelead", "pcc", "national", "auditor", "outsider"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Seed the demo region into the test database once; each test then rolls back."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        ctx = DemoContext(password=PASSWORD, scale=1)
        for _order, _name, seeder in seeders():
            seeder(ctx)


@pytest.fixture(autouse=True)
def _fast_hashing_and_no_demo(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO = False
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP


@pytest.fixture
def persona(db: None) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


def sign_in(client: Client, user: User) -> Client:
    """Sign in as a person who has also passed the second factor."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(db: None) -> Iterator[Callable[[str | None], Client]]:
    """A test client signed in as the named persona (None: an anonymous visitor)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username is None:
            return client
        return sign_in(client, User.objects.get(username=username))

    return make


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark the pure engine tests that never open the database as `no_database`: the
    PostgreSQL leg of `make test` deselects them, as they run exactly the same code there."""
    marker = pytest.mark.no_database
    for item in items:
        uses_db = {"db", "transactional_db", "django_db_setup"} & set(getattr(item, "fixturenames", ()))
        if "/tests/engines/" in str(item.path) and not uses_db and item.get_closest_marker("django_db") is None:
            item.add_marker(marker)
