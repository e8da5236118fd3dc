"""Operation and plan pages: thin, over the selectors and services."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rocu.accounts.models import User
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.charts import PALETTE, chart
from rocu.core.concurrency import EditConflict, rebased_form
from rocu.core.errors import ApplicationError, PermissionDenied
from rocu.core.exports import csv_response, xlsx_response
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.engines import grading
from rocu.operations import permissions as p
from rocu.operations import selectors, services
from rocu.operations.forms import (
    ActionStatusForm,
    DecisionForm,
    JointReviewForm,
    LinkPlanForm,
    OperationActionForm,
    OperationFilterForm,
    OperationOpenForm,
    PlanActionEditForm,
    PlanActionForm,
    PlanCreateForm,
    PlanEditForm,
    PlanFilterForm,
    PlanObjectiveEditForm,
    PlanObjectiveForm,
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
    form = OperationOpenForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        region=user.region,
        threats=threats,
        ocgs=ocgs,
    )
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
    team_users = User.objects.filter(pk__in=[m.user_id for m in ctx["team"]])
    ctx.update(
        {
            "link_form": forms_.get("link_form")
            or LinkPlanForm(initial={"plan": op.plan_id}, plans=selectors.plans_linkable(user=user, operation=op)),
            "action_form": forms_.get("action_form") or OperationActionForm(team=team_users),
            "action_status_form": forms_.get("action_status_form"),
            "action_statuses": ActionStatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
            "op": op,
            "may_work": selectors.may_work_on(user, op),
            "may_decide": _may_decide(user, op),
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


def _may_decide(user: Any, op: Any) -> bool:
    return user.pk == op.sio_id or (
        policy.Role.ROCU_HEAD in policy.roles_of(user) and policy.has_perm(user, p.OPERATIONS_OPEN)
    )


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    if not _may_decide(user, op):
        raise PermissionDenied("Only the SIO records decisions in the decision log.")
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


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def plan_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the operation to a 4P plan, or unlink it (an empty choice)."""
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    _require_work(user, op)
    form = LinkPlanForm(request.POST, plans=selectors.plans_linkable(user=user, operation=op))
    if form.is_valid():
        try:
            services.operation_link_plan(actor=user, operation=op, plan=form.cleaned_data["plan"])
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op)
    return _render_operation(request, op, link_form=form)


def _require_work(user: Any, op: Any) -> None:
    if not selectors.may_work_on(user, op):
        raise PermissionDenied("Only the team, the plan's LRO and the ROCU head may change this operation.")


def _team_users(op: Any) -> Any:
    return User.objects.filter(pk__in=op.team.values("user_id"))


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    op = selectors.operation_get(user=user, pk=pk)
    _require_work(user, op)
    form = OperationActionForm(request.POST, team=_team_users(op))
    if form.is_valid():
        try:
            services.operation_action_add(actor=user, operation=op, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op.get_absolute_url() + "#actions")
    return _render_operation(request, op, action_form=form)


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.operation_action_get(user=user, pk=pk)
    op = selectors.operation_get(user=user, pk=action.operation_id)
    _require_work(user, op)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.operation_action_set_status(actor=user, action=action, status=form.cleaned_data["status"])
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(op.get_absolute_url() + "#actions")
    return _render_operation(request, op, action_status_form=form)


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


def _may_edit_plan(user: Any, plan: Any) -> bool:
    return plan.lro_id == user.pk or (
        policy.Role.ROCU_HEAD in policy.roles_of(user) and policy.has_perm(user, p.PLANS_MANAGE)
    )


def _require_plan_editor(user: Any, plan: Any) -> None:
    if not _may_edit_plan(user, plan):
        raise PermissionDenied("Only the plan's LRO and the ROCU head change the plan.")


