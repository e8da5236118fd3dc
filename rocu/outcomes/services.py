"""Recording outcomes and disruption claims, and validating claims: checked and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import PermissionDenied, ValidationFailed
from rocu.engines import grading
from rocu.operations import selectors as op_selectors
from rocu.operations.models import Operation, PlanAction
from rocu.outcomes import permissions as p
from rocu.outcomes.models import (
    COUNTED_KINDS,
    PERSON_KINDS,
    QUANTITY_UNITS,
    AssetRecoveryKind,
    ClaimStatus,
    DisruptionClaim,
    Outcome,
    OutcomeKind,
)


def _where(actor: Any, operation: Operation | None, plan_action: PlanAction | None) -> tuple[Any, Any]:
    """The operation or plan the record hangs on, checked for the actor's reach."""
    if (operation is None) == (plan_action is None):
        raise ValidationFailed("Tie the outcome to an operation or to a plan action (one of them).", field="operation")
    if operation is not None:
        op_selectors.operation_get(user=actor, pk=operation.pk)
        if not op_selectors.may_work_on(actor, operation):
            raise PermissionDenied("Only the team, the plan's LRO and the ROCU head record results here.")
        return operation, operation.plan
    assert plan_action is not None
    plan = op_selectors.plan_get(user=actor, pk=plan_action.plan_id)
    from rocu.core.policy import Role

    if plan.lro_id != actor.pk and Role.ROCU_HEAD not in policy.roles_of(actor):
        raise PermissionDenied("Only the plan's LRO and the ROCU head record results against a plan action.")
    return None, plan


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    kind: str,
    p_code: str,
    occurred_on: dt.date,
    operation: Operation | None = None,
    plan_action: PlanAction | None = None,
    force: Any = None,
    threat: Any = None,
    ocg: Any = None,
    nominal: Any = None,
    count: int = 1,
    quantity: Any = None,
    unit: str = "",
    drug_type: str = "",
    asset_kind: str = "",
    sentence: str = "",
    partner: str = "",
    notes: str = "",
) -> Outcome:
    policy.require(actor, p.OUTCOMES_RECORD)
    if kind not in OutcomeKind.values:
        raise ValidationFailed("Choose an outcome type.", field="kind")
    if p_code not in grading.PS:
        raise ValidationFailed("Choose the P this outcome serves.", field="p")
    op, plan = _where(actor, operation, plan_action)
    if occurred_on is None:
        raise ValidationFailed("Give the date.", field="occurred_on")
    if occurred_on > timezone.localdate():
        raise ValidationFailed("An outcome cannot be dated in the future.", field="occurred_on")
    threat = threat or (op.threat if op else None)
    ocg = ocg or (op.ocg if op else None)
    force = force or (op.force if op else None)
    if force is None:
        raise ValidationFailed("Name the force the outcome belongs to.", field="force")
    region_id = op.region_id if op else plan.region_id
    if force.region_id != region_id:
        raise ValidationFailed("Choose one of this region's forces.", field="force")
    if kind in PERSON_KINDS:
        if nominal is None:
            raise ValidationFailed("An arrest, charge, summons or conviction names the person.", field="nominal")
        if nominal.region_id != region_id:
            raise ValidationFailed("Choose a person of this region.", field="nominal")
        count = 1
    elif nominal is not None:
        raise ValidationFailed("Only arrests, charges, summonses and convictions name a person.", field="nominal")
    if kind == OutcomeKind.CONVICTION:
        if not Outcome.objects.filter(kind=OutcomeKind.CHARGE, nominal=nominal, occurred_on__lte=occurred_on).exists():
            raise ValidationFailed(
                "No conviction without a charge for the same person: record the charge first.", field="kind"
            )
        if not (sentence or "").strip():
            raise ValidationFailed("Record the sentence with the conviction.", field="sentence")
    counted = COUNTED_KINDS | PERSON_KINDS | {OutcomeKind.WARNING, OutcomeKind.REFERRAL_TO_PARTNER}
    if kind in counted and (count is None or int(count) < 1):
        raise ValidationFailed("The number must be at least one.", field="count")
    units = QUANTITY_UNITS.get(kind)
    if units:
        try:
            qty = Decimal(str(quantity)) if quantity not in (None, "") else None
        except InvalidOperation:
            qty = None
        if qty is None or qty <= 0:
            raise ValidationFailed("Give a quantity greater than zero.", field="quantity")
        if unit not in units:
            raise ValidationFailed(f"Give the unit: one of {', '.join(units)}.", field="unit")
        quantity = qty
    else:
        if quantity not in (None, "") or unit:
            raise ValidationFailed("This outcome type carries no quantity.", field="quantity")
        quantity, unit = None, ""
    if kind == OutcomeKind.SEIZURE_DRUGS and not (drug_type or "").strip():
        raise ValidationFailed("Name the drug seized.", field="drug_type")
    if kind == OutcomeKind.ASSET_RECOVERY and asset_kind not in AssetRecoveryKind.values:
        raise ValidationFailed("Say whether it is confiscation, forfeiture or account freezing.", field="asset_kind")
    if kind == OutcomeKind.REFERRAL_TO_PARTNER and not (partner or "").strip():
        raise ValidationFailed("Name the partner referred to.", field="partner")
    outcome = Outcome.objects.create(
        region_id=region_id,
        kind=kind,
        p=p_code,
        operation=op,
        plan_action=plan_action,
        threat=threat,
        ocg=ocg,
        force=force,
        occurred_on=occurred_on,
        nominal=nominal,
        count=int(count),
        quantity=quantity,
        unit=unit,
        drug_type=drug_type.strip(),
        asset_kind=asset_kind if kind == OutcomeKind.ASSET_RECOVERY else "",
        sentence=sentence.strip(),
        partner=partner.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="outcomes.outcome.record",
        obj=outcome,
        region_id=region_id,
        detail={"kind": kind, "p": p_code, "operation_id": op.pk if op else None, "count": outcome.count},
    )
    return outcome


