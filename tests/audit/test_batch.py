"""A batch of events is chained exactly as single events are, and commits as one."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rocu.audit.models import AuditEvent, AuditHead, Category
from rocu.audit.services import audit_batch, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def test_it_chains_a_batch_so_the_trail_still_verifies(persona):
    analyst = persona("analyst")
    before = AuditEvent.objects.count()
    with audit_batch():
        for i in range(250):
            audit_record(actor=analyst, category=Category.CONSULTATION, action="test.batch", object_id=str(i))
        assert AuditEvent.objects.count() == before  # nothing written until the batch ends
    audit_record(actor=analyst, category=Category.CONSULTATION, action="test.after")
    assert AuditEvent.objects.count() == before + 251
    assert audit_verify().ok
    assert AuditHead.objects.get(pk=1).seq == AuditEvent.objects.order_by("-seq").first().seq
    call_command("audit", "verify")


def test_it_writes_nothing_of_a_batch_that_fails(persona):
    analyst = persona("analyst")
    before = AuditEvent.objects.count()

    def write_then_fail() -> None:
        with audit_batch():
            audit_record(actor=analyst, category=Category.CONSULTATION, action="test.batch")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok
