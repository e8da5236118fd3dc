"""schemathesis over every operation of /api/schema/: no input makes the API answer 5xx.

The schema is fetched through the test client and each generated case is sent to the
real WSGI application in this process, so it runs on the seeded test database inside
the test's transaction. Valid and invalid inputs are both generated (positive and
negative), with a bearer token for personas of very different reach.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import DataGenerationMethod
from schemathesis.checks import not_a_server_error

from rocu.api.problems import PROBLEM
from tests.api.conftest import create_token


def _restore_many_more() -> None:
    """hypothesis-jsonschema 0.23 (under schemathesis 3) still calls `many.more()`, which
    newer Hypothesis replaced by iterating `many` inside a with-block. Give it back a
    `more()` built on that iteration; a Hypothesis that still has `more()` is left alone.
    """
    from hypothesis.internal.conjecture import utils as cu

    if hasattr(cu.many, "more"):
        return

    def more(self: Any) -> bool:
        if getattr(self, "_legacy_elements", None) is None:
            self.__enter__()
            self._legacy_elements = iter(self)
        return next(self._legacy_elements, False) is None

    cu.many.more = more


_restore_many_more()

EXAMPLES = 5  # per operation and generation method: finds crashes, and keeps the run well under a minute
CALLERS = ["head", "auditor", "pcc", None]  # wide, audit-only and aggregate-only reach; None: no token
HOSTILE = ["\x00", "a\x00b", "9" * 30, "-1", "\u00b2", "", "x" * 2000, "' OR 1=1 --", "%", "\U0001f600"]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """A WSGI app built now, under the test settings (one built at import would redirect every plain-HTTP
    request to HTTPS and the fuzzing would reach nothing), minus the per-request connection reset that would
    end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def raw_schema(db: None) -> dict[str, Any]:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def callers(db: None) -> dict[str, dict[str, str]]:
    """Request headers for each caller: a bearer token made by the CLI, or none."""
    return {
        who or "anonymous": {"Host": "testserver", **({"Authorization": f"Bearer {create_token(who)}"} if who else {})}
        for who in CALLERS
    }


def _fuzz(operation: Any, method: DataGenerationMethod, callers: dict[str, dict[str, str]]) -> None:
    """Each generated case is sent once per caller: generating costs more than sending."""

    @given(case=operation.as_strategy(data_generation_method=method))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for who, headers in callers.items():
            try:
                response = case.call(headers=headers)
            except (TypeError, ValueError, AttributeError):
                # schemathesis could not serialise a negative case (say, a list as a
                # multipart form): the server never saw it, so there is nothing to judge.
                reject()
            try:
                case.validate_response(response, checks=(not_a_server_error,))
            except Exception as exc:
                raise AssertionError(f"as {who}: {exc}") from exc

    # Unsatisfiable: no case of this kind exists (a negative of an enum-only path); nothing was sent to judge.
    with contextlib.suppress(Unsatisfiable):
        run()


def test_no_operation_answers_a_server_error(raw_schema, wsgi_app, callers):
    schema = schemathesis.from_dict(raw_schema, app=wsgi_app, base_url="http://testserver")
    operations = [result.ok() for result in schema.get_all_operations()]
    me = next(op for op in operations if op.path == "/me/" or op.path.endswith("/me/"))
    reached = me.make_case().call(headers=callers["head"])
    assert reached.status_code == 200, "the fuzzing must reach the API, not a redirect"
    assert len(operations) >= 13  # the foundation's own, at least
    failures = []
    for operation in operations:
        for method in (DataGenerationMethod.positive, DataGenerationMethod.negative):
            try:
                _fuzz(operation, method, callers)
            except Exception as exc:  # noqa: BLE001 - gather every failing operation, then report them all
                failures.append(f"{operation.verbose_name} [{method.value}]: {exc}")
    assert not failures, "\n\n".join(failures)


def test_hostile_values_in_every_query_parameter_are_refused_cleanly(raw_schema, callers):
    """A deterministic sweep beside the fuzzing: NUL, huge numbers, odd digits, long text.

    Each value goes into each query parameter of every GET operation the schema lists
    (paths with ids get id 1). The answer is never a 5xx, and any error is problem+json.
    """
    clients = {
        who: Client(raise_request_exception=False, headers={k: v for k, v in h.items() if k != "Host"})
        for who, h in callers.items()
    }
    failures = []
    for path, ops in raw_schema["paths"].items():
        get = ops.get("get")
        if get is None:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        for name in names:
            for value in HOSTILE:
                for who, client in clients.items():
                    response = client.get(url, {name: value})
                    if response.status_code >= 500:
                        failures.append(f"{who}: GET {url}?{name}={value[:20]!r} -> {response.status_code}")
                    elif response.status_code >= 400 and not response["Content-Type"].startswith(PROBLEM):
                        failures.append(f"{who}: GET {url}?{name}={value[:20]!r} -> not problem+json")
    assert not failures, "\n".join(failures)
