"""Who reaches referrals, check results and the funnel: every persona, the outsider, anonymous."""

from __future__ import annotations

import pytest
from django.test import Client

from rocu.accounts.models import Force, PartnerAgency, User
from rocu.referrals import urls
from rocu.referrals.models import CandidateMatch, ImportMode, Referral, ReferralImport, TriageDecision
from tests.api.conftest import bearer, create_token
from tests.core.matrix import check, covered_names, expand, route_names

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("200 200 403 403 200 200 403 403 403 200 LOG", "GET", "/referrals/"),
    ("200 200 403 403 200 200 403 403 403 200 LOG", "GET", "/referrals/?status=triaged&overdue=on&sort=-check_due"),
    ("200 200 403 403 200 200 403 403 403 200 LOG", "GET", "/referrals/?export=csv"),
    ("200 200 403 403 200 404 403 403 403 404 LOG", "GET", "/referrals/{ref}/"),
    ("200 200 403 403 200 200 403 403 403 404 LOG", "GET", "/referrals/{dc}/"),
    ("404 404 403 403 404 404 403 403 403 404 LOG", "GET", "/referrals/999999999/"),
    ("200 200 403 403 200 403 403 403 403 200 LOG", "GET", "/referrals/new/"),
    ("302 302 403 403 302 403 403 403 403 404 LOG", "POST", "/referrals/{ref}/assign/", {"assignee": ""}),
    ("302 302 403 403 302 403 403 403 403 404 LOG", "POST", "/referrals/{ref}/triage/", {"decision": ""}),
    ("302 302 403 403 302 403 403 403 403 404 LOG", "POST", "/referrals/{ref}/check/", {}),
    ("302 302 403 403 302 403 403 403 403 404 LOG", "POST", "/referrals/candidates/{cand}/decide/", {"verdict": "x"}),
    ("200 200 403 403 200 403 403 403 403 200 LOG", "GET", "/referrals/import/"),
    ("200 200 403 403 200 403 403 403 403 404 LOG", "GET", "/referrals/import/{imp}/"),
    ("200 200 403 403 200 403 403 403 403 404 LOG", "GET", "/referrals/import/{imp}/errors.csv"),
    ("200 200 403 403 200 403 403 403 403 200 LOG", "GET", "/referrals/templates/border_force_parcel.csv"),
    ("404 404 403 403 404 403 403 403 403 404 LOG", "GET", "/referrals/templates/nonsense.csv"),
    ("200 200 403 403 200 200 200 200 403 200 LOG", "GET", "/referrals/funnel/"),
    ("200 200 403 403 200 200 403 403 403 200 401", "GET", "/api/v1/referrals/"),
    ("200 200 403 403 200 404 403 403 403 404 401", "GET", "/api/v1/referrals/{ref}/"),
    ("200 200 403 403 200 403 403 403 403 404 401", "GET", "/api/v1/referrals/{ref}/candidates/"),
    ("415 415 403 403 415 403 403 403 403 404 401", "POST", "/api/v1/referrals/candidates/{cand}/verdict/", {}),
    ("415 415 403 403 415 403 403 403 403 415 401", "POST", "/api/v1/referrals/", {}),
    ("200 200 403 403 200 200 200 200 403 200 401", "GET", "/api/v1/referrals/funnel/"),
    # Triage and assignment take JSON only: a form post is 415 once the caller may act on the referral.
    ("415 415 403 403 415 403 403 403 403 404 401", "POST", "/api/v1/referrals/{ref}/triage/", {}),
    ("415 415 403 403 415 403 403 403 403 404 401", "POST", "/api/v1/referrals/{ref}/assign/", {}),
    ("415 415 403 403 415 403 403 403 403 404 401", "POST", "/api/v1/referrals/{dc}/triage/", {}),
    ("404 404 403 403 404 403 403 403 403 404 401", "POST", "/api/v1/referrals/999999999/assign/", {}),
    # Bulk imports: the queue's managers, their own region's imports; a post without a file is 400.
    ("200 200 403 403 200 403 403 403 403 200 401", "GET", "/api/v1/referrals/imports/"),
    ("200 200 403 403 200 403 403 403 403 404 401", "GET", "/api/v1/referrals/imports/{imp}/"),
    ("404 404 403 403 404 403 403 403 403 404 401", "GET", "/api/v1/referrals/imports/999999999/"),
    ("400 400 403 403 400 403 403 403 403 400 401", "POST", "/api/v1/referrals/imports/", {}),
    ("405 405 405 405 405 405 405 405 405 405 401", "DELETE", "/api/v1/referrals/imports/{imp}/"),
]


@pytest.fixture
def records(db):
    dc = Force.objects.get(code="devon-cornwall")
    ref = (
        Referral.objects.filter(decision=TriageDecision.NO_FURTHER_ACTION, subjects__candidates__isnull=False)
        .distinct()
        .first()
    )
    assert ref is not None
    upload = ReferralImport.objects.create(
        region=ref.region,
        partner=PartnerAgency.objects.get(name="Border Force"),
        template="border_force_parcel",
        mode=ImportMode.VALID_ROWS,
        filename="parcels.csv",
        uploaded_by=User.objects.get(username="disruption"),
    )
    return {
        "ref": ref.pk,
        "dc": Referral.objects.filter(disseminated_to=dc).first().pk,  # type: ignore[union-attr]
        "cand": CandidateMatch.objects.filter(subject__referral=ref).first().pk,  # type: ignore[union-attr]
        "imp": upload.pk,
    }


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


API_ROWS = [row for row in TABLE if row[2].startswith("/api/")]


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(API_ROWS)))
def test_it_answers_a_bearer_token_exactly_as_a_session(records, method, url, data, actor, expected):
    """The same answers with a token made by `rocu api-token create` (anonymous: no token at all)."""
    client = bearer(create_token(actor)) if actor else Client()
    check(client, method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "referrals") == route_names(urls)
