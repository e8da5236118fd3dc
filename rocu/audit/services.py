"""Writing to the audit trail. Every service that changes data or reads personal data
calls `audit_record` inside its own transaction, so the event and the change commit or
roll back together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from rocu.audit.models import AuditEvent, AuditHead, Category, chain_payload
from rocu.core import request_context
from rocu.engines.hashchain import GENESIS, ChainLink, ChainReport, event_digest, verify_chain

MAX_REASON = 500


def _object_ref(obj: Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return f"{obj._meta.app_label}.{obj._meta.model_name}", str(obj.pk)
    return object_type, object_id


def audit_record(
    *,
    actor: Any,
    category: str,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_id: int | None = None,
    reason: str = "",
    recipient: str = "",
    detail: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (or its own).

    `detail` must hold no personal data beyond identifiers: the trail is kept longer
    than the records, and an erasure event must not copy what it erased.
    """
    if category not in Category.values:
        raise ValueError(f"unknown audit category {category!r}")
    otype, oid = _object_ref(obj, object_type, object_id)
    authenticated = getattr(actor, "is_authenticated", False)
    actor_id = actor.pk if authenticated else None
    username = actor.get_username() if authenticated else actor_username
    if region_id is None and authenticated:
        region_id = getattr(actor, "region_id", None)
    ctx = request_context.current()
    batch = _batch.get()
    with transaction.atomic() if batch is None else nullcontext():
        head_seq, head_digest = _lock_head() if batch is None else (batch.seq, batch.digest)
        seq = head_seq + 1
        occurred_at = timezone.now()
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "actor_username": username[:150],
            "region_id": region_id,
            "category": category,
            "action": action[:80],
            "object_type": otype[:80],
            "object_id": oid[:64],
            "reason": reason[:MAX_REASON],
            "recipient": recipient[:200],
            "detail": detail or {},
            "ip_address": ctx.ip_address,
        }
        digest = event_digest(head_digest, chain_payload(**fields))
        if batch is not None:
            event = AuditEvent(prev_digest=head_digest, digest=digest, **fields)
            batch.pending.append(event)
            batch.seq, batch.digest = seq, digest
            return event
        event = AuditEvent.objects.create(prev_digest=head_digest, digest=digest, **fields)
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {_HEAD_TABLE} SET seq = %s, digest = %s WHERE id = 1", [seq, digest])  # noqa: S608
    return event


_HEAD_TABLE = AuditHead._meta.db_table


@dataclass
class _Batch:
    seq: int
    digest: str
    pending: list[AuditEvent] = field(default_factory=list)


_batch: ContextVar[_Batch | None] = ContextVar("rocu_audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Write many events as one chained batch: one head lock, bulk inserts, one head update.

    For bulk jobs (imports, generated scenarios): every event is chained exactly as
    `audit_record` would chain it, and the whole batch commits or rolls back together.
    Events inside the batch have no primary key until it ends.
    """
    if _batch.get() is not None:  # already batching: join the outer batch
        yield
        return
    with transaction.atomic():
        seq, digest = _lock_head()
        batch = _Batch(seq, digest)
        token = _batch.set(batch)
        try:
            yield
        finally:
            _batch.reset(token)
        AuditEvent.objects.bulk_create(batch.pending, batch_size=1000)
        if batch.pending:
            with connection.cursor() as cur:
                cur.execute(f"UPDATE {_HEAD_TABLE} SET seq = %s, digest = %s WHERE id = 1", [batch.seq, batch.digest])  # noqa: S608


def _lock_head() -> tuple[int, str]:
    """Lock the chain head and read it. Plain SQL: this runs on every audited action,
    and the ORM's query building was most of the chain's cost over a plain insert."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT seq, digest FROM {_HEAD_TABLE} WHERE id = 1{lock}")  # noqa: S608
        row = cur.fetchone()
        if row is None:
            AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "digest": GENESIS})
            cur.execute(f"SELECT seq, digest FROM {_HEAD_TABLE} WHERE id = 1{lock}")  # noqa: S608
            row = cur.fetchone()
    return int(row[0]), str(row[1])


def _links(chunk: int = 5000) -> Iterator[ChainLink]:
    fields = [f.name for f in AuditEvent._meta.get_fields() if f.concrete and f.name != "id"]
    rows = AuditEvent.objects.order_by("seq").values_list(*fields)
    for row in rows.iterator(chunk_size=chunk):
        values = dict(zip(fields, row, strict=True))
        prev_digest = values.pop("prev_digest")
        digest = values.pop("digest")
        yield ChainLink(values["seq"], prev_digest, digest, chain_payload(**values))


def audit_verify() -> ChainReport:
    """Walk the whole chain; on PostgreSQL in one repeatable-read snapshot (when not
    already inside a caller's transaction, whose isolation level is fixed by then)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = AuditHead.objects.filter(pk=1).first()
        expected = (head.seq, head.digest) if head else (0, GENESIS)
        return verify_chain(_links(), expected_head=expected)
