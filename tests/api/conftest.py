"""API fixtures: bearer tokens made through the CLI, and clients for every transport."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import sign_in


def create_token(username: str, name: str = "tests") -> str:
    """A token exactly as an integrator gets it: printed once by `rocu api-token create`."""
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", username, "--name", name, stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("rocu_"), (raw, err.getvalue())
    return raw


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def token_for(db: None) -> Callable[[str], str]:
    return create_token


@pytest.fixture
def api_for(db: None) -> Callable[[str | None, str], Client]:
    """A client for a persona over a transport: "session" (verified second factor) or "bearer"."""

    def make(username: str | None, transport: str = "session") -> Client:
        if username is None:
            return Client()
        if transport == "bearer":
            return bearer(create_token(username))
        from rocu.accounts.models import User

        return sign_in(Client(), User.objects.get(username=username))

    return make


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """An RFC 9457 problem document with the given status; returns its body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status, body
    assert isinstance(body["title"], str), body
    assert body["title"], body
    assert isinstance(body["detail"], str), body
    assert body["detail"], body
    return body
