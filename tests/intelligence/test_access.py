"""Who reaches person records and the holdings page."""

from __future__ import annotations

import pytest

from rocu.accounts.models import Region, User
from rocu.intelligence import urls
from rocu.intelligence.models import DataSubjectCategory, HoldingsUpload, Nominal
from tests.core.matrix import check, covered_names, expand, route_names

TABLE = [
    # ana dis sio lro hea frc pcc nat aud out anon
    ("200 200 200 200 200 200 403 403 403 200 LOG", "GET", "/people-of-interest/"),
    ("200 200 200 200 200 200 403 403 403 404 LOG", "GET", "/people-of-interest/{nom}/"),
    ("200 200 200 200 200 200 403 403 403 404 LOG", "GET", "/people-of-interest/{nom}/edit/"),
    ("200 200 200 200 200 200 403 403 403 200 LOG", "GET", "/people-of-interest/new/"),
    ("200 200 403 403 200 403 403 403 403 200 LOG", "GET", "/people-of-interest/holdings/"),
    ("200 403 403 403 200 403 403 403 403 200 LOG", "GET", "/people-of-interest/holdings/upload/"),
    ("200 403 403 403 200 403 403 403 403 404 LOG", "GET", "/people-of-interest/holdings/upload/{up}/"),
]


@pytest.fixture
def records(db):
    nominal = Nominal.objects.create(
        region=Region.objects.get(code="south-west"),
        reference="NOM-TEST01",
        subject_category=DataSubjectCategory.SUSPECT,
        surname="Trevithick",
        classification="official_sensitive",
        created_by=User.objects.get(username="analyst"),
    )
    upload = HoldingsUpload.objects.create(
        region=nominal.region,
        source_name="Niche",
        filename="niche.csv",
        uploaded_by=User.objects.get(username="analyst"),
    )
    return {"nom": nominal.pk, "up": upload.pk}


@pytest.mark.parametrize(("method", "url", "data", "actor", "expected"), list(expand(TABLE)))
def test_it_answers_each_actor_exactly(client_for, records, method, url, data, actor, expected):
    check(client_for(actor), method, url.format(**records), data, expected)


def test_it_covers_every_view_of_the_app():
    assert covered_names(TABLE, "intelligence") == route_names(urls)
