"""Counter-corruption pages: alerts, cases, the declarations register, one's own declarations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rocu.accounts.models import Region
from rocu.core import policy
from rocu.core.concurrency import EditConflict
from rocu.core.errors import ApplicationError, PermissionDenied
from rocu.core.jobs import job_enqueue
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.counter_corruption import selectors, services
from rocu.counter_corruption.forms import (
    AlertCloseForm,
    AlertFilterForm,
    AlertReopenForm,
    AssignForm,
    CaseFilterForm,
    CloseForm,
    DeclarationForm,
    EscalateForm,
    NoteForm,
    RegisterFilterForm,
    ScanForm,
    TeamFilterForm,
)
from rocu.counter_corruption.models import OPEN_ALERT_STATUSES, AlertStatus, CaseStatus, ScanState
from rocu.counter_corruption.permissions import CC_CASEWORK, CC_REGISTER, CC_SCAN, CC_VIEW, DECLARE
from rocu.counter_corruption.rules import rules_in_force
from rocu.counter_corruption.tasks import anomaly_scan_task


def _team(user: Any) -> list[Any]:
    return [u for u in selectors.team_members(user=user) if policy.has_perm(u, CC_CASEWORK)]


@perm_required(CC_VIEW)
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = AlertFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.alerts_list(
        user=user,
        status=data.get("status", ""),
        rule=data.get("rule", ""),
        subject=data.get("subject", ""),
        sort=data.get("sort") or "-day",
    )
    page = paginate(request, qs)
    selectors.audit_alert_list(user=user, shown=list(page.object_list))
    return render(
        request,
        "counter_corruption/alerts.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "state": ScanState.objects.filter(pk=1).first(),
            "rules_in_force": rules_in_force(),
            "can_scan": policy.has_perm(user, CC_SCAN),
            "is_senior": selectors.is_senior(user),
        },
    )


@perm_required(CC_VIEW)
@require_http_methods(["GET", "POST"])
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.alert_get(user=user, pk=pk, audit=request.method == "GET")
    action = request.POST.get("action", "")
    team = _team(user)
    assign_form = AssignForm(request.POST if action == "assign" else None, team=team)
    close_form = AlertCloseForm(request.POST if action == "close" else None)
    reopen_form = AlertReopenForm(request.POST if action == "reopen" else None)
    escalate_form = EscalateForm(
        request.POST if action == "escalate" else None,
        initial={"title": f"Access by {found.subject.display_name}"},
    )
    conflict: EditConflict | None = None
    if request.method == "POST":
        policy.require(user, CC_CASEWORK)
        # The version the officer saw: a triage by someone else since then is shown, not overwritten.
        seen = request.POST.get("row_version", "")
        expected = int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 10 else None
        by_action = {"assign": assign_form, "close": close_form, "reopen": reopen_form, "escalate": escalate_form}
        form = by_action.get(action)
        if form is None:
            messages.error(request, "Choose what to do with the alert.")
            return redirect("counter_corruption:alert", pk=found.pk)
        if form.is_valid():
            try:
                if action == "assign":
                    services.alert_assign(
                        actor=user, alert=found, assignee=form.cleaned_data["assigned_to"], expected_version=expected
                    )
                    messages.success(request, "Alert assigned.")
                elif action == "close":
                    services.alert_close(actor=user, alert=found, expected_version=expected, **form.cleaned_data)
                    messages.success(request, "Alert closed.")
                elif action == "reopen":
                    services.alert_reopen(
                        actor=user, alert=found, note=form.cleaned_data["note"], expected_version=expected
                    )
                    messages.success(request, "Alert reopened for triage.")
                else:
                    case = services.case_open(actor=user, alert=found, expected_version=expected, **form.cleaned_data)
                    messages.success(request, f"Alert escalated to case {case.reference}.")
                    return redirect("counter_corruption:case", pk=case.pk)
            except EditConflict as exc:
                conflict = exc
                found.refresh_from_db()
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("counter_corruption:alert", pk=found.pk)
    return render(
        request,
        "counter_corruption/alert.html",
        {
            "alert": found,
            "conflict": conflict,
            "assign_form": assign_form,
            "close_form": close_form,
            "reopen_form": reopen_form,
            "escalate_form": escalate_form,
            "can_work": policy.has_perm(user, CC_CASEWORK) and found.status in OPEN_ALERT_STATUSES,
            "can_reopen": policy.has_perm(user, CC_CASEWORK) and found.status == AlertStatus.CLOSED,
        },
        status=409 if conflict else 200,
    )


@perm_required(CC_VIEW)
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CaseFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.cases_list(
        user=user, status=data.get("status", ""), category=data.get("category", ""), sort=data.get("sort") or "-opened"
    )
    page = paginate(request, qs)
    selectors.audit_case_list(user=user, shown=list(page.object_list))
    return render(
        request,
        "counter_corruption/cases.html",
        {"form": form, "page": page, "count": page.paginator.count, "is_senior": selectors.is_senior(user)},
    )


@perm_required(CC_VIEW)
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.case_get(user=user, pk=pk, audit=request.method == "GET")
    action = request.POST.get("action", "")
    note_form = NoteForm(request.POST if action == "note" else None)
    assign_form = AssignForm(request.POST if action == "assign" else None, team=_team(user))
    close_form = CloseForm(request.POST if action == "close" else None)
    if request.method == "POST":
        policy.require(user, CC_CASEWORK)
        form = {"note": note_form, "assign": assign_form, "close": close_form}.get(action)
        if form is None:
            messages.error(request, "Choose what to do with the case.")
            return redirect("counter_corruption:case", pk=found.pk)
        if form.is_valid():
            try:
                if action == "note":
                    services.case_add_note(actor=user, case=found, text=form.cleaned_data["text"])
                    messages.success(request, "Note added.")
                elif action == "assign":
                    services.case_assign(actor=user, case=found, assignee=form.cleaned_data["assigned_to"])
                    messages.success(request, "Case assigned.")
                else:
                    services.case_close(actor=user, case=found, **form.cleaned_data)
                    messages.success(request, "Case closed.")
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("counter_corruption:case", pk=found.pk)
    return render(
        request,
        "counter_corruption/case.html",
        {
            "case": found,
            "alerts": found.alerts.order_by("-day"),
            "notes": found.notes.select_related("author"),
            "note_form": note_form,
            "assign_form": assign_form,
            "close_form": close_form,
            "can_work": policy.has_perm(user, CC_CASEWORK) and found.status != CaseStatus.CLOSED,
        },
    )


@perm_required(DECLARE)
@require_http_methods(["GET", "POST"])
def declarations(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Declaration recorded. Counter-corruption can see it; nobody else can.")
            return redirect("counter_corruption:declarations")
    return render(
        request,
        "counter_corruption/declarations.html",
        {"form": form, "declarations": selectors.my_declarations(user=user)},
    )


@perm_required(DECLARE)
@require_POST
def declaration_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.my_declaration_get(user=user, pk=pk)
    try:
        services.declaration_withdraw(actor=user, declaration=found)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Declaration withdrawn. It stays on the register, marked withdrawn.")
    return redirect("counter_corruption:declarations")


@perm_required(CC_REGISTER)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = RegisterFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.register_list(
        user=user, q=data.get("q", ""), kind=data.get("kind", ""), current=data.get("current", "")
    )
    page = paginate(request, qs)
    selectors.audit_register_list(user=user, shown=list(page.object_list), q=data.get("q", ""))
    return render(
        request,
        "counter_corruption/register.html",
        {"form": form, "page": page, "count": page.paginator.count, "is_senior": selectors.is_senior(user)},
    )


@perm_required(CC_SCAN)
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ScanForm(request.POST)
    full = bool(form.is_valid() and form.cleaned_data["full"])
    job = job_enqueue(
        actor=user,
        kind="counter_corruption.scan",
        title="Full anomaly scan of the audit trail" if full else "Anomaly scan of new audit events",
        region=Region.objects.filter(pk=user.region_id).first(),
        task=anomaly_scan_task,
        args=[full],
    )
    return redirect("core:job", pk=job.pk)


@perm_required(CC_VIEW)
@require_GET
def team_access(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not selectors.is_senior(user):
        raise PermissionDenied("Only a senior counter-corruption investigator sees the team's own access.")
    form = TeamFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.team_access(user=user, actor=data.get("actor", "")), default_size=50)
    return render(
        request,
        "counter_corruption/team_access.html",
        {"form": form, "page": page, "count": page.paginator.count, "team": selectors.team_members(user=user)},
    )
