"""Who may reach each threats, OCG, assessment and T&CG page and endpoint, with the exact answer.

Records are the South West demo's: `{threat}` County lines — Plymouth (Devon and
Cornwall), `{swindon}` County lines — Swindon (Wiltshire only: outside the force SOC
lead's share), `{viz}` the Vizardlike threat (need-to-know group: analyst, sio, head),
`{ocg}` the Tamar Crossing network, `{member}` one of its members, `{assessment}` an
approved score of `{threat}`, `{pending}` a score awaiting review (by analyst2),
`{past}` last month's T&CG, `{next}` the planned one, `{action}` the head's action.
"""

from __future__ import annotations

import pytest

from rocu.threats import urls
from rocu.threats.models import Assessment, Meeting, OrganisedCrimeGroup, TaskingAction, Threat
from tests.core.matrix import check, covered_names, expand, route_names

SEE = "200 403 200 200 200 200 403 403 403 200 LOG"
SEE_ONE = "200 403 200 200 200 200 403 403 403 404 LOG"
MANAGE = "200 403 403 403 200 403 403 403 403 200 LOG"
MANAGE_ONE = "200 403 403 403 200 403 403 403 403 404 LOG"
MANAGE_POST = "302 403 403 403 302 403 403 403 403 404 LOG"
MANAGE_GET_POSTONLY = "405 403 403 403 405 403 403 403 403 405 LOG"
SCORE_ONE = "200 403 403 403 403 403 403 403 403 404 LOG"
RUN = "403 403 403 403 200 403 403 403 403 403 LOG"
COUNTS = "200 403 200 200 200 200 200 200 403 200 LOG"

