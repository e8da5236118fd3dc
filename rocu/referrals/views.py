"""Pages of the referral queue: intake, the check results, triage, imports and the funnel."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rocu.accounts.models import PartnerAgency, Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.charts import PALETTE, chart
from rocu.core.concurrency import EditConflict, rebased_form
from rocu.core.errors import ApplicationError, NotFound
from rocu.core.exports import csv_response, xlsx_response
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.intelligence import permissions as intel_perms
from rocu.intelligence import services as intel_services
from rocu.referrals import forms, intake, selectors, services
from rocu.referrals import permissions as p
from rocu.referrals.models import ReferralTemplate


def _region(user: Any) -> Region:
    try:
        return Region.objects.get(pk=user.region_id)
    except Region.DoesNotExist:
        raise NotFound("You have no home region.") from None


@perm_required(p.REFERRALS_VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = forms.QueueFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.referrals_queue(
        user=user,
        q=data.get("q", ""),
        status=data.get("status", ""),
        partner=data["partner"].pk if data.get("partner") else None,
        assigned=data.get("assigned", ""),
        overdue=bool(data.get("overdue")),
        decision=data.get("decision", ""),
        sort=data.get("sort") or "-received",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(user, qs, export)
    page = paginate(request, qs)
    shown = list(page.object_list)
    selectors.audit_queue(user=user, shown=shown)
    rows = [{"r": r, "clocks": selectors.clocks(r)} for r in shown]
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "rows": rows,
            "filters": form,
            "count": page.paginator.count,
            "can_manage": policy.has_perm(user, p.REFERRALS_MANAGE),
            "export_csv": "?" + _with(request, export="csv"),
            "export_xlsx": "?" + _with(request, export="xlsx"),
        },
    )


def _with(request: HttpRequest, **changes: str) -> str:
    params = request.GET.copy()
    for k, v in changes.items():
        params[k] = v
    params.pop("page", None)
    return params.urlencode()


def _export(user: Any, qs: Any, kind: str) -> HttpResponse:
    """The queue as a spreadsheet: workflow fields only, no subject's personal details."""
    header = ["reference", "partner", "partner_reference", "received_on", "commodity", "status", "check_due"]
    header += ["triage_due", "decision", "disseminated_to", "assigned_to"]
    rows = [
        [
            r.reference,
            r.partner.name,
            r.partner_reference,
            r.received_on,
            r.commodity,
            r.get_status_display(),
            r.check_due,
            r.triage_due,
            r.get_decision_display() if r.decision else "",
            r.disseminated_to.name if r.disseminated_to else "",
            r.assigned_to.username if r.assigned_to else "",
        ]
        for r in qs[:50000]
    ]
    audit_record(
        actor=user,
        category=Category.DISCLOSURE,
        action="referrals.referral.export",
        object_type="referrals.referral",
        recipient=user.get_username(),
        detail={"format": kind, "rows": len(rows)},
    )
    if kind == "xlsx":
        return xlsx_response("referrals.xlsx", header, rows, sheet="Referrals")
    return csv_response("referrals.csv", header, rows)


@perm_required(p.REFERRALS_VIEW)
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _referral_page(request, user, selectors.referral_get(user=user, pk=pk))


def _referral_page(
    request: HttpRequest,
    user: Any,
    found: Any,
    *,
    triage_form: Any = None,
    assign_form: Any = None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    """The referral with its subjects and candidates; the triage and assignment forms carry
    the version drawn, and after a stale save they come back rebased, with both versions shown."""
    subjects = list(found.subjects.all())
    candidates = selectors.candidates_for(user=user, referral=found)
    can_manage = policy.has_perm(user, p.REFERRALS_MANAGE)
    if can_manage:
        assign_form = assign_form or forms.AssignForm(
            initial={"assignee": found.assigned_to_id, "row_version": found.row_version},
            people=selectors.assignable_people(region_id=found.region_id),
        )
        triage_form = triage_form or forms.TriageForm(
            initial={
                "decision": found.decision,
                "force": found.disseminated_to_id,
                "handling_code": found.handling_code,
                "row_version": found.row_version,
            }
        )
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": found,
            "subjects": [{"subject": s, "candidates": candidates.get(s.pk, [])} for s in subjects],
            "clocks": selectors.clocks(found),
            "may_see_checks": selectors.may_see_checks(user),
            "can_manage": can_manage,
            "assign_form": assign_form if can_manage else None,
            "triage_form": triage_form if can_manage else None,
            "conflict": conflict,
        },
    )


