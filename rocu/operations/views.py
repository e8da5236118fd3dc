"""Operation and plan pages: thin, over the selectors and services."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rocu.accounts.models import User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.charts import PALETTE, chart
from rocu.core.errors import ApplicationError
from rocu.core.exports import csv_response, xlsx_response
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.engines import grading
from rocu.operations import permissions as p
from rocu.operations import selectors, services
from rocu.operations.forms import (
    DecisionForm,
    JointReviewForm,
    OperationFilterForm,
    OperationOpenForm,
    PlanActionForm,
    PlanCreateForm,
    PlanFilterForm,
    StatusForm,
    TeamForm,
    govuk,
)
from rocu.operations.models import DecisionEntry, P
from rocu.outcomes.forms import OutcomeForm
from rocu.threats.models import OrganisedCrimeGroup, TaskingSubject, Threat


def _choices(form: Any, name: str) -> forms.ModelChoiceField:
    """A form's model-choice field, typed so its queryset can be narrowed per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def balance_chart(balance: grading.Balance, chart_id: str, title: str) -> dict[str, Any]:
    labels = [P(code).label for code in grading.PS]
    values = [balance.counts[code] for code in grading.PS]
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=PALETTE[:4]))
    fig.update_layout(height=280, yaxis_title="Count")
    rows = [(lab, n, f"{balance.shares[c] * 100:.0f}%") for lab, n, c in zip(labels, values, grading.PS, strict=True)]
    return chart(fig, chart_id=chart_id, title=title, table_header=["P", "Count", "Share"], table_rows=rows)


EXPORT_HEADER = [
    "Reference",
    "Code name",
    "Status",
    "SIO",
    "Force",
    "Threat",
    "OCG",
    "Plan",
    "Opened",
    "Last joint review",
]


