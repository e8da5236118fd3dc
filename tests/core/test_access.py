"""Who may reach the shell's own pages: home, a job's progress, the health probes."""

from __future__ import annotations

import pytest

from rocu.core import urls
from rocu.core.models import Job
from tests.core.matrix import check, covered_names, expand, route_names

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("200 200 200 200 200 200 200 200 200 200 LOG", "GET", "/"),
    # A job is seen by the person who started it; everyone else is told it does not exist.
    ("404 404 404 404 200 404 404 404 404 404 LOG", "GET", "/jobs/{job}/"),
    ("404 404 404 404 404 404 404 404 404 404 LOG", "GET", "/jobs/999999999/"),
    ("405 405 405 405 405 405 405 405 405 405 LOG", "POST", "/jobs/{job}/"),
    # Only its owner runs a job again, and only one that failed or was interrupted.
    ("404 404 404 404 409 404 404 404 404 404 LOG", "POST", "/jobs/{job}/retry/"),
    ("404 404 404 404 302 404 404 404 404 404 LOG", "POST", "/jobs/{failed}/retry/"),
    ("405 405 405 405 405 405 405 405 405 405 LOG", "GET", "/jobs/{failed}/retry/"),
    ("200 200 200 200 200 200 200 200 200 200 200", "GET", "/healthz"),
    ("405 405 405 405 405 405 405 405 405 405 405", "POST", "/healthz"),
    ("200 200 200 200 200 200 200 200 200 200 200", "GET", "/readyz"),
    ("405 405 405 405 405 405 405 405 405 405 405", "POST", "/readyz"),
]


@pytest.fixture
def records(persona):
    head = persona("head")
    job = Job.objects.create(kind="test", title="A long import", region=head.region, created_by=head)
    failed = Job.objects.create(
        kind="test",
        title="A failed import",
        region=head.region,
        created_by=head,
        status="failed",
        task_path="rocu.referrals.tasks.referral_import_run",
        task_args=[0],
    )
    return {"job": job.pk, "failed": failed.pk}


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "core") == route_names(urls)
