"""Work links for the counter-corruption scan: who works on a threat or OCG, and so on its people.

A person has a work link to a threat or OCG they own, lead (LRO) or recorded, that
the T&CG tasked them on (they own a decision on it, or an action from one), or that
is tied to a need-to-know group they belong to. Through an OCG they are also linked
to its members' person records: an analyst on the group opening a member's record is
doing their job; anyone else opening it is a "no work link" finding.

A scan asks about thousands of people at once, so these answer for all of them in a
handful of queries (bulk providers), registered from ThreatsConfig.ready() through
`rocu.counter_corruption.links.register_bulk_work_link_provider`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from rocu.accounts.models import GroupMembership
from rocu.threats.models import Decision, OCGMembership, TaskingAction, TaskingSubject

SUBJECT_TYPES = ("threats.threat", "threats.organisedcrimegroup", "threats.taskingsubject")
NOMINAL_TYPE = "intelligence.nominal"


def _ids(ids: Iterable[str]) -> set[int]:
    return {int(i) for i in ids if str(i).isdecimal() and len(str(i)) <= 18}


def people_working_on(subject_ids: Collection[int], users: Collection[int]) -> dict[int, set[int]]:
    """{threat/OCG id: the people among `users` with a work link to it}, in four queries."""
    out: dict[int, set[int]] = defaultdict(set)
    if not subject_ids or not users:
        return out
    people = set(users)
    groups: dict[int, set[int]] = defaultdict(set)
    for pk, owner, lro, recorder, group in TaskingSubject.objects.filter(pk__in=list(subject_ids)).values_list(
        "pk", "owner_id", "lro_id", "created_by_id", "need_to_know_group_id"
    ):
        out[pk] |= {owner, lro, recorder} & people
        if group is not None:
            groups[group].add(pk)
    if groups:
        for group, user in GroupMembership.objects.filter(group_id__in=list(groups), user_id__in=people).values_list(
            "group_id", "user_id"
        ):
            for pk in groups[group]:
                out[pk].add(user)
    for pk, user in Decision.objects.filter(subject_id__in=list(subject_ids), owner_id__in=people).values_list(
        "subject_id", "owner_id"
    ):
        out[pk].add(user)
    for pk, user in TaskingAction.objects.filter(
        decision__subject_id__in=list(subject_ids), owner_id__in=people
    ).values_list("decision__subject_id", "owner_id"):
        out[pk].add(user)
    return out


def linked_subjects_bulk(object_type: str, wanted: Mapping[int, Collection[str]]) -> dict[int, set[str]]:
    """Of the threats/OCGs each user touched, those they work on."""
    asked = {user: _ids(ids) for user, ids in wanted.items()}
    working = people_working_on({i for ids in asked.values() for i in ids}, list(asked))
    return {user: {str(pk) for pk in ids if user in working.get(pk, ())} for user, ids in asked.items()}


def linked_ocg_members_bulk(object_type: str, wanted: Mapping[int, Collection[str]]) -> dict[int, set[str]]:
    """Of the person records each user touched, members of an OCG the user works on."""
    asked = {user: _ids(ids) for user, ids in wanted.items()}
    groups_of: dict[int, set[int]] = defaultdict(set)
    everyone = {i for ids in asked.values() for i in ids}
    if everyone:
        for nominal, ocg in OCGMembership.objects.filter(nominal_id__in=list(everyone)).values_list(
            "nominal_id", "ocg_id"
        ):
            groups_of[nominal].add(ocg)
    if not groups_of:  # nobody touched a member of any group: one query
        return {}
    working = people_working_on({g for gs in groups_of.values() for g in gs}, list(asked))
    return {
        user: {str(n) for n in ids if any(user in working.get(g, ()) for g in groups_of.get(n, ()))}
        for user, ids in asked.items()
    }


def linked_subjects(user_id: int, object_type: str, ids: Collection[str]) -> set[str]:
    """One user's answer from `linked_subjects_bulk`."""
    return linked_subjects_bulk(object_type, {user_id: ids}).get(user_id, set())


def linked_ocg_members(user_id: int, object_type: str, ids: Collection[str]) -> set[str]:
    """One user's answer from `linked_ocg_members_bulk`."""
    return linked_ocg_members_bulk(object_type, {user_id: ids}).get(user_id, set())
