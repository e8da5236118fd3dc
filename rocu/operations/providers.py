"""What operations tell other capabilities: plans for the threat picture, the referral
funnel's later stages, and work links for the counter-corruption scan."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import QuerySet

from rocu.operations.models import Operation, TeamMember


def _in(ids: Iterable[int]) -> Any:
    """A queryset of ids stays a subquery (the funnel passes a region's worth); anything else becomes a list."""
    return ids if isinstance(ids, QuerySet) else list(ids)


def referrals_investigated(ids: Iterable[int]) -> set[int]:
    return set(
        Operation.referrals.through.objects.filter(referral_id__in=_in(ids)).values_list("referral_id", flat=True)
    )


def referrals_with_outcome(ids: Iterable[int]) -> set[int]:
    from rocu.outcomes.models import Outcome

    with_outcome = Outcome.objects.filter(operation__isnull=False).values("operation_id")
    return set(
        Operation.referrals.through.objects.filter(referral_id__in=_in(ids), operation_id__in=with_outcome).values_list(
            "referral_id", flat=True
        )
    )


def _my_operations(user_id: int) -> list[int]:
    return list(TeamMember.objects.filter(user_id=user_id).values_list("operation_id", flat=True))


def linked_operations(user_id: int, object_type: str, ids: Collection[str]) -> set[str]:
    return {str(i) for i in _my_operations(user_id)} & {str(i) for i in ids}


def linked_nominals(user_id: int, object_type: str, ids: Collection[str]) -> set[str]:
    through = Operation.nominals.through.objects.filter(operation_id__in=_my_operations(user_id))
    return {str(i) for i in through.values_list("nominal_id", flat=True)} & {str(i) for i in ids}


def linked_subjects(user_id: int, object_type: str, ids: Collection[str]) -> set[str]:
    found: set[str] = set()
    for threat_id, ocg_id in Operation.objects.filter(pk__in=_my_operations(user_id)).values_list(
        "threat_id", "ocg_id"
    ):
        found |= {str(x) for x in (threat_id, ocg_id) if x}
    return found & {str(i) for i in ids}
