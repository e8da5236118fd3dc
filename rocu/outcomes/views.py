"""Outcome and disruption pages, and the counts-only results summary."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import ApplicationError, ValidationFailed
from rocu.core.exports import csv_response, xlsx_response
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.engines import grading
from rocu.intelligence.models import Nominal
from rocu.operations import permissions as op_perms
from rocu.operations import selectors as op_selectors
from rocu.operations.views import _render_operation, balance_chart
from rocu.outcomes import permissions as p
from rocu.outcomes import selectors, services
from rocu.outcomes.forms import DisruptionClaimForm, DisruptionFilterForm, OutcomeFilterForm, OutcomeForm, ValidateForm
from rocu.threats.models import Threat


@perm_required(p.OUTCOMES_VIEW)
def outcome_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = OutcomeFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.outcomes_list(
        user=user,
        kind=data.get("kind", ""),
        p_code=data.get("p", ""),
        operation=data.get("operation"),
        sort=data.get("sort") or "-occurred_on",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = ["Date", "Type", "P", "Operation", "Force", "Threat", "OCG", "Number", "Quantity", "Unit"]
        rows = [
            [
                o.occurred_on,
                o.get_kind_display(),
                o.get_p_display(),
                o.operation.code_name if o.operation else "",
                o.force.name,
                o.threat.name if o.threat else "",
                o.ocg.name if o.ocg else "",
                o.count,
                o.quantity if o.quantity is not None else "",
                o.unit,
            ]
            for o in qs
        ]
        audit_record(
            actor=user,
            category=Category.DISCLOSURE,
            action="outcomes.outcome.export",
            object_type="outcomes.outcome",
            region_id=user.region_id,
            recipient=user.username,
            detail={"rows": len(rows), "format": export},
        )
        return (csv_response if export == "csv" else xlsx_response)(f"outcomes.{export}", header, rows)
    page = paginate(request, qs)
    return render(request, "outcomes/list.html", {"page": page, "filters": filters, "count": page.paginator.count})


@perm_required(p.OUTCOMES_RECORD)
@require_POST
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = op_selectors.operation_get(user=user, pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            nominal = None
            if d.get("nominal"):
                nominal = Nominal.objects.filter(pk=d["nominal"], region_id=op.region_id).first()
                if nominal is None:
                    raise ValidationFailed("No such person in this region.", field="nominal")
            services.outcome_record(
                actor=user,
                kind=d["kind"],
                p_code=d["p"],
                occurred_on=d["occurred_on"],
                operation=op,
                nominal=nominal,
                count=d.get("count") or 1,
                quantity=d.get("quantity"),
                unit=d.get("unit", ""),
                drug_type=d.get("drug_type", ""),
                asset_kind=d.get("asset_kind", ""),
                sentence=d.get("sentence", ""),
                partner=d.get("partner", ""),
                notes=d.get("notes", ""),
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op.get_absolute_url() + "#outcomes")
    return _render_operation(request, op, outcome_form=form)


@perm_required(p.OUTCOMES_VIEW)
def disruption_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = DisruptionFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.disruptions_list(
        user=user,
        grade=data.get("grade", ""),
        p_code=data.get("p", ""),
        status=data.get("status", ""),
        sort=data.get("sort") or "-occurred_on",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = ["Reference", "Date", "Grade", "P", "Status", "Operation", "Threat", "OCG", "Force", "Description"]
        rows = [
            [
                c.reference,
                c.occurred_on,
                c.get_grade_display(),
                c.get_p_display(),
                c.get_status_display(),
                c.operation.code_name if c.operation else "",
                c.threat.name if c.threat else "",
                c.ocg.name if c.ocg else "",
                c.force.name,
                c.description,
            ]
            for c in qs
        ]
        audit_record(
            actor=user,
            category=Category.DISCLOSURE,
            action="outcomes.disruption.export",
            object_type="outcomes.disruptionclaim",
            region_id=user.region_id,
            recipient=user.username,
            detail={"rows": len(rows), "format": export},
        )
        return (csv_response if export == "csv" else xlsx_response)(f"disruptions.{export}", header, rows)
    page = paginate(request, qs)
    return render(
        request,
        "outcomes/disruptions.html",
        {
            "page": page,
            "filters": filters,
            "count": page.paginator.count,
            "by_grade": selectors.disruption_summary(user=user, by="p"),
        },
    )


@perm_required(p.OUTCOMES_VIEW)
@require_http_methods(["GET", "POST"])
def disruption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    claim = selectors.disruption_get(user=user, pk=pk)
    form = ValidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disruption_validate(actor=user, claim=claim, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(claim)
    can_validate = (
        policy.has_perm(user, p.DISRUPTIONS_VALIDATE) and claim.claimant_id != user.pk and claim.status == "claimed"
    )
    return render(
        request,
        "outcomes/disruption.html",
        {
            "claim": claim,
            "form": form,
            "can_validate": can_validate,
            "definition": grading.DEFINITIONS[claim.grade],
        },
        status=400 if form.errors else 200,
    )


@perm_required(p.OUTCOMES_RECORD)
@require_http_methods(["GET", "POST"])
def disruption_claim(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = op_selectors.operation_get(user=user, pk=pk)
    form = DisruptionClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            claim = services.disruption_claim(
                actor=user,
                operation=op,
                grade=d["grade"],
                p_code=d["p"],
                impact_weeks=d["impact_weeks"],
                description=d["description"],
                evidence=d["evidence"],
                occurred_on=d["occurred_on"],
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(claim)
    return render(request, "outcomes/claim.html", {"form": form, "op": op, "definitions": grading.DEFINITIONS})


@perm_required(p.OUTCOMES_AGGREGATE)
def summary(request: HttpRequest) -> HttpResponse:
    """Counts only: what PCC and national roles see; no names of people or records."""
    user = signed_in_user(request)
    by_p = selectors.disruption_summary(user=user, by="p")
    threats = Threat.objects.none()
    if policy.has_perm(user, op_perms.OPERATIONS_VIEW) and policy.has_perm(user, "threats.view"):
        threats = policy.restrict(user, Threat.objects.filter(is_priority=True), "threats.view").order_by("name")
    return render(
        request,
        "outcomes/summary.html",
        {
            "outcome_counts": selectors.outcome_counts(user=user),
            "by_p": by_p,
            "by_grade": selectors.disruption_summary(user=user, by="grade"),
            "priority_threats": threats,
            "balance_chart": balance_chart(
                selectors.region_balance(user=user), "region-balance", "4P balance of results in scope"
            ),
        },
    )
