"""Stateful schemathesis over the whole API, once per role's bearer token (and anonymously).

drf-spectacular publishes no OpenAPI links, so they are added here from the schema's
own shape: a collection's list (GET 200, the first result's id) and its create (POST
201, the new id) lead to every operation on that collection's `{id}` paths, and a
detail read leads to its PATCH (same id). schemathesis then runs sequences such as
list -> read -> update, create -> read -> action, carrying real ids between calls, on
the seeded test database inside the test's transaction.

Property: no response is a 5xx, and every response the schema documents conforms to it
(content type and body). Refusals (401/403/404/409) are not in the schema, so their
status codes cannot be checked against it.
The short run (few steps for every role) is in the normal suite; `reliability_full`
runs many more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FlakyStrategyDefinition
from hypothesis.stateful import RuleBasedStateMachine
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

import tests.api.test_schemathesis  # noqa: F401 - its Hypothesis shim for hypothesis-jsonschema
from tests.api.conftest import create_token
from tests.conftest import PERSONAS

ID_PARAM = re.compile(r"\{([^}]+)\}")
# Not status_code_conformance: the schema documents success codes only, so every refusal
# (401, 403, 404, 409) would be "undocumented"; those bodies are problem+json, checked elsewhere.
CHECKS = (not_a_server_error, content_type_conformance, response_schema_conformance)


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """A WSGI app built now, minus the per-request connection reset that would end the test's transaction.

    Built here rather than imported (rocu.wsgi.application): middleware reads settings
    when it is built, and one built at import time redirects every plain-HTTP request
    to HTTPS (301), so nothing behind it would be tested.
    """
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


def add_links(schema: Any, raw: dict[str, Any]) -> int:
    """Links from each collection's list and create to the operations on its items."""
    added = 0
    paths = raw["paths"]
    for path, ops in paths.items():
        names = ID_PARAM.findall(path)
        if len(names) != 1:
            continue
        name = names[0]
        collection = path[: path.index("{")]
        sources = []
        if "get" in paths.get(collection, {}):
            sources.append(("GET", "200", f"$response.body#/results/0/{'id'}"))
        if "post" in paths.get(collection, {}) and "201" in paths[collection]["post"].get("responses", {}):
            sources.append(("POST", "201", "$response.body#/id"))
        for method in ops:
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            for source_method, status, expression in sources:
                schema.add_link(
                    source=schema[collection][source_method],
                    target=schema[path][method.upper()],
                    status_code=status,
                    parameters={name: expression},
                )
                added += 1
        if "get" in ops and "patch" in ops:  # read, then change what was read
            schema.add_link(
                source=schema[path]["GET"],
                target=schema[path]["PATCH"],
                status_code="200",
                parameters={name: f"$request.path.{name}"},
            )
            added += 1
    return added


def machine_for(raw: dict[str, Any], app: Any, headers: dict[str, str], tally: dict[str, int], seen: list[str]) -> Any:
    schema = schemathesis.from_dict(raw, app=app, base_url="http://testserver")
    assert add_links(schema, raw) >= 50

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def _add_results_to_targets(self, targets: Any, results: Any) -> None:
            """schemathesis 3 routes each response to the bundle of the link it can feed by
            overriding `_add_result_to_targets`, which Hypothesis since renamed: without this,
            every response lands in the catch-all bundle and the machine stalls."""
            for result in results:
                target = self._get_target_for_result(result) if result is not None else None
                if target is not None:
                    RuleBasedStateMachine._add_results_to_targets(self, (target,), [result])

        def setup(self) -> None:
            """Each sequence runs in a savepoint rolled back at its end: the next one (and a
            replay of a failing one) starts from the same seeded data."""
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

        def step(self, case: Any, previous: Any = None) -> Any:
            tally["calls"] += 1
            tally["linked"] += previous is not None
            return super().step(case, previous)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Host": "testserver", **headers}}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = ()) -> None:
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:
                # Kept as seen, so a failure counts even if Hypothesis cannot replay it.
                seen.append(f"{case.method} {case.formatted_path}: {exc}"[:3000])
                raise

    return Workflow


def run(raw: dict[str, Any], app: Any, steps: int, examples: int, rounds: int = 1) -> dict[str, int]:
    """Run the machine for every role; returns how many calls were made and how many followed a link.

    The short run is derandomized. The long one is `rounds` fresh random runs per role:
    one long Hypothesis run over a live API sometimes stops with FlakyStrategyDefinition
    (its record of earlier draws no longer matches, as responses steer which links can be
    followed), which is about generation, not the API; such a round is counted and skipped.
    A failed check is recorded the moment it is seen, so it fails the test either way.
    """
    failures: list[str] = []
    tally = {"calls": 0, "linked": 0, "flaky_rounds": 0}
    for who in [*PERSONAS, None]:
        headers = {"Authorization": f"Bearer {create_token(who)}"} if who else {}
        for _ in range(rounds):
            seen: list[str] = []
            machine = machine_for(raw, app, headers, tally, seen)
            try:
                machine.run(
                    settings=settings(
                        max_examples=examples,
                        stateful_step_count=steps,
                        deadline=None,
                        derandomize=rounds == 1,
                        database=None,
                        phases=[Phase.explicit, Phase.generate],
                        suppress_health_check=list(HealthCheck),
                    )
                )
            except FlakyStrategyDefinition:
                tally["flaky_rounds"] += 1
            except Exception as exc:  # noqa: BLE001 - gather every role's failure, then report them all
                failures.append(f"as {who or 'anonymous'}: {exc}")
            failures.extend(f"as {who or 'anonymous'}: {failure}" for failure in dict.fromkeys(seen))
    assert not failures, "\n\n".join(failures)
    return tally


def test_stateful_sequences_for_every_role_stay_within_the_schema(raw_schema, wsgi_app):
    tally = run(raw_schema, wsgi_app, steps=5, examples=2)
    assert tally["linked"] >= 10, tally  # sequences really carried ids from one call to the next


@pytest.mark.reliability_full
def test_long_stateful_sequences_for_every_role_stay_within_the_schema(raw_schema, wsgi_app):
    tally = run(raw_schema, wsgi_app, steps=10, examples=8, rounds=3)
    assert tally["linked"] >= 300, tally
    assert tally["flaky_rounds"] <= len(PERSONAS), tally