@perm_required(p.OPERATIONS_VIEW)
def operation_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = OperationFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.operations_list(
        user=user,
        q=data.get("q", ""),
        status=data.get("status", ""),
        flag=data.get("flag", ""),
        sort=data.get("sort") or "-opened_on",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = [
            [
                o.reference,
                o.code_name,
                o.get_status_display(),
                o.sio.display_name,
                o.force.name,
                o.threat.name if o.threat else "",
                o.ocg.name if o.ocg else "",
                o.plan.reference if o.plan else "",
                o.opened_on,
                getattr(o, "last_review", None) or "",
            ]
            for o in qs
        ]
        audit_record(
            actor=user,
            category=Category.DISCLOSURE,
            action="operations.operation.export",
            object_type="operations.operation",
            region_id=user.region_id,
            recipient=user.username,
            detail={"rows": len(rows), "format": export},
        )
        maker = csv_response if export == "csv" else xlsx_response
        return maker(f"operations.{export}", EXPORT_HEADER, rows)
    page = paginate(request, qs)
    for op in page:
        op.flags = selectors.operation_flags(op, last_review=op.last_review)
    return render(
        request,
        "operations/list.html",
        {
            "page": page,
            "filters": filters,
            "count": page.paginator.count,
            "can_open": policy.has_perm(user, p.OPERATIONS_OPEN),
        },
    )


@perm_required(p.OPERATIONS_OPEN)
@require_http_methods(["GET", "POST"])
def operation_open(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    threats = (
        policy.restrict(user, Threat.objects.filter(region=user.region), "threats.view")
        if policy.has_perm(user, "threats.view")
        else Threat.objects.none()
    )
    ocgs = (
        policy.restrict(user, OrganisedCrimeGroup.objects.filter(region=user.region), "threats.view")
        if policy.has_perm(user, "threats.view")
        else OrganisedCrimeGroup.objects.none()
    )
    referral = _adopted_referral(user, request.GET.get("referral") or request.POST.get("referral"))
    initial = {"code_name": "", "summary": f"Opened from referral {referral.reference}."} if referral else None
    form = OperationOpenForm(request.POST or None, initial=initial, region=user.region, threats=threats, ocgs=ocgs)
    if request.method == "POST" and form.is_valid():
        try:
            if referral is not None:
                data = form.cleaned_data
                op = services.operation_open_from_referral(
                    actor=user, referral=referral, sio=data["sio"], code_name=data["code_name"], force=data["force"]
                )
            else:
                op = services.operation_open(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect(op)
    return render(request, "operations/open.html", {"form": form, "referral": referral})


def _adopted_referral(user: Any, raw: str | None) -> Any:
    """The referral an operation is opened from ("adopt by the ROCU"), if any: it must be
    one the user may see (else 404, like any record)."""
    if not raw:
        return None
    from rocu.referrals import selectors as referral_selectors

    return referral_selectors.referral_get(user=user, pk=raw)


@perm_required(p.OPERATIONS_VIEW)
def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    return _render_operation(request, op)


def _render_operation(request: HttpRequest, op: Any, **forms_: Any) -> HttpResponse:
    user = signed_in_user(request)
    ctx = selectors.operation_page(user=user, operation=op)
    review_form = forms_.get("review_form") or JointReviewForm(
        initial={"attendees": [op.sio_id, op.plan.lro_id] if op.plan else [op.sio_id]}
    )
    people = [m.user_id for m in ctx["team"]] + ([op.plan.lro_id] if op.plan else [])
    _choices(review_form, "attendees").queryset = User.objects.filter(pk__in=people)
    team_form = forms_.get("team_form") or TeamForm()
    _choices(team_form, "user").queryset = User.objects.filter(region=op.region_id, is_active=True).exclude(
        pk__in=people
    )
    ctx.update(
        {
            "op": op,
            "may_work": selectors.may_work_on(user, op),
            "may_decide": user.pk == op.sio_id
            or (policy.Role.ROCU_HEAD in policy.roles_of(user) and policy.has_perm(user, p.OPERATIONS_OPEN)),
            "decision_form": govuk(forms_.get("decision_form") or DecisionForm()),
            "status_form": govuk(forms_.get("status_form") or StatusForm()),
            "review_form": govuk(review_form),
            "team_form": govuk(team_form),
            "outcome_form": forms_.get("outcome_form") or OutcomeForm(),
            "balance_chart": balance_chart(ctx["balance"], "op-balance", "4P balance of this operation's outcomes"),
        }
    )
    status = 400 if forms_ else 200
    return render(request, "operations/operation.html", ctx, status=status)


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        corrects = None
        try:
            if form.cleaned_data.get("corrects"):
                corrects = DecisionEntry.objects.filter(operation=op, number=form.cleaned_data["corrects"]).first()
                if corrects is None:
                    from rocu.core.errors import ValidationFailed

                    raise ValidationFailed("There is no decision with that number.", field="corrects")
            services.decision_record(
                actor=user,
                operation=op,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"],
                corrects=corrects,
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op.get_absolute_url() + "#decisions")
    return _render_operation(request, op, decision_form=form)


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.operation_status_change(actor=user, operation=op, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op)
    return _render_operation(request, op, status_form=form)


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    form = TeamForm(request.POST)
    _choices(form, "user").queryset = User.objects.filter(region=op.region_id)
    if form.is_valid():
        try:
            services.team_member_add(actor=user, operation=op, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op.get_absolute_url() + "#team")
    return _render_operation(request, op, team_form=form)


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    form = JointReviewForm(request.POST)
    people = list(op.team.values_list("user_id", flat=True)) + ([op.plan.lro_id] if op.plan else [])
    _choices(form, "attendees").queryset = User.objects.filter(pk__in=people)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.joint_review_record(
                actor=user,
                operation=op,
                held_on=d["held_on"],
                attendees=d["attendees"],
                agreed={code: d[f"agreed_{code}"] for code in grading.PS},
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op.get_absolute_url() + "#reviews")
    return _render_operation(request, op, review_form=form)


# --- plans ----------------------------------------------------------------------------


@perm_required(p.OPERATIONS_VIEW)
def plan_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = PlanFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.plans_list(
        user=user, q=data.get("q", ""), status=data.get("status", ""), sort=data.get("sort") or "reference"
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = ["Reference", "Title", "Priority", "LRO", "Status", "Next review", "Operations"]
        rows = [
            [
                x.reference,
                x.title,
                x.subject.name,
                x.lro.display_name,
                x.get_status_display(),
                x.next_review_on or "",
                getattr(x, "operation_count", 0),
            ]
            for x in qs
        ]
        audit_record(
            actor=user,
            category=Category.DISCLOSURE,
            action="operations.plan.export",
            object_type="operations.plan",
            region_id=user.region_id,
            recipient=user.username,
            detail={"rows": len(rows), "format": export},
        )
        return (csv_response if export == "csv" else xlsx_response)(f"plans.{export}", header, rows)
    page = paginate(request, qs)
    return render(
        request,
        "operations/plans.html",
        {
            "page": page,
            "filters": filters,
            "count": page.paginator.count,
            "can_create": policy.has_perm(user, p.PLANS_MANAGE),
        },
    )


@perm_required(p.OPERATIONS_VIEW)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = selectors.plan_get(user=user, pk=pk)
    return _render_plan(request, plan)


def _render_plan(request: HttpRequest, plan: Any, action_form: Any = None) -> HttpResponse:
    user = signed_in_user(request)
    ctx = selectors.plan_page(user=user, plan=plan)
    ctx.update(
        {
            "plan": plan,
            "may_edit": plan.lro_id == user.pk
            or (policy.Role.ROCU_HEAD in policy.roles_of(user) and policy.has_perm(user, p.PLANS_MANAGE)),
            "action_form": govuk(action_form or PlanActionForm()),
            "actions_chart": balance_chart(ctx["action_balance"], "plan-actions", "4P balance of the plan's actions"),
            "outcomes_chart": balance_chart(
                ctx["outcome_balance"], "plan-outcomes", "4P balance of the plan's outcomes"
            ),
            "ps": [(code, P(code).label, ctx["actions_by_p"][code]) for code in grading.PS],
        }
    )
    return render(request, "operations/plan.html", ctx, status=400 if action_form else 200)


@perm_required(p.PLANS_MANAGE)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    subjects = TaskingSubject.objects.filter(region=user.region, is_priority=True)
    form = PlanCreateForm(request.POST or None, region=user.region, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect(plan)
    return render(request, "operations/plan_create.html", {"form": form})


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def plan_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = selectors.plan_get(user=user, pk=pk)
    form = PlanActionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_action_add(
                actor=user, plan=plan, p_code=d["p"], description=d["description"], owner=d["owner"], due_on=d["due_on"]
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(plan)
    return _render_plan(request, plan, action_form=form)


# --- joint working compliance (counts only) -----------------------------------------


@perm_required(p.OPERATIONS_AGGREGATE)
def compliance(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    by = "force" if request.GET.get("by") == "force" else "region"
    points = selectors.compliance_series(user=user, by=by)
    fig = go.Figure()
    keys = sorted({pt.key for pt in points})
    for i, key in enumerate(keys):
        mine = [pt for pt in points if pt.key == key]
        fig.add_trace(
            go.Scatter(
                x=[pt.day.isoformat() for pt in mine],
                y=[round(pt.share * 100, 1) if pt.share is not None else None for pt in mine],
                mode="lines+markers",
                name=key,
                line={"color": PALETTE[i % len(PALETTE)]},
            )
        )
    fig.update_layout(
        height=360, yaxis={"title": "% of live operations with an in-date joint review", "range": [0, 100]}
    )
    rows = [
        (pt.day.isoformat(), pt.key, pt.live, pt.in_date, f"{pt.share * 100:.0f}%" if pt.share is not None else "—")
        for pt in points
    ]
    the_chart = chart(
        fig,
        chart_id="compliance",
        title="SIO and LRO joint review compliance",
        table_header=["Month end", by.capitalize(), "Live operations", "In date", "Share"],
        table_rows=rows,
    )
    return render(
        request,
        "operations/compliance.html",
        {
            "chart": the_chart,
            "by": by,
            "counts": selectors.operation_counts(user=user),
            "interval": selectors.review_interval_days(),
        },
    )
