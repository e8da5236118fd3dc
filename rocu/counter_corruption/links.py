"""Who works on what: the hooks the anomaly scan asks before calling a look "no work link".

Operations, referrals and threats know who is on a team or assigned a record; each
plugs in a provider for the record types it can vouch for:

    register_work_link_provider("intelligence.nominal", nominals_on_my_operations)

where the provider is `fn(user_id, object_type, object_ids) -> set of ids the user has
a work link to`. A scan asks about thousands of users at once, so a provider that can
answer for all of them in a few queries registers as a bulk provider instead:

    register_bulk_work_link_provider("intelligence.nominal", members_of_my_groups)

`fn(object_type, {user_id: object_ids}) -> {user_id: linked ids}`. Providers are
additive. Until an app registers one, the scan uses the links it can see today
(`default_links`): the user recorded the record, or belongs to its need-to-know group;
alert reasons say so.

Concern providers name records of cases that concern a user (their own misconduct case,
an operation about their family): `fn(user_id) -> set of (object_type, object_id)`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

WorkLinkProvider = Callable[[int, str, Collection[str]], set[str]]
BulkWorkLinkProvider = Callable[[str, Mapping[int, Collection[str]]], Mapping[int, set[str]]]
ConcernProvider = Callable[[int], set[tuple[str, str]]]

_WORK_LINKS: dict[str, list[WorkLinkProvider]] = {}
_BULK_WORK_LINKS: dict[str, list[BulkWorkLinkProvider]] = {}
_CONCERNS: list[ConcernProvider] = []

DEFAULT_LINK_BASIS = "recorded it, or belongs to its need-to-know group"


def register_work_link_provider(object_type: str, provider: WorkLinkProvider) -> None:
    found = _WORK_LINKS.setdefault(object_type, [])
    if provider not in found:
        found.append(provider)


def register_bulk_work_link_provider(object_type: str, provider: BulkWorkLinkProvider) -> None:
    found = _BULK_WORK_LINKS.setdefault(object_type, [])
    if provider not in found:
        found.append(provider)


def register_concern_provider(provider: ConcernProvider) -> None:
    if provider not in _CONCERNS:
        _CONCERNS.append(provider)


def providers_for(object_type: str) -> list[WorkLinkProvider]:
    return list(_WORK_LINKS.get(object_type, []))


def bulk_providers_for(object_type: str) -> list[BulkWorkLinkProvider]:
    return list(_BULK_WORK_LINKS.get(object_type, []))


def concern_providers() -> list[ConcernProvider]:
    return list(_CONCERNS)


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _has_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def default_links(
    object_type: str, wanted: Mapping[int, Collection[str]], groups: Mapping[int, Collection[int]]
) -> dict[int, set[str]]:
    """The links visible without any provider, for many users at once (one query).

    A user is linked to a record they recorded (`created_by`) or one tied to a
    need-to-know group they belong to.
    """
    model = _model(object_type)
    out: dict[int, set[str]] = {user: set() for user in wanted}
    if model is None:
        return out
    has_author = _has_field(model, "created_by")
    has_group = _has_field(model, "need_to_know_group")
    if not (has_author or has_group):
        return out
    ids = {i for found in wanted.values() for i in found if str(i).isdigit()}
    fields = ["pk"] + (["created_by_id"] if has_author else []) + (["need_to_know_group_id"] if has_group else [])
    facts: dict[str, tuple[Any, Any]] = {}
    for row in model._default_manager.filter(pk__in=list(ids)).values_list(*fields):
        values = dict(zip(fields, row, strict=True))
        facts[str(values["pk"])] = (values.get("created_by_id"), values.get("need_to_know_group_id"))
    for user, found in wanted.items():
        mine = groups.get(user, ())
        for rid in found:
            author, group = facts.get(str(rid), (None, None))
            if author == user or (group is not None and group in mine):
                out[user].add(str(rid))
    return out


def work_links(
    object_type: str, wanted: Mapping[int, Collection[str]], groups: Mapping[int, Collection[int]]
) -> dict[int, set[str]]:
    """Each user's linked records among those they touched: the defaults plus every provider."""
    linked = default_links(object_type, wanted, groups)
    for provider in providers_for(object_type):
        for user, ids in wanted.items():
            linked[user] |= {str(i) for i in provider(user, object_type, ids)}
    for bulk in bulk_providers_for(object_type):
        for user, ids in bulk(object_type, wanted).items():
            if user in linked:
                linked[user] |= {str(i) for i in ids}
    return linked