TABLE = [
    # answers (ana dis sio lro hea frc pcc nat aud out anon), method, url[, form data]
    (SEE, "GET", "/threats/"),
    (SEE, "GET", "/threats/?export=csv&flag=stale"),
    (MANAGE, "GET", "/threats/new/"),
    (MANAGE, "POST", "/threats/new/", {}),
    (MANAGE, "GET", "/threats/import/"),
    (SEE, "GET", "/threats/mismatches/"),
    (COUNTS, "GET", "/threats/counts/"),
    (SEE_ONE, "GET", "/threats/{threat}/"),
    ("200 403 200 200 200 404 403 403 403 404 LOG", "GET", "/threats/{swindon}/"),
    ("200 403 200 404 200 404 403 403 403 404 LOG", "GET", "/threats/{viz}/"),
    ("404 403 404 404 404 404 403 403 403 404 LOG", "GET", "/threats/999999999/"),
    (MANAGE_ONE, "GET", "/threats/{threat}/edit/"),
    (MANAGE_ONE, "POST", "/threats/{threat}/edit/", {}),
    (SCORE_ONE, "GET", "/threats/subjects/{threat}/score/"),
    (SCORE_ONE, "POST", "/threats/subjects/{threat}/score/", {}),
    (SEE, "GET", "/threats/assessments/"),
    (SEE_ONE, "GET", "/threats/assessments/{assessment}/"),
    ("302 403 403 403 403 403 403 403 403 404 LOG", "POST", "/threats/assessments/{pending}/", {"outcome": "approve"}),
    (SEE, "GET", "/threats/ocgs/"),
    (MANAGE, "GET", "/threats/ocgs/new/"),
    (SEE_ONE, "GET", "/threats/ocgs/{ocg}/"),
    (MANAGE_ONE, "GET", "/threats/ocgs/{ocg}/edit/"),
    (MANAGE_GET_POSTONLY, "GET", "/threats/ocgs/{ocg}/members/"),
    (MANAGE_POST, "POST", "/threats/ocgs/{ocg}/members/", {}),
    (MANAGE_POST, "POST", "/threats/ocgs/{ocg}/members/{member}/remove/", {}),
    ("404 403 403 403 404 403 403 403 403 404 LOG", "POST", "/threats/ocgs/{ocg}/members/999999999/remove/", {}),
    (MANAGE_POST, "POST", "/threats/ocgs/{ocg}/links/", {}),
    (SEE, "GET", "/threats/tcg/"),
    (RUN, "GET", "/threats/tcg/new/"),
    (RUN, "POST", "/threats/tcg/new/", {}),
    (SEE_ONE, "GET", "/threats/tcg/{past}/"),
    ("403 403 403 403 200 403 403 403 403 404 LOG", "POST", "/threats/tcg/{past}/", {}),
    (SEE_ONE, "GET", "/threats/tcg/{past}/agenda.pdf"),
    (RUN, "GET", "/threats/tcg/{next}/decisions/new/"),
    (RUN, "POST", "/threats/tcg/{next}/decisions/new/", {}),
    ("403 403 403 403 302 403 403 403 403 403 LOG", "POST", "/threats/tcg/{past}/actions/", {}),
    ("405 403 405 405 405 405 403 403 403 405 LOG", "GET", "/threats/tcg/{past}/actions/{action}/"),
    (
        "403 403 403 403 302 403 403 403 403 404 LOG",
        "POST",
        "/threats/tcg/{past}/actions/{action}/",
        {"status": "done"},
    ),
    # API
    ("200 403 200 200 200 200 403 403 403 200 401", "GET", "/api/v1/threats/"),
    ("400 403 400 400 400 400 403 403 403 400 401", "GET", "/api/v1/threats/?flag=bogus"),
    ("400 400 400 400 400 400 400 400 400 400 401", "GET", "/api/v1/threats/?colour=red"),
    ("200 403 200 200 200 200 403 403 403 404 401", "GET", "/api/v1/threats/{threat}/"),
    ("200 403 200 404 200 404 403 403 403 404 401", "GET", "/api/v1/threats/{viz}/"),
    ("400 403 403 403 400 403 403 403 403 400 401", "POST", "/api/v1/threats/"),
    # A change must name the row_version it was made from: an empty one is refused (400).
    ("400 403 403 403 400 403 403 403 403 404 401", "PATCH", "/api/v1/threats/{threat}/"),
    ("400 403 403 403 400 403 403 403 403 400 401", "POST", "/api/v1/threats/import/"),
    ("200 403 200 200 200 200 403 403 403 200 401", "GET", "/api/v1/ocgs/"),
    ("200 403 200 200 200 200 403 403 403 404 401", "GET", "/api/v1/ocgs/{ocg}/"),
    ("200 403 200 200 200 200 403 403 403 404 401", "GET", "/api/v1/ocgs/{ocg}/members/"),
    ("400 403 403 403 400 403 403 403 403 400 401", "POST", "/api/v1/ocgs/"),
    ("200 403 200 200 200 200 403 403 403 200 401", "GET", "/api/v1/assessments/"),
    ("200 403 200 200 200 200 403 403 403 404 401", "GET", "/api/v1/assessments/{assessment}/"),
    ("400 403 403 403 403 403 403 403 403 400 401", "POST", "/api/v1/assessments/"),
    ("400 403 403 403 403 403 403 403 403 404 401", "POST", "/api/v1/assessments/{pending}/review/"),
    ("200 403 200 200 200 200 403 403 403 200 401", "GET", "/api/v1/tcg/meetings/"),
    ("200 403 200 200 200 200 403 403 403 404 401", "GET", "/api/v1/tcg/meetings/{past}/"),
    ("403 403 403 403 400 403 403 403 403 403 401", "POST", "/api/v1/tcg/meetings/"),
    ("200 403 200 200 200 200 403 403 403 200 401", "GET", "/api/v1/tcg/decisions/"),
    ("403 403 403 403 400 403 403 403 403 403 401", "POST", "/api/v1/tcg/decisions/"),
    ("200 403 200 200 200 200 200 200 403 200 401", "GET", "/api/v1/threat-counts/"),
]


@pytest.fixture
def records(db):
    threat = Threat.objects.get(name="County lines — Plymouth")
    ocg = OrganisedCrimeGroup.objects.get(name="Tamar Crossing network")
    past = Meeting.objects.get(status="held")
    return {
        "threat": threat.pk,
        "swindon": Threat.objects.get(name="County lines — Swindon").pk,
        "viz": Threat.objects.get(name="Firearms supply — Project Vizardlike").pk,
        "ocg": ocg.pk,
        "member": ocg.memberships.first().pk,
        "assessment": threat.assessments.first().pk,
        "pending": Assessment.objects.get(status="awaiting_review").pk,
        "past": past.pk,
        "next": Meeting.objects.get(status="planned").pk,
        "action": TaskingAction.objects.get(meeting=past, owner__username="head").pk,
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "threats") == route_names(urls)
