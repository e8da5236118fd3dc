"""Reads of person records: filtered by the policy, and audited as consultations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.policy import Perm
from rocu.intelligence.models import Nominal

SORTS = {
    "surname": ("surname", "first_name"),
    "-surname": ("-surname", "-first_name"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "date_of_birth": ("date_of_birth",),
    "-date_of_birth": ("-date_of_birth",),
}


def nominals_visible(*, user: Any) -> QuerySet[Nominal]:
    """Unaudited base query for other selectors; whoever shows rows audits them."""
    return policy.restrict(user, Nominal.objects.select_related("region"), Perm.PERSONAL_DATA_VIEW)


def nominals_search(*, user: Any, q: str = "", category: str = "", sort: str = "surname") -> QuerySet[Nominal]:
    qs = nominals_visible(user=user)
    if q:
        terms = q.split()
        for term in terms[:4]:
            qs = qs.filter(
                Q(surname__icontains=term)
                | Q(first_name__icontains=term)
                | Q(aliases__icontains=term)
                | Q(reference__iexact=term)
                | Q(postcode__iexact=q.upper())
            )
    if category:
        qs = qs.filter(subject_category=category)
    return qs.order_by(*SORTS.get(sort, SORTS["surname"]), "pk")


def audit_nominal_list(*, user: Any, shown: list[Nominal], q: str) -> None:
    """A page of names is a consultation of each person on it, and a search is itself worth knowing."""
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="intelligence.nominal.list",
        object_type="intelligence.nominal",
        detail={"ids": [n.pk for n in shown], "searched": bool(q), "results": len(shown)},
    )


def nominal_get(*, user: Any, pk: Any, reason: str = "") -> Nominal:
    nominal = policy.get_visible(
        user, Nominal.objects.select_related("region", "need_to_know_group"), Perm.PERSONAL_DATA_VIEW, pk=pk
    )
    audit_record(
        actor=user,
        category=Category.CONSULTATION,
        action="intelligence.nominal.view",
        obj=nominal,
        region_id=nominal.region_id,
        reason=reason,
    )
    return nominal


def holdings_sources(*, user: Any) -> QuerySet[Any]:
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import HoldingsSource

    return policy.restrict(user, HoldingsSource.objects.select_related("imported_by"), p.HOLDINGS_VIEW)


def holdings_uploads_recent(*, user: Any) -> QuerySet[Any]:
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import HoldingsUpload

    return policy.restrict(user, HoldingsUpload.objects.defer("content"), p.HOLDINGS_MANAGE)[:10]


def holdings_upload_get(*, user: Any, pk: Any) -> Any:
    from rocu.intelligence import permissions as p
    from rocu.intelligence.models import HoldingsUpload

    return policy.get_visible(
        user, HoldingsUpload.objects.defer("content").select_related("uploaded_by"), p.HOLDINGS_MANAGE, pk=pk
    )


def linkage_model_version() -> str:
    from rocu.intelligence.linking import model

    return model().version
