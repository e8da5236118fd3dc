"""The append-only audit trail (DPA 2018 Part 3, s.62), one hash-chained row per event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from rocu.core.policy import PolicyFields


class Category(models.TextChoices):
    """The s.62 kinds of processing, plus sign-in events."""

    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    AUTHENTICATION = "authentication", "Authentication"


class AuditEvent(models.Model):
    """Who did what to which record, when and why. Never updated, never deleted.

    Actor and object are kept as plain values, not foreign keys, so the trail outlives
    the records it describes and an erasure never reaches it.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    region_id = models.BigIntegerField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    policy = PolicyFields(region="region_id")

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor_id", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["category", "occurred_at"], name="audit_category_time"),
            models.Index(fields=["region_id", "seq"], name="audit_region_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def chain_payload(self) -> dict[str, Any]:
        return chain_payload(
            seq=self.seq,
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            actor_username=self.actor_username,
            region_id=self.region_id,
            category=self.category,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            reason=self.reason,
            recipient=self.recipient,
            detail=self.detail,
            ip_address=self.ip_address,
        )


def chain_payload(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_username: str,
    region_id: int | None,
    category: str,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    recipient: str,
    detail: Any,
    ip_address: str | None,
) -> dict[str, Any]:
    """The fields the digest covers, in the form they read back from any database."""
    return {
        "seq": seq,
        "at": occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "username": actor_username,
        "region": region_id,
        "category": category,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "reason": reason,
        "recipient": recipient,
        "detail": detail,
        "ip": ip_address,
    }


class AuditHead(models.Model):
    """The last event's number and digest, kept apart so a cut tail is noticed.

    Writers lock this single row, which also puts concurrent events in one order.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head at #{self.seq}"
