"""Adopt by the ROCU → the referral page offers an operation → the form opens it, linked."""

from __future__ import annotations

from rocu.operations.models import Operation
from rocu.referrals.models import Referral


def _newly_adopted() -> Referral:
    adopted = Referral.objects.filter(decision="adopt").order_by("pk").first()
    Operation.referrals.through.objects.filter(referral=adopted).delete()
    return adopted


def test_it_offers_to_open_an_operation_on_an_adopted_referral_page(client_for):
    adopted = _newly_adopted()
    page = client_for("head").get(f"/referrals/{adopted.pk}/")
    assert page.status_code == 200
    assert f"/operations/open/?referral={adopted.pk}".encode() in page.content


def test_it_opens_the_operation_from_the_form_linked_to_the_referral(client_for, persona):
    adopted = _newly_adopted()
    client = client_for("head")
    form = client.get(f"/operations/open/?referral={adopted.pk}")
    assert adopted.reference.encode() in form.content
    response = client.post(
        "/operations/open/",
        {
            "referral": adopted.pk,
            "code_name": "Op Tidewater",
            "sio": persona("sio").pk,
            "force": persona("sio").force_id,
            "classification": "official_sensitive",
        },
    )
    assert response.status_code == 302
    op = Operation.objects.get(code_name="Op Tidewater")
    assert list(op.referrals.all()) == [adopted]


def test_it_answers_404_for_a_referral_of_another_region(client_for):
    adopted = _newly_adopted()
    assert client_for("outsider").get(f"/operations/open/?referral={adopted.pk}").status_code in (403, 404)
    assert client_for("head").get("/operations/open/?referral=999999").status_code == 404
