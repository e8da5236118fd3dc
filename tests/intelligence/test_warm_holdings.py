"""Warm holdings: a process keeps a region's holdings ready, and never checks against a stale copy."""

from __future__ import annotations

import pytest

from rocu.accounts.models import Region
from rocu.intelligence import linking
from rocu.intelligence.services import holdings_import


class Subject:
    """The fields `linking.check` reads from a referral subject."""

    def __init__(self, pk: int, first_name: str, surname: str, postcode: str) -> None:
        self.pk, self.first_name, self.surname, self.postcode = pk, first_name, surname, postcode
        self.date_of_birth = None
        self.address = self.town = self.phone = self.email = ""


@pytest.fixture
def sw(db):
    return Region.objects.get(code="south-west")


def test_it_reuses_the_warm_copy_until_an_import_changes_the_holdings(persona, sw, django_assert_max_num_queries):
    linking.warm_cache.clear()
    subject = Subject(1, "Tamsin", "Zephyrine", "TR1 2AB")
    found, searched = linking.check([subject], sw.pk)
    assert searched > 0
    assert not [c for c in found if c.match_probability > 0.5]
    # Warm: the second check reads only the fingerprint, not the holdings.
    with django_assert_max_num_queries(4):
        assert linking.check([subject], sw.pk)[1] == searched

    holdings_import(
        actor=persona("head"),
        region=sw,
        source_name="Test extract",
        rows=[{"person_id": "Z1", "first_name": "Tamsin", "surname": "Zephyrine", "postcode": "TR1 2AB"}],
    )
    found, searched_after = linking.check([subject], sw.pk)
    assert searched_after == searched + 1
    assert [c.holding_id for c in found if c.match_probability > 0.5]


def test_it_keeps_no_more_regions_warm_than_configured(sw, settings):
    settings.ROCU_LINKAGE_WARM_REGIONS = 0
    linking.warm_cache.clear()
    subject = Subject(1, "Tamsin", "Zephyrine", "TR1 2AB")
    assert linking.check([subject], sw.pk)[1] > 0
    assert not linking.warm_cache._regions
