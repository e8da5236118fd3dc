"""The audit hash chain, as plain Python: an untouched chain verifies, and any edit,
insertion, deletion or reordering of its links is found."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rocu.engines.hashchain import GENESIS, ChainLink, canonical, event_digest, verify_chain

values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
payloads = st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=5)


def build(items: list[dict[str, Any]]) -> list[ChainLink]:
    links, prev = [], GENESIS
    for seq, payload in enumerate(items, start=1):
        body = {"seq": seq, **payload}
        digest = event_digest(prev, body)
        links.append(ChainLink(seq, prev, digest, body))
        prev = digest
    return links


def head(links: list[ChainLink]) -> tuple[int, str]:
    return (links[-1].seq, links[-1].digest) if links else (0, GENESIS)


# No per-example deadline: a busy CI machine must not turn a pause into a failure.
calm = settings(deadline=None)

chains = st.lists(payloads, max_size=15).map(build)
non_empty_chains = st.lists(payloads, min_size=1, max_size=15).map(build)


@calm
@given(chains)
def test_it_verifies_an_untouched_chain(links):
    report = verify_chain(links, expected_head=head(links))

    assert report.ok
    assert report.checked == len(links)
    assert report.first_broken_seq is None
    assert report.last_digest == head(links)[1]


def test_it_verifies_an_empty_chain_against_the_genesis_head():
    assert verify_chain([], expected_head=(0, GENESIS)).ok


@calm
@given(non_empty_chains, st.data())
def test_it_finds_an_edited_payload(links, data):
    i = data.draw(st.integers(0, len(links) - 1))
    key = data.draw(st.text(min_size=1, max_size=8))
    value = data.draw(values)
    edited = {**links[i].payload, key: value}
    assume(canonical(edited) != canonical(links[i].payload))
    tampered = [*links[:i], dataclasses.replace(links[i], payload=edited), *links[i + 1 :]]

    report = verify_chain(tampered, expected_head=head(links))

    assert not report.ok
    assert report.first_broken_seq == links[i].seq
    assert report.checked == i


@calm
@given(non_empty_chains, st.data())
def test_it_finds_an_edit_even_when_the_forger_recomputes_that_digest(links, data):
    i = data.draw(st.integers(0, len(links) - 1))
    edited = {**links[i].payload, "forged": data.draw(st.text(min_size=1, max_size=8))}
    assume(canonical(edited) != canonical(links[i].payload))
    forged = ChainLink(links[i].seq, links[i].prev_digest, event_digest(links[i].prev_digest, edited), edited)
    tampered = [*links[:i], forged, *links[i + 1 :]]

    report = verify_chain(tampered, expected_head=head(links))

    assert not report.ok
    # The next link no longer points at it; for the last link only the head shows it.
    assert report.first_broken_seq == links[i].seq + 1 or i == len(links) - 1


@calm
@given(non_empty_chains, st.data())
def test_it_finds_a_changed_digest_or_back_pointer(links, data):
    i = data.draw(st.integers(0, len(links) - 1))
    field = data.draw(st.sampled_from(["digest", "prev_digest"]))
    new = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    assume(new != getattr(links[i], field))
    tampered = [*links[:i], dataclasses.replace(links[i], **{field: new}), *links[i + 1 :]]

    assert not verify_chain(tampered, expected_head=head(links)).ok


@calm
@given(chains, st.data())
def test_it_finds_an_inserted_link(links, data):
    at = data.draw(st.integers(0, len(links)))
    # The forger chains the new link properly onto the one before it.
    prev = links[at - 1].digest if at else GENESIS
    payload = {"seq": at + 1, **data.draw(payloads)}
    inserted = ChainLink(at + 1, prev, event_digest(prev, payload), payload)
    tampered = [*links[:at], inserted, *links[at:]]

    report = verify_chain(tampered, expected_head=head(links))

    assert not report.ok


@calm
@given(non_empty_chains, st.data())
def test_it_finds_deleted_links(links, data):
    gone = data.draw(st.sets(st.integers(0, len(links) - 1), min_size=1))
    tampered = [link for i, link in enumerate(links) if i not in gone]

    report = verify_chain(tampered, expected_head=head(links))

    assert not report.ok
    # Named: the first survivor after a gap, or, for a cut tail, the first missing one.
    after_gap = next((link.seq for pos, link in enumerate(tampered) if link.seq != pos + 1), None)
    assert report.first_broken_seq == (after_gap or min(gone) + 1)


@calm
@given(non_empty_chains)
def test_it_finds_a_cut_tail_only_through_the_head(links):
    cut = links[:-1]

    assert verify_chain(cut).ok  # what is left is a well-formed chain ...
    report = verify_chain(cut, expected_head=head(links))
    assert not report.ok  # ... but not the one the head remembers
    assert report.first_broken_seq == links[-1].seq
    assert report.reason == "chain head does not match the last event"


@calm
@given(st.lists(payloads, min_size=2, max_size=15).map(build), st.data())
def test_it_finds_a_reordering(links, data):
    order = data.draw(st.permutations(range(len(links))))
    assume(list(order) != list(range(len(links))))
    tampered = [links[i] for i in order]
    first_moved = next(pos for pos, i in enumerate(order) if i != pos)

    report = verify_chain(tampered)

    assert not report.ok
    assert report.first_broken_seq == tampered[first_moved].seq


@calm
@given(payloads)
def test_it_makes_the_digest_independent_of_key_order(payload):
    reversed_payload = dict(reversed(list(payload.items())))

    assert event_digest(GENESIS, payload) == event_digest(GENESIS, reversed_payload)