def _render_plan(request: HttpRequest, plan: Any, **forms_: Any) -> HttpResponse:
    user = signed_in_user(request)
    ctx = selectors.plan_page(user=user, plan=plan)
    threat = Threat.objects.filter(pk=plan.subject_id).first()
    show_threat = threat is not None and policy.can_see(user, threat, "threats.view")
    ctx.update(
        {
            "plan": plan,
            "may_edit": _may_edit_plan(user, plan),
            "action_form": forms_.get("action_form") or PlanActionForm(plan=plan),
            "objective_form": forms_.get("objective_form") or PlanObjectiveForm(),
            "action_status_form": forms_.get("action_status_form"),
            "action_statuses": ActionStatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
            "threat_balance_url": reverse("operations:threat-balance", args=[plan.subject_id]) if show_threat else "",
            "actions_chart": balance_chart(ctx["action_balance"], "plan-actions", "4P balance of the plan's actions"),
            "outcomes_chart": balance_chart(
                ctx["outcome_balance"], "plan-outcomes", "4P balance of the plan's outcomes"
            ),
            "ps": [(code, P(code).label, ctx["actions_by_p"][code]) for code in grading.PS],
        }
    )
    return render(request, "operations/plan.html", ctx, status=400 if forms_ else 200)


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
    _require_plan_editor(user, plan)
    form = PlanActionForm(request.POST, plan=plan)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_action_add(
                actor=user,
                plan=plan,
                p_code=d["p"],
                description=d["description"],
                owner=d["owner"],
                due_on=d["due_on"],
                objective=d["objective"],
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(plan.get_absolute_url() + f"#p-{d['p']}")
    return _render_plan(request, plan, action_form=form)


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def plan_objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = selectors.plan_get(user=user, pk=pk)
    _require_plan_editor(user, plan)
    form = PlanObjectiveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_objective_add(actor=user, plan=plan, p_code=d["p"], text=d["text"])
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(plan.get_absolute_url() + f"#p-{d['p']}")
    return _render_plan(request, plan, objective_form=form)


def _guarded_save(form: Any, save: Any, **form_kwargs: Any) -> tuple[bool, Any, EditConflict | None]:
    """Run a version-checked save: (saved, form to show, conflict). A stale save comes back as a form
    rebased on the saved version, so saving it again is a deliberate overwrite."""
    try:
        save()
    except EditConflict as exc:
        return False, govuk(rebased_form(form, exc, **form_kwargs)), exc
    except ApplicationError as exc:
        if exc.status != 400:
            raise
        apply_service_error(form, exc)
        return False, form, None
    return True, form, None


def _edit_page(
    request: HttpRequest, form: Any, *, title: str, caption: str, back: str, conflict: EditConflict | None = None
) -> HttpResponse:
    status = 409 if conflict else (400 if form.is_bound else 200)
    return render(
        request,
        "operations/edit.html",
        {"form": form, "title": title, "caption": caption, "back": back, "conflict": conflict},
        status=status,
    )


@perm_required(p.OPERATIONS_VIEW)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a plan's title, LRO, partners, status or review date; a stale save shows both versions."""
    user = signed_in_user(request)
    plan = selectors.plan_get(user=user, pk=pk)
    _require_plan_editor(user, plan)
    initial = {f: getattr(plan, f) for f in services.PLAN_FIELDS} | {"row_version": plan.row_version}
    form: Any = PlanEditForm(request.POST if request.method == "POST" else None, initial=initial, region=plan.region_id)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("row_version")
        saved, form, conflict = _guarded_save(
            form,
            lambda: services.plan_update(actor=user, plan=plan, expected_version=version, **data),
            region=plan.region_id,
        )
        if saved:
            return redirect(plan)
    return _edit_page(
        request,
        form,
        title=f"Change {plan.reference}",
        caption=plan.title,
        back=plan.get_absolute_url(),
        conflict=conflict,
    )


@perm_required(p.OPERATIONS_VIEW)
@require_http_methods(["GET", "POST"])
def plan_objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    objective = selectors.plan_objective_get(user=user, pk=pk)
    plan = objective.plan
    _require_plan_editor(user, plan)
    initial = {"p": objective.p, "text": objective.text, "row_version": objective.row_version}
    form: Any = PlanObjectiveEditForm(request.POST if request.method == "POST" else None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved, form, conflict = _guarded_save(
            form,
            lambda: services.plan_objective_update(
                actor=user, objective=objective, expected_version=d["row_version"], p_code=d["p"], text=d["text"]
            ),
        )
        if saved:
            return redirect(plan.get_absolute_url() + f"#p-{d['p']}")
    return _edit_page(
        request,
        form,
        title="Change an objective",
        caption=f"{plan.reference} {plan.title}",
        back=plan.get_absolute_url(),
        conflict=conflict,
    )


@perm_required(p.OPERATIONS_VIEW)
@require_http_methods(["GET", "POST"])
def plan_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.plan_action_get(user=user, pk=pk)
    plan = action.plan
    _require_plan_editor(user, plan)
    initial = {f: getattr(action, f) for f in services.PLAN_ACTION_FIELDS} | {"row_version": action.row_version}
    form: Any = PlanActionEditForm(request.POST if request.method == "POST" else None, initial=initial, plan=plan)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved, form, conflict = _guarded_save(
            form,
            lambda: services.plan_action_update(
                actor=user,
                action=action,
                expected_version=d["row_version"],
                p_code=d["p"],
                description=d["description"],
                owner=d["owner"],
                due_on=d["due_on"],
                status=d["status"],
                objective=d["objective"],
            ),
            plan=plan,
        )
        if saved:
            return redirect(plan.get_absolute_url() + f"#p-{d['p']}")
    return _edit_page(
        request,
        form,
        title="Change an action",
        caption=f"{plan.reference} {plan.title}",
        back=plan.get_absolute_url(),
        conflict=conflict,
    )


@perm_required(p.OPERATIONS_VIEW)
@require_POST
def plan_action_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.plan_action_get(user=user, pk=pk)
    _require_plan_editor(user, action.plan)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_action_set_status(actor=user, action=action, status=form.cleaned_data["status"])
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            apply_service_error(form, exc)
        else:
            return redirect(action.plan.get_absolute_url() + f"#p-{action.p}")
    return _render_plan(request, action.plan, action_status_form=form)


# --- the threat's 4P balance ------------------------------------------------------------


@perm_required(p.OPERATIONS_VIEW)
def threat_balance(request: HttpRequest, pk: int) -> HttpResponse:
    """One threat's 4P balance: its plans' actions and its results, counted within scope
    (counts only, so the page reads no personal data)."""
    user = signed_in_user(request)
    threat = policy.get_visible(user, Threat.objects.all(), "threats.view", pk=pk)
    data = selectors.threat_balance(user=user, threat=threat)
    return render(
        request,
        "operations/threat_balance.html",
        {
            "threat": threat,
            "plans": data["plans"],
            "action_balance": data["action_balance"],
            "result_balance": data["result_balance"],
            "actions_chart": balance_chart(
                data["action_balance"], "threat-actions", f"4P balance of the plan actions against {threat.name}"
            ),
            "results_chart": balance_chart(
                data["result_balance"],
                "threat-results",
                f"4P balance of outcomes and validated disruptions for {threat.name}",
            ),
        },
    )


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