@perm_required(p.REFERRALS_MANAGE)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    """A referral typed in by hand, on the form of the chosen partner template."""
    user = signed_in_user(request)
    template = request.POST.get("template") or request.GET.get("template") or ReferralTemplate.BORDER_FORCE_PARCEL
    if template not in ReferralTemplate.values:
        raise NotFound("There is no such referral template.")
    initial = {"partner": _border_force()} if template == ReferralTemplate.BORDER_FORCE_PARCEL else {}
    form = forms.ReferralForm(request.POST or None, template=template, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.referral_create(
                actor=user,
                region=_region(user),
                partner=form.cleaned_data["partner"],
                template=template,
                head=form.head(),
                subjects=form.subjects(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Referral {created.reference} recorded and checked against holdings.")
            return redirect("referrals:referral", pk=created.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "template": template,
            "template_label": ReferralTemplate(template).label,
            "templates": ReferralTemplate.choices,
        },
    )


def _border_force() -> int | None:
    return PartnerAgency.objects.filter(kind="border_force").values_list("pk", flat=True).first()


@perm_required(p.REFERRALS_MANAGE)
@require_POST
def referral_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.referral_get(user=user, pk=pk, audit=False)
    form = forms.AssignForm(request.POST, people=selectors.assignable_people(region_id=found.region_id))
    if form.is_valid():
        try:
            services.referral_assign(
                actor=user,
                referral=found,
                assignee=form.cleaned_data["assignee"],
                expected_version=form.cleaned_data["row_version"],
            )
            messages.success(request, "Assignment saved.")
        except EditConflict as exc:
            rebased = rebased_form(form, exc, people=selectors.assignable_people(region_id=found.region_id))
            return _referral_page(
                request, user, selectors.referral_get(user=user, pk=pk), assign_form=rebased, conflict=exc
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _first_error(form, "Choose someone from the list."))
    return redirect("referrals:referral", pk=found.pk)


def _first_error(form: Any, default: str) -> str:
    if "row_version" in form.errors:
        return "The page was out of date; it has been reloaded. Make the change again."
    if not form.errors:
        return default
    name, errs = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else ""
    return f"{label or name.replace('_', ' ').capitalize()}: {errs[0]}"


@perm_required(p.REFERRALS_MANAGE)
@require_POST
def referral_triage(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.referral_get(user=user, pk=pk, audit=False)
    form = forms.TriageForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.referral_triage(
                actor=user,
                referral=found,
                decision=d["decision"],
                reason=d["reason"],
                force=d.get("force"),
                handling_code=d.get("handling_code") or "",
                handling_conditions=d.get("handling_conditions") or "",
                partner=d.get("partner"),
                expected_version=d["row_version"],
            )
        except EditConflict as exc:
            return _referral_page(
                request,
                user,
                selectors.referral_get(user=user, pk=pk),
                triage_form=rebased_form(form, exc),
                conflict=exc,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Triage decision recorded: {found.get_decision_display()}.")
    else:
        messages.error(request, _first_error(form, "Check the decision."))
    return redirect("referrals:referral", pk=found.pk)


@perm_required(intel_perms.INTEL_CHECK)
@require_POST
def referral_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.referral_get(user=user, pk=pk, audit=False)
    try:
        n = services.referrals_check(actor=user, referrals=[found])
        messages.success(request, f"Checked against holdings: {n} candidate {'match' if n == 1 else 'matches'}.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("referrals:referral", pk=found.pk)


@perm_required(intel_perms.INTEL_CHECK)
@require_POST
def candidate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    candidate = selectors.candidate_get(user=user, pk=pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose same as or not same as.")
    else:
        try:
            if form.cleaned_data["verdict"] == "withdraw":
                intel_services.match_decision_withdraw(actor=user, candidate=candidate)
                messages.success(request, "Decision withdrawn.")
            else:
                intel_services.match_decide(
                    actor=user,
                    candidate=candidate,
                    verdict=form.cleaned_data["verdict"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, "Decision recorded; later checks will reuse it.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect(
        reverse("referrals:referral", args=[candidate.subject.referral_id]) + f"#subject-{candidate.subject_id}"
    )


@perm_required(p.REFERRALS_MANAGE)
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None, initial={"partner": _border_force()})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            started = services.referral_import_start(
                actor=user,
                region=_region(user),
                partner=form.cleaned_data["partner"],
                template=form.cleaned_data["template"],
                mode=form.cleaned_data["mode"],
                filename=upload.name,
                content=upload.read(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("core:job", pk=started.job_id)
    return render(
        request,
        "referrals/import_form.html",
        {"form": form, "recent": selectors.imports_recent(user=user), "templates": ReferralTemplate.choices},
    )


@perm_required(p.REFERRALS_MANAGE)
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.import_get(user=signed_in_user(request), pk=pk)
    return render(request, "referrals/import_result.html", {"upload": found, "errors": found.errors[:200]})


@perm_required(p.REFERRALS_MANAGE)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The per-row error report, for the partner to fix the file."""
    found = selectors.import_get(user=signed_in_user(request), pk=pk)
    rows = [[e["row"], e["field"], e["message"]] for e in found.errors]
    return csv_response(f"import-{found.pk}-errors.csv", ["row", "field", "message"], rows)


@perm_required(p.REFERRALS_MANAGE)
def template_download(request: HttpRequest, template: str) -> HttpResponse:
    if template not in ReferralTemplate.values:
        raise NotFound()
    header, rows = intake.template_csv(template)
    return csv_response(f"{template}-template.csv", header, rows)


@perm_required(p.REFERRALS_FUNNEL)
def funnel(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        partner = int(request.GET.get("partner", "") or 0) or None
    except ValueError:
        partner = None
    data = selectors.funnel_counts(user=user, partner=partner)
    stages = data["stages"]
    fig = go.Figure(
        go.Funnel(
            y=[s["label"] + (" *" if s["note"] else "") for s in stages],
            x=[s["count"] for s in stages],
            marker={"color": PALETTE[: len(stages)]},
            textinfo="value+percent initial",
        )
    )
    fig.update_layout(height=380, margin={"l": 200})
    funnel_chart = chart(
        fig,
        chart_id="referral-funnel",
        title="Referrals by stage",
        table_header=["Stage", "Referrals", "Note"],
        table_rows=[[s["label"], s["count"], s["note"]] for s in stages],
    )
    months = sorted({r["month"] for r in data["table"]})
    by_month = go.Figure()
    for i, key in enumerate(("received", "checked", "triaged", "actioned")):
        by_month.add_bar(
            name=next(s["label"] for s in stages if s["key"] == key),
            x=[m.strftime("%b %Y") for m in months],
            y=[sum(r[key] for r in data["table"] if r["month"] == m) for m in months],
            marker_color=PALETTE[i],
        )
    by_month.update_layout(barmode="group", height=360, yaxis_title="Referrals")
    month_chart = chart(
        by_month,
        chart_id="referral-months",
        title="By month received",
        table_header=["Month", "Partner", *[s["label"] for s in stages]],
        table_rows=[
            [r["month"].strftime("%b %Y"), r["partner"], *[r[s["key"]] for s in stages]] for r in data["table"]
        ],
    )
    return render(
        request,
        "referrals/funnel.html",
        {
            "stages": stages,
            "funnel_chart": funnel_chart,
            "month_chart": month_chart,
            "partners": PartnerAgency.objects.order_by("name"),
            "partner": partner,
            "since": data["since"],
            "decisions": data["decisions"],
        },
    )
