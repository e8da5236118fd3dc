"""The audit trail's hash chain: each event's digest covers the previous digest.

Plain Python so the chain can be checked without Django, by a test in milliseconds or
by an outside tool reading an export. Any edit, insertion, deletion or reordering of
events changes some digest or breaks the run of sequence numbers, and `verify_chain`
names the first event where that shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
VERSION = "sha256-json-v1"


def canonical(payload: Mapping[str, Any]) -> bytes:
    """One byte string per payload: sorted keys, no spaces, UTF-8, str() for the rest."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_digest(prev_digest: str, payload: Mapping[str, Any]) -> str:
    """The digest of one event, chained to the digest before it."""
    h = hashlib.sha256()
    h.update(prev_digest.encode("ascii"))
    h.update(b"\n")
    h.update(canonical(payload))
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One stored event as the verifier sees it."""

    seq: int
    prev_digest: str
    digest: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    last_digest: str = GENESIS


def verify_chain(
    links: Iterable[ChainLink],
    *,
    expected_head: tuple[int, str] | None = None,
) -> ChainReport:
    """Walk the links in stored order and report the first one that does not hold.

    `expected_head` is (last seq, last digest) kept apart from the events; when given,
    it catches events cut from the end of the chain.
    """
    prev_digest = GENESIS
    expected_seq = 1
    checked = 0
    for link in links:
        if link.seq != expected_seq:
            reason = "missing event(s) before this one" if link.seq > expected_seq else "sequence out of order"
            return ChainReport(False, checked, link.seq, reason, prev_digest)
        if link.prev_digest != prev_digest:
            return ChainReport(False, checked, link.seq, "does not point to the event before it", prev_digest)
        if event_digest(prev_digest, link.payload) != link.digest:
            return ChainReport(False, checked, link.seq, "contents do not match its digest", prev_digest)
        prev_digest = link.digest
        expected_seq += 1
        checked += 1
    if expected_head is not None:
        head_seq, head_digest = expected_head
        if head_seq != checked or head_digest != prev_digest:
            return ChainReport(
                False,
                checked,
                checked + 1 if head_seq > checked else head_seq,
                "chain head does not match the last event",
                prev_digest,
            )
    return ChainReport(True, checked, None, "", prev_digest)