def _next_reference() -> str:
    last = DisruptionClaim.objects.order_by("-reference").values_list("reference", flat=True).first()
    return f"DIS-{(int(last[4:]) + 1) if last else 1:05d}"


@transaction.atomic
def disruption_claim(
    *,
    actor: Any,
    grade: str,
    p_code: str,
    impact_weeks: int,
    description: str,
    evidence: str,
    occurred_on: dt.date,
    operation: Operation | None = None,
    plan: Any = None,
    force: Any = None,
    threat: Any = None,
    ocg: Any = None,
) -> DisruptionClaim:
    policy.require(actor, p.OUTCOMES_RECORD)
    if (operation is None) == (plan is None):
        raise ValidationFailed("Tie the claim to an operation or to a plan (one of them).", field="operation")
    if operation is not None:
        op_selectors.operation_get(user=actor, pk=operation.pk)
        if not op_selectors.may_work_on(actor, operation):
            raise PermissionDenied("Only the team, the plan's LRO and the ROCU head claim disruptions here.")
        region_id = operation.region_id
        threat = threat or operation.threat
        ocg = ocg or operation.ocg
        force = force or operation.force
    else:
        op_selectors.plan_get(user=actor, pk=plan.pk)
        region_id = plan.region_id
    if p_code not in grading.PS:
        raise ValidationFailed("Choose the P this disruption serves.", field="p")
    check = grading.check_grade(grade, int(impact_weeks if impact_weeks is not None else -1))
    if not check.ok:
        raise ValidationFailed(check.reason, field="grade")
    if threat is None and ocg is None:
        raise ValidationFailed("Name the threat or OCG disrupted.", field="ocg")
    if force is None:
        raise ValidationFailed("Name the force.", field="force")
    if not (description or "").strip():
        raise ValidationFailed("Describe the disruption.", field="description")
    if not (evidence or "").strip():
        raise ValidationFailed("A claim needs its evidence.", field="evidence")
    if occurred_on is None or occurred_on > timezone.localdate():
        raise ValidationFailed("A disruption cannot be dated in the future.", field="occurred_on")
    claim = DisruptionClaim.objects.create(
        region_id=region_id,
        reference=_next_reference(),
        operation=operation,
        plan=plan,
        threat=threat,
        ocg=ocg,
        force=force,
        p=p_code,
        grade=grade,
        impact_weeks=int(impact_weeks),
        description=description.strip(),
        evidence=evidence.strip(),
        occurred_on=occurred_on,
        claimant=actor,
    )
    audit_record(
        actor=actor,
        category=Category.COLLECTION,
        action="outcomes.disruption.claim",
        obj=claim,
        region_id=region_id,
        detail={"grade": grade, "p": p_code, "rule_version": claim.rule_version},
    )
    return claim


@transaction.atomic
def disruption_validate(*, actor: Any, claim: DisruptionClaim, approve: bool, reason: str = "") -> DisruptionClaim:
    """A validator other than the claimant validates the claim, or rejects it with a reason."""
    policy.require(actor, p.DISRUPTIONS_VALIDATE)
    claim = DisruptionClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.claimant_id == actor.pk:
        raise ValidationFailed("You cannot validate your own claim: another officer must.", field="approve")
    if claim.status != ClaimStatus.CLAIMED:
        raise ValidationFailed("This claim has already been decided.", field="approve")
    if not approve and not (reason or "").strip():
        raise ValidationFailed("Give the reason for rejecting the claim.", field="reason")
    claim.status = ClaimStatus.VALIDATED if approve else ClaimStatus.REJECTED
    claim.validator = actor
    claim.validated_at = timezone.now()
    claim.rejection_reason = "" if approve else reason.strip()
    claim.save(update_fields=["status", "validator", "validated_at", "rejection_reason"])
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        action="outcomes.disruption.validate" if approve else "outcomes.disruption.reject",
        obj=claim,
        region_id=claim.region_id,
        detail={"status": claim.status},
    )
    return claim
