"""Records management pages: the review queue, a record's review, subject access requests."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rocu.core.errors import ApplicationError
from rocu.core.exports import csv_response
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.records import selectors, services
from rocu.records.forms import DecisionForm, ExportForm, GroupForm, HoldForm, QueueFilterForm, SubjectAccessForm
from rocu.records.models import RetentionStatus
from rocu.records.permissions import RECORDS_REVIEW, SUBJECT_ACCESS
from rocu.records.registry import retained_model


@perm_required(RECORDS_REVIEW)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = QueueFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.retention_queue(
        user=user,
        due=data.get("due") or "due",
        group=data.get("group"),
        held=data.get("held", ""),
        status=data.get("status", RetentionStatus.ACTIVE) if "status" in request.GET else RetentionStatus.ACTIVE,
        sort=data.get("sort") or "next_review",
    )
    page = paginate(request, qs)
    config = services.retention_config()
    return render(
        request,
        "records/queue.html",
        {"form": form, "page": page, "count": page.paginator.count, "config": config, "today": timezone.localdate()},
    )


@perm_required(RECORDS_REVIEW)
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.retention_get(user=user, pk=pk)
    action = request.POST.get("action", "")
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    hold_form = HoldForm(request.POST if action in ("hold", "release") else None)
    group_form = GroupForm(request.POST if action == "regroup" else None, initial={"group": found.group})
    if request.method == "POST":
        form = {"decide": decision_form, "hold": hold_form, "release": hold_form, "regroup": group_form}.get(action)
        if form is None:
            messages.error(request, "Choose what to do with the record.")
            return redirect("records:record", pk=found.pk)
        if form.is_valid():
            try:
                if action == "decide":
                    services.retention_decide(actor=user, record=found, **form.cleaned_data)
                    messages.success(
                        request,
                        "Record disposed of: its personal data has been erased."
                        if form.cleaned_data["decision"] == "dispose"
                        else "Decision recorded: the record is retained.",
                    )
                elif action in ("hold", "release"):
                    services.retention_set_hold(
                        actor=user, record=found, hold=action == "hold", reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, "Legal hold placed." if action == "hold" else "Legal hold lifted.")
                else:
                    services.retention_set_group(actor=user, record=found, **form.cleaned_data)
                    messages.success(request, "MoPI group changed.")
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("records:record", pk=found.pk)
    entry = retained_model(found.object_type)
    return render(
        request,
        "records/record.html",
        {
            "record": found,
            "kind_label": entry.kind_label if entry else found.object_type,
            "config": services.retention_config(),
            "decision_form": decision_form,
            "hold_form": hold_form,
            "group_form": group_form,
            "decisions": found.decisions.all(),
            "is_nominal": found.object_type == "intelligence.nominal",
        },
    )


@perm_required(SUBJECT_ACCESS)
@require_http_methods(["GET", "POST"])
def subject_access_requests(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.subject_access_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Request {sar.reference} recorded.")
            return redirect("records:sar", pk=sar.pk)
    page = paginate(request, selectors.subject_access_list(user=user))
    return render(request, "records/sars.html", {"form": form, "page": page, "count": page.paginator.count})


@perm_required(SUBJECT_ACCESS)
@require_GET
def subject_access_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    sar = selectors.subject_access_get(user=user, pk=pk)
    held = services.subject_access_find(actor=user, sar=sar)
    return render(request, "records/sar.html", {"sar": sar, "held": held, "export_form": ExportForm()})


@perm_required(SUBJECT_ACCESS)
@require_POST
def subject_access_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    sar = selectors.subject_access_get(user=user, pk=pk)
    form = ExportForm(request.POST)
    if form.is_valid():
        try:
            header, rows = services.subject_access_export(actor=user, sar=sar, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return csv_response(f"{sar.reference}-held-records.csv", header, rows)
    held = services.subject_access_find(actor=user, sar=sar, audit=False)
    return render(request, "records/sar.html", {"sar": sar, "held": held, "export_form": form}, status=400)
